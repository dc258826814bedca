package boshcm.bench.load.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SoakReportTest {

    private static final SoakOptions OPTIONS = SoakOptions.parse("--sessions", "200", "--duration", "10m");
    private static final long MIB = 1 << 20;

    /** A baseline, samples every minute for 10 minutes with the heap at {@code heapMib(minute)}, and the end. */
    static List<Sample> samples(java.util.function.IntToDoubleFunction heapMib, long fdsAtEnd, long sessionsAtEnd) {
        List<Sample> out = new ArrayList<>();
        out.add(new Sample(Sample.Phase.BASELINE, -0.5, 0, 0, 20 * MIB, 150 * MIB, MIB, 40, 100, 30 * MIB, 20, 10, 50, 0,
                Double.NaN, 0, 0, 0));
        for (int m = 1; m <= 10; m++) {
            out.add(new Sample(Sample.Phase.MIX, m, 200, 200, (long) (heapMib.applyAsDouble(m) * MIB), 300 * MIB, 4 * MIB, 60,
                    700, 40 * MIB, 220, 410, 450, 40, 3.5, m * 12L, m * 60L, m * 60L));
        }
        out.add(new Sample(Sample.Phase.END, 10.8, 0, sessionsAtEnd, 22 * MIB, 310 * MIB, 4 * MIB, 58, fdsAtEnd, 41 * MIB, 21,
                10, 52, 0, Double.NaN, 120, 600, 600));
        return out;
    }

    static SoakResult result(List<Sample> samples, Ledger ledger, long unexpectedEnds, Malformed.Tally malformed) {
        SoakResult.Sessions sessions = new SoakResult.Sessions(1400, 0, 300, 120, 120, 120, 0, 0, 120, unexpectedEnds, 0,
                unexpectedEnds == 0 ? List.of() : List.of("session ended (ACTIVE): HTTP 500"));
        return new SoakResult("test machine", 10.0, samples, ledger.totals(), ledger.totals().sent(),
                new double[] {1.2, 3.5, 40.0}, 0, 7, sessions,
                malformed, Map.of("bosh_sessions_ended_total{cause=\"upstream\",condition=\"remote-connection-failed\"}", 120.0),
                Map.of("boshcm", 95.0), List.of("soak-charts/soak-heap.png"));
    }

    static Ledger cleanLedger() {
        Ledger l = new Ledger();
        l.close(Ledger.End.LOGOUT, new Ledger.Flow(101, 100, 1), new Ledger.Flow(100, 100, 0));
        l.close(Ledger.End.CUT, new Ledger.Flow(50, 47, 1), new Ledger.Flow(50, 50, 0));
        return l;
    }

    static Malformed.Tally goodMalformed() {
        Malformed.Tally t = new Malformed.Tally();
        t.record(Malformed.Kind.OVERSIZED, new Malformed.Answer(413, null, null, null));
        t.record(Malformed.Kind.GARBAGE, new Malformed.Answer(200, "terminate", "bad-request", null));
        return t;
    }

    @Test
    void aFlatHeapBalancedMessagesAndDescriptorsBackPass() {
        // ± 0.25 MiB of noise around 30 MiB
        SoakResult r = result(samples(m -> 30 + (m % 2 == 0 ? 0.25 : -0.25), 104, 0), cleanLedger(), 0, goodMalformed());
        SoakReport.Verdict v = SoakReport.verdict(r, OPTIONS);
        assertThat(v.problems()).isEmpty();
        assertThat(v.pass()).isTrue();
        assertThat(v.heap().points()).isEqualTo(6); // minutes 5..10
        assertThat(v.heapFlat()).isTrue();
        assertThat(v.fdBaseline()).isEqualTo(100);
        assertThat(v.fdPeak()).isEqualTo(700);
        assertThat(v.fdEnd()).isEqualTo(104);

        String md = SoakReport.markdown(r, OPTIONS, v);
        assertThat(md).contains("### Verdict: pass")
                .contains("**flat**")
                .contains("back to baseline")
                .contains("sent 301 = received 297 + bounced 2 + lost in cuts 2: every message accounted for")
                .contains("| before login | -0.5 | 0 | 0 | 20.0 | 150.0 | 1.0 | 40 | 100 |")
                .contains("| mix | 10.0 | 200 | 200 |")
                .contains("| after logout | 10.8 | 0 | 0 |")
                .contains("![soak-charts/soak-heap.png](soak-charts/soak-heap.png)")
                .contains("| Content-Length 4 MiB | HTTP 413 | 1 | 1 |")
                .contains("remote-connection-failed")
                .contains("p50 1.20 ms, p99 3.50 ms, max 40.0 ms");
        String last = md.strip().lines().reduce((a, b) -> b).orElseThrow();
        assertThat(last).isEqualTo(SoakReport.finalLine(r, v)).startsWith("soak: PASS | messages: sent 301 = received 297"
                + " + bounced 2 + lost in cuts 2 | heap flat");
    }

    @Test
    void aGrowingHeapFails() {
        // 1 MiB a minute: 1024 KiB/min, far over the 128 limit
        SoakResult r = result(samples(m -> 30 + m, 100, 0), cleanLedger(), 0, goodMalformed());
        SoakReport.Verdict v = SoakReport.verdict(r, OPTIONS);
        assertThat(v.heap().slope()).isCloseTo(1024, within(1e-6));
        assertThat(v.heapFlat()).isFalse();
        assertThat(v.pass()).isFalse();
        assertThat(v.problems()).anyMatch(p -> p.contains("grows by 1024 KiB/min"));
        assertThat(SoakReport.markdown(r, OPTIONS, v)).contains("### Verdict: **FAIL**").contains("**GROWING**");
        assertThat(SoakReport.finalLine(r, v)).startsWith("soak: FAIL").contains("heap GROWING");
    }

    @Test
    void leakedDescriptorsAndSessionsLeftFail() {
        SoakResult r = result(samples(m -> 30, 160, 3), cleanLedger(), 0, goodMalformed());
        SoakReport.Verdict v = SoakReport.verdict(r, OPTIONS);
        assertThat(v.problems()).anyMatch(p -> p.contains("descriptors did not come back: 100 before login, 160"))
                .anyMatch(p -> p.contains("3 active sessions"));
        assertThat(SoakReport.markdown(r, OPTIONS, v)).contains("**NOT back to baseline**");
    }

    @Test
    void unexplainedMessagesUnexpectedEndsAndOddAnswersFail() {
        Ledger l = cleanLedger();
        l.close(Ledger.End.LOGOUT, new Ledger.Flow(10, 8, 0), new Ledger.Flow(0, 0, 0));
        Malformed.Tally t = goodMalformed();
        t.record(Malformed.Kind.UNKNOWN_SID, new Malformed.Answer(404, null, null, null));
        SoakResult r = result(samples(m -> 30, 100, 0), l, 2, t);
        SoakReport.Verdict v = SoakReport.verdict(r, OPTIONS);
        assertThat(v.problems()).hasSize(3)
                .anyMatch(p -> p.contains("UNEXPLAINED 2"))
                .anyMatch(p -> p.contains("2 sessions ended without a cut or a logout"))
                .anyMatch(p -> p.contains("1 malformed requests"));
        String md = SoakReport.markdown(r, OPTIONS, v);
        assertThat(md).contains("**not all accounted for**").contains("Other answers: unknown sid: HTTP 404")
                .contains("Reasons seen: session ended (ACTIVE): HTTP 500");
        assertThat(SoakReport.finalLine(r, v)).contains("UNEXPLAINED 2").endsWith("3 problems");
    }

    @Test
    void messagesOfAnEpochNeverClosedAreCaughtByTheGeneratorsOwnCount() {
        SoakResult closed = result(samples(m -> 30, 100, 0), cleanLedger(), 0, goodMalformed());
        SoakResult r = new SoakResult(closed.machine(), closed.minutes(), closed.samples(), closed.messages(),
                closed.generatorSent() + 5, closed.latencyMillis(), 0, 0, closed.sessions(), closed.malformed(),
                closed.boshcmCounters(), closed.cpuSeconds(), closed.charts());
        SoakReport.Verdict v = SoakReport.verdict(r, OPTIONS);
        assertThat(v.problems()).containsExactly("the generator sent 306 messages but the closed epochs account for 301:"
                + " some pair's epoch was never closed");
    }

    @Test
    void tooShortARunHasNoTrendButIsNotAFailureForThat() {
        List<Sample> few = samples(m -> 30, 100, 0).stream()
                .filter(s -> s.phase() != Sample.Phase.MIX || s.minutes() < 7).toList();
        SoakReport.Verdict v = SoakReport.verdict(result(few, cleanLedger(), 0, goodMalformed()), OPTIONS);
        assertThat(v.heap()).isNull();
        assertThat(v.warnings()).anyMatch(w -> w.contains("too few samples"));
        assertThat(v.pass()).isTrue();
    }
}
