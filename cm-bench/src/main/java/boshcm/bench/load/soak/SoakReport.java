package boshcm.bench.load.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The soak's verdict and its Markdown report (printed, and written to {@code --report}). Pure: it
 * only formats a {@link SoakResult}.
 */
public final class SoakReport {

    private SoakReport() {}

    /**
     * The verdict. {@code heap} is the least-squares line of the post-GC heap (KiB) against minutes,
     * over the samples of the mix's second half (null with fewer than 3 of them).
     */
    public record Verdict(Trend heap, boolean heapFlat, long fdBaseline, long fdPeak, long fdEnd, long prosodyFdBaseline,
                          long prosodyFdEnd, long sessionsAtEnd, List<String> problems, List<String> warnings) {

        public boolean pass() {
            return problems.isEmpty();
        }
    }

    public static Verdict verdict(SoakResult r, SoakOptions o) {
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Sample base = first(r.samples(), Sample.Phase.BASELINE);
        Sample end = first(r.samples(), Sample.Phase.END);
        List<Sample> mix = r.samples().stream().filter(s -> s.phase() == Sample.Phase.MIX).toList();

        List<Sample> secondHalf = mix.stream().filter(s -> s.minutes() >= r.minutes() / 2 && s.heapBytes() >= 0).toList();
        Trend heap = null;
        boolean flat = false;
        if (secondHalf.size() >= 3) {
            double[] x = secondHalf.stream().mapToDouble(Sample::minutes).toArray();
            double[] y = secondHalf.stream().mapToDouble(s -> s.heapBytes() / 1024.0).toArray();
            heap = Trend.fit(x, y);
            flat = heap.slope() < o.heapSlopeLimitKibPerMinute();
            if (!flat) {
                problems.add(String.format(Locale.ROOT, "the heap after GC grows by %.0f KiB/min over the second half"
                        + " (the limit for flat is %s)", heap.slope(), SoakOptions.number(o.heapSlopeLimitKibPerMinute())));
            }
        } else {
            warnings.add("too few samples in the second half (" + secondHalf.size() + ", 3 needed) for a heap trend:"
                    + " run longer or sample more often");
        }

        long fdBase = base == null ? -1 : base.fds();
        long fdEnd = end == null ? -1 : end.fds();
        long fdPeak = r.samples().stream().mapToLong(Sample::fds).max().orElse(-1);
        long pBase = base == null ? -1 : base.prosodyFds();
        long pEnd = end == null ? -1 : end.prosodyFds();
        if (fdBase < 0 || fdEnd < 0) {
            problems.add("boshcm's descriptors could not be read at the baseline or at the end");
        } else if (fdEnd - fdBase > o.fdTolerance()) {
            problems.add("boshcm's descriptors did not come back: " + fdBase + " before login, " + fdEnd
                    + " after everyone logged out (tolerance " + o.fdTolerance() + ")");
        }
        if (pBase >= 0 && pEnd >= 0 && pEnd - pBase > o.fdTolerance()) {
            problems.add("Prosody's descriptors did not come back: " + pBase + " before login, " + pEnd + " after");
        }
        long sessionsAtEnd = end == null ? -1 : end.boshSessions();
        if (sessionsAtEnd != 0) {
            problems.add("boshcm still counts " + sessionsAtEnd + " active sessions after everyone logged out");
        }

        Ledger.Totals m = r.messages();
        if (!m.clean()) {
            problems.add("messages not accounted for: " + m.equation());
        }
        if (m.sent() == 0) {
            problems.add("no message was sent");
        }
        if (m.sent() != r.generatorSent()) {
            problems.add("the generator sent " + r.generatorSent() + " messages but the closed epochs account for " + m.sent()
                    + ": some pair's epoch was never closed");
        }
        if (r.outOfOrder() > 0) {
            problems.add(r.outOfOrder() + " messages arrived out of order (behind a higher number from the same sender)");
        }
        SoakResult.Sessions s = r.sessions();
        if (s.unexpectedEnds() > 0) {
            problems.add(s.unexpectedEnds() + " sessions ended without a cut or a logout");
        }
        if (s.workflowFailures() > 0) {
            problems.add(s.workflowFailures() + " slot workflows failed with an exception (see the reasons)");
        }
        if (s.cutsWithoutEffect() > 0) {
            problems.add(s.cutsWithoutEffect() + " cut sessions went on as if nothing had happened");
        }
        if (s.cutEndsOther() > 0) {
            problems.add(s.cutEndsOther() + " cut sessions ended otherwise than with remote-connection-failed");
        }
        if (r.malformed().unexpected() > 0) {
            problems.add(r.malformed().unexpected() + " malformed requests got another answer than the documented one");
        }
        if (s.loginFailures() > 0) {
            warnings.add(s.loginFailures() + " logins failed and were tried again");
        }
        if (s.cutsRequested() > s.cutsDone()) {
            warnings.add((s.cutsRequested() - s.cutsDone()) + " cuts found no connection for their session at the proxy"
                    + " (the session had just ended)");
        }
        return new Verdict(heap, flat, fdBase, fdPeak, fdEnd, pBase, pEnd, sessionsAtEnd, List.copyOf(problems),
                List.copyOf(warnings));
    }

    /** The one line the run ends with. */
    public static String finalLine(SoakResult r, Verdict v) {
        StringBuilder sb = new StringBuilder(v.pass() ? "soak: PASS" : "soak: FAIL");
        sb.append(" | messages: ").append(r.messages().equation());
        if (v.heap() != null) {
            sb.append(String.format(Locale.ROOT, " | heap %s (%+.1f KiB/min)", v.heapFlat() ? "flat" : "GROWING", v.heap().slope()));
        }
        sb.append(" | boshcm fds ").append(v.fdBaseline()).append(" → peak ").append(v.fdPeak()).append(" → ").append(v.fdEnd());
        if (!v.pass()) {
            sb.append(" | ").append(v.problems().size()).append(v.problems().size() == 1 ? " problem" : " problems");
        }
        return sb.toString();
    }

    public static String markdown(SoakResult r, SoakOptions o, Verdict v) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Soak test: boshcm in front of Prosody\n\n");
        sb.append('`').append(o.commandLine()).append("`\n\n");
        sb.append("Machine: ").append(r.machine()).append("\n\n");
        sb.append(String.format(Locale.ROOT, "%d sessions in %d pairs for %.1f min of mix. Each pair exchanges numbered"
                        + " chat messages, %s msg/s over all senders. All the time: %s; %s; %s. boshcm's upstream"
                        + " connections go through a fault proxy in its own JVM. boshcm JVM options: %s. Every %s: a full"
                        + " GC in boshcm (`jcmd GC.run`), then the row below.%n%n",
                o.sessions(), o.pairs(), r.minutes(), SoakOptions.number(o.rate()),
                o.churnPerSecond() > 0 ? SoakOptions.number(o.churnPerSecond()) + " sessions/s log out and in again (a pair at a time)"
                        : "no churn",
                o.cutEvery().isZero() ? "no cuts" : "one session's upstream TCP connection reset every " + SoakOptions.text(o.cutEvery()),
                o.malformedPerSecond() > 0 ? SoakOptions.number(o.malformedPerSecond()) + " malformed requests/s" : "no malformed requests",
                o.boshcmJvmOptions().isEmpty() ? "none (the JVM's defaults)" : "`" + String.join(" ", o.boshcmJvmOptions()) + "`",
                SoakOptions.text(o.sampleEvery())));

        sb.append("### Verdict: ").append(v.pass() ? "pass" : "**FAIL**").append("\n\n");
        if (v.heap() != null) {
            sb.append(String.format(Locale.ROOT, "- **Heap after GC**: %+.1f ± %.1f KiB/min over the second half (%d samples,"
                            + " least squares): %s (limit %s KiB/min).%n", v.heap().slope(),
                    Double.isNaN(v.heap().slopeError()) ? 0.0 : v.heap().slopeError(), v.heap().points(),
                    v.heapFlat() ? "**flat**" : "**GROWING**", SoakOptions.number(o.heapSlopeLimitKibPerMinute())));
        } else {
            sb.append("- **Heap after GC**: no trend (too few samples in the second half).\n");
        }
        sb.append(String.format(Locale.ROOT, "- **Descriptors, boshcm**: %d before login, %d at the peak, %d after everyone"
                        + " logged out: %s. **Prosody**: %d before, %d after.%n", v.fdBaseline(), v.fdPeak(), v.fdEnd(),
                v.fdEnd() >= 0 && v.fdBaseline() >= 0 && v.fdEnd() - v.fdBaseline() <= o.fdTolerance()
                        ? "back to baseline" : "**NOT back to baseline**",
                v.prosodyFdBaseline(), v.prosodyFdEnd()));
        sb.append("- **boshcm sessions after logout** (`bosh_sessions_active`): ").append(v.sessionsAtEnd()).append(".\n");
        Ledger.Totals m = r.messages();
        sb.append("- **Messages**: ").append(m.equation()).append(m.clean() ? ": every message accounted for.\n"
                : ": **not all accounted for**.\n");
        for (String p : v.problems()) {
            sb.append("- **Problem**: ").append(p).append('\n');
        }
        for (String w : v.warnings()) {
            sb.append("- Note: ").append(w).append('\n');
        }
        sb.append('\n');

        sb.append("### Samples\n\n");
        sb.append("After a full GC in boshcm. Memory in MiB. \"Sessions\" is the generator's count of logged-in"
                + " sessions, \"active\" boshcm's `bosh_sessions_active`; fds are open descriptors (`/proc/<pid>/fd`);"
                + " msg/s and p99 are the messages delivered since the previous row; cuts, churned (sessions) and"
                + " malformed are totals so far.\n\n");
        sb.append("| phase | min | sessions | active | heap | RSS | direct | threads | fds | Prosody RSS | Prosody fds"
                + " | proxy fds | generator fds | msg/s | p99 ms | cuts | churned | malformed |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Sample s : r.samples()) {
            sb.append(String.format(Locale.ROOT, "| %s | %.1f | %d | %d | %s | %s | %s | %d | %d | %s | %d | %d | %d | %s | %s | %d | %d | %d |%n",
                    switch (s.phase()) {
                        case BASELINE -> "before login";
                        case MIX -> "mix";
                        case END -> "after logout";
                    },
                    s.minutes(), s.sessionsReady(), s.boshSessions(), mib(s.heapBytes()), mib(s.rssBytes()), mib(s.directBytes()),
                    s.threads(), s.fds(), mib(s.prosodyRssBytes()), s.prosodyFds(), s.proxyFds(), s.generatorFds(),
                    s.phase() == Sample.Phase.MIX ? String.format(Locale.ROOT, "%.1f", s.deliveredPerSecond()) : "–",
                    s.phase() == Sample.Phase.MIX && !Double.isNaN(s.p99Millis()) ? String.format(Locale.ROOT, "%.1f", s.p99Millis()) : "–",
                    s.cuts(), s.churned(), s.malformed()));
        }
        sb.append('\n');
        for (String chart : r.charts()) {
            sb.append("![").append(chart).append("](").append(chart).append(")\n");
        }
        if (!r.charts().isEmpty()) {
            sb.append('\n');
        }

        sb.append("### Messages\n\n");
        sb.append("Each pair's two sessions live one epoch, from their pairing to their logout or cut. At its end,"
                + " for each direction: sent − received − bounced is what is left. After a logout (both sides stop,"
                + " wait for their messages, then log out) nothing may be left. After a cut, what is left was in"
                + " flight through the cut session (no XEP-0198 with `--sm passthrough`): lost in cuts.\n\n");
        sb.append("| | messages |\n|---|---:|\n");
        sb.append("| sent | ").append(m.sent()).append(" |\n");
        sb.append("| received | ").append(m.received()).append(" |\n");
        sb.append("| bounced (`type='error'` back to the sender) | ").append(m.bounced()).append(" |\n");
        sb.append("| lost in cuts (in flight when the session was cut) | ").append(m.lostInCuts()).append(" |\n");
        sb.append("| lost in unexpected session ends | ").append(m.lostInUnexpectedEnds()).append(" |\n");
        sb.append("| unexplained | ").append(m.unexplained()).append(" |\n");
        sb.append("| excess (duplicates) | ").append(m.excess()).append(" |\n");
        sb.append("| out of order | ").append(r.outOfOrder()).append(" |\n");
        sb.append("| after a gap (a lost one before it: around cuts) | ").append(r.afterGap()).append(" |\n\n");
        sb.append("Epochs by how they ended: ");
        List<String> parts = new ArrayList<>();
        m.epochs().forEach((end, n) -> parts.add(end.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " " + n));
        sb.append(String.join(", ", parts)).append(". ");
        double[] lat = r.latencyMillis();
        sb.append(String.format(Locale.ROOT, "End-to-end latency over the run: p50 %.2f ms, p99 %.2f ms, max %.1f ms.%n%n",
                lat[0], lat[1], lat[2]));

        SoakResult.Sessions s = r.sessions();
        sb.append("### Sessions\n\n");
        sb.append("| | |\n|---|---:|\n");
        sb.append("| logins | ").append(s.logins()).append(" |\n");
        sb.append("| login failures (tried again) | ").append(s.loginFailures()).append(" |\n");
        sb.append("| pairs churned (both logged out, then in again) | ").append(s.churnedPairs()).append(" |\n");
        sb.append("| cuts asked of the proxy | ").append(s.cutsRequested()).append(" |\n");
        sb.append("| cuts made | ").append(s.cutsDone()).append(" |\n");
        sb.append("| cut sessions ended with remote-connection-failed | ").append(s.cutEndsExpected()).append(" |\n");
        sb.append("| cut sessions ended otherwise | ").append(s.cutEndsOther()).append(" |\n");
        sb.append("| cuts without effect | ").append(s.cutsWithoutEffect()).append(" |\n");
        sb.append("| pairs logged in again after a cut | ").append(s.reloginsAfterCut()).append(" |\n");
        sb.append("| sessions ended unexpectedly | ").append(s.unexpectedEnds()).append(" |\n");
        sb.append("| slot workflows that failed | ").append(s.workflowFailures()).append(" |\n\n");
        if (!s.reasons().isEmpty()) {
            sb.append("Reasons seen: ").append(String.join("; ", s.reasons())).append("\n\n");
        }

        sb.append("### Malformed requests\n\n");
        sb.append("Raw POSTs on fresh connections; none names a live session.\n\n");
        sb.append("| request | documented answer | sent | answered so |\n|---|---|---:|---:|\n");
        for (Malformed.Kind k : Malformed.Kind.values()) {
            sb.append("| ").append(k.label()).append(" | ").append(k.expected()).append(" | ").append(r.malformed().sent(k))
                    .append(" | ").append(r.malformed().asDocumented(k)).append(" |\n");
        }
        if (!r.malformed().samples().isEmpty()) {
            sb.append("\nOther answers: ").append(String.join("; ", r.malformed().samples())).append('\n');
        }
        sb.append('\n');

        if (!r.boshcmCounters().isEmpty()) {
            sb.append("### boshcm's own counters at the end\n\n| counter | value |\n|---|---:|\n");
            r.boshcmCounters().forEach((k, val) -> sb.append("| `").append(k).append("` | ")
                    .append(String.format(Locale.ROOT, "%.0f", val)).append(" |\n"));
            sb.append('\n');
        }
        if (!r.cpuSeconds().isEmpty()) {
            List<String> cpu = new ArrayList<>();
            for (Map.Entry<String, Double> e : r.cpuSeconds().entrySet()) {
                cpu.add(String.format(Locale.ROOT, "%s %.0f s", e.getKey(), e.getValue()));
            }
            sb.append("CPU time over the run: ").append(String.join(", ", cpu)).append(".\n\n");
        }
        sb.append(finalLine(r, v)).append('\n');
        return sb.toString();
    }

    private static Sample first(List<Sample> samples, Sample.Phase phase) {
        return samples.stream().filter(s -> s.phase() == phase).findFirst().orElse(null);
    }

    static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format(Locale.ROOT, "%.1f", bytes / 1048576.0);
    }
}
