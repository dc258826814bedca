package boshcm.bench.load.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static TargetResult withLoginRate(double okPerSecond) {
        LoginResult login = new LoginResult(100, 10, 100, 0, 100 / okPerSecond,
                boshcm.bench.load.measure.Percentiles.EMPTY, List.of(), java.util.Map.of());
        return new TargetResult("t", 1, List.of(), login, null, List.of(), null);
    }

    @Test
    void oneRunShowsItsValueSeveralShowMedianAndRange() {
        assertThat(Report.cell(List.of(withLoginRate(500)), r -> r.login().rate(), "%.0f")).isEqualTo("500");
        assertThat(Report.cell(List.of(withLoginRate(500), withLoginRate(400), withLoginRate(700)),
                r -> r.login().rate(), "%.0f")).isEqualTo("500 [400–700]");
        assertThat(Report.cell(List.of(withLoginRate(400), withLoginRate(600)),
                r -> r.login().rate(), "%.0f")).isEqualTo("500 [400–600]");
    }

    @Test
    void theLoginTableGivesTheColdRateOfTheWarmUpsFirstRound() {
        LoadOptions options = LoadOptions.parse("--targets", "boshcm", "--sessions", "100");
        LoginResult warm = withLoginRate(500).login();
        LoginResult cold = withLoginRate(125).login();
        Report report = new Report(options, null, List.of(
                new TargetResult("boshcm → Prosody", 1, List.of(), warm, null, List.of(), null, null, cold)));
        assertThat(report.tables()).contains("After the login warm-up (800 logins in rounds of at most 100)",
                "| target | logged in | logins/s | cold logins/s |", "| boshcm → Prosody | 100 | 500 | 125 |");
    }

    @Test
    void missingValuesShowADash() {
        assertThat(Report.cell(List.of(new TargetResult("t", 1, List.of(), null, null, List.of(), "boom")),
                r -> r.login() == null ? Double.NaN : r.login().rate(), "%.0f")).isEqualTo("–");
    }

    @Test
    void eachTargetIsComparedWithRawC2sToItsOwnServer() {
        LoadOptions options = LoadOptions.parse("--targets", "all");
        List<TargetResult> results = new java.util.ArrayList<>();
        for (boshcm.bench.load.target.TargetKind k : options.targets()) {
            results.add(new TargetResult(k.label(), 1, List.of(), null, null, List.of(), null));
        }
        Report report = new Report(options, null, results);
        assertThat(report.comparedWithFloor()).extracting(pair -> pair[0] + " / " + pair[1]).containsExactly(
                "boshcm → Prosody / raw c2s → Prosody",
                "Prosody mod_bosh / raw c2s → Prosody",
                "node-xmpp-bosh → Prosody / raw c2s → Prosody",
                "boshcm → ejabberd / raw c2s → ejabberd",
                "ejabberd mod_bosh / raw c2s → ejabberd");
        assertThat(report.tables()).contains("| ejabberd mod_bosh | raw c2s → ejabberd | 250 |");
    }

    @Test
    void aTargetWhoseFloorDidNotRunIsNotCompared() {
        LoadOptions options = LoadOptions.parse("--targets", "c2s,boshcm,ejabberd-bosh");
        List<TargetResult> results = options.targets().stream()
                .map(k -> new TargetResult(k.label(), 1, List.of(), null, null, List.of(), null)).toList();
        assertThat(new Report(options, null, results).comparedWithFloor()).extracting(pair -> pair[0])
                .containsExactly("boshcm → Prosody");
    }

    /** c2s, boshcm and mod_bosh, twice each, with made-up numbers and max-rate searches. */
    static List<TargetResult> twoRepetitions() {
        List<TargetResult> out = new java.util.ArrayList<>();
        for (int rep = 1; rep <= 2; rep++) {
            List<RateResult> rates = List.of(Results.rate(250, 0.5, 2, 0.3), Results.rate(500, 0.45, 3, 0.4),
                    Results.rate(1000, 0.4, 20 * rep, 0.5));
            out.add(new TargetResult("raw c2s → Prosody", rep, List.of("prosody"), Results.login(1200),
                    Results.memory("prosody", 18), rates,
                    Results.search(rep == 1 ? 3000 : 3200, false, Results.pass(2000), Results.pass(rep == 1 ? 3000 : 3200),
                            Results.fail(4000, StepFailure.LATENCY)), null));
            out.add(new TargetResult("boshcm → Prosody", rep, List.of("boshcm", "prosody"), Results.login(400),
                    new MemoryResult(1000, java.util.Map.of("boshcm", 300L << 20, "prosody", 50L << 20),
                            java.util.Map.of("boshcm", (300L << 20) + 100 * 1024 * 1000, "prosody", (50L << 20) + 18 * 1024 * 1000)),
                    rates, Results.search(2830, false, Results.pass(2000), Results.pass(2830),
                            Results.fail(3000, StepFailure.GENERATOR_LAG)), null));
            out.add(new TargetResult("Prosody mod_bosh", rep, List.of("prosody"), Results.login(550),
                    Results.memory("prosody", 19), rates,
                    Results.search(400, true, Results.pass(100), Results.pass(200), Results.pass(400)), null));
        }
        return out;
    }

    @Test
    void theHighestSustainedRateTableHasMediansRatiosAndMarks() {
        LoadOptions options = LoadOptions.parse("--targets", "c2s,boshcm,prosody-bosh", "--repeat", "2",
                "--max-rate-limit", "400", "--max-rate-start", "100");
        String tables = new Report(options, null, twoRepetitions()).tables();
        assertThat(tables).contains("### Highest sustained rate");
        // c2s: 3000 and 3200 → median 3100; boshcm 2830 both times, ratio 2830/3000 and 2830/3200
        assertThat(tables).contains("| raw c2s → Prosody | 3100 [3000–3200] | – | 1.00 [1.00–1.00] | 5.00 [5.00–5.00] |");
        assertThat(tables).contains("| boshcm → Prosody | 2830 [2830–2830] ‡ | 0.91 [0.88–0.94] |");
        assertThat(tables).contains("| Prosody mod_bosh | ≥ 400 [400–400] | 0.13 [0.13–0.13] |");
        assertThat(tables).contains("| p99 ×2 |", "| generator lag ×2 |", "| (limit passed) ×2 |");
        assertThat(tables).contains("‡: in some repetition", "≥: the limit");
        assertThat(tables).contains("- boshcm → Prosody, repetition 2: 2000 ✓ (5.00) · 2830 ✓ (5.00) · 3000 ✗ generator lag (400.00)");
    }

    @Test
    void withoutTheSearchThereIsNoMaxRateTable() {
        LoadOptions options = LoadOptions.parse("--targets", "c2s,boshcm,prosody-bosh", "--max-rate-search", "off");
        assertThat(new Report(options, null, twoRepetitions()).tables()).doesNotContain("Highest sustained rate");
    }

    @Test
    void chartsAndTheScaleSectionAreLinkedInTheMarkdown() {
        LoadOptions options = LoadOptions.parse("--targets", "c2s,boshcm,prosody-bosh", "--repeat", "2");
        Machine machine = new Machine("cpu", 2, 1L << 30, "Linux", "Java", "Prosody", "0.1");
        String md = new Report(options, machine, twoRepetitions()).markdown(
                List.of(java.util.Map.entry("Login rate", "load-charts/login-rate.png")), "### Scale run\n\nnot yet\n");
        assertThat(md).contains("### Charts\n\n![Login rate](load-charts/login-rate.png)", "### Scale run");
        assertThat(LoadBenchmark.link(java.nio.file.Path.of("/a/b/report.md"), java.nio.file.Path.of("/a/b/c/x.png")))
                .isEqualTo("c/x.png");
    }
}
