package boshcm.bench.load.soak;

import java.util.List;
import java.util.Map;

/**
 * Everything a soak run found, for {@link SoakReport}.
 *
 * @param machine         the machine, in one line
 * @param minutes         how long the mix actually ran
 * @param samples         the time series, baseline first and the end sample last
 * @param messages        where every message went
 * @param generatorSent   messages the generator handed to its sessions, counted apart from the ledger: the
 *                        ledger's {@code sent} must equal it, or some pair's epoch was never closed
 * @param latencyMillis   end-to-end latency over the whole run: p50, p99, max
 * @param outOfOrder      messages received behind a higher number from the same sender (late)
 * @param afterGap        messages received with some earlier number still missing (normal around a cut)
 * @param sessions        session events
 * @param malformed       the malformed requests and their answers
 * @param boshcmCounters  boshcm's own counters at the end, name{labels} → value
 * @param cpuSeconds      CPU time over the whole run, by process
 * @param charts          the chart files written, relative to the report
 */
public record SoakResult(String machine, double minutes, List<Sample> samples, Ledger.Totals messages, long generatorSent,
                         double[] latencyMillis,
                         long outOfOrder, long afterGap, Sessions sessions, Malformed.Tally malformed,
                         Map<String, Double> boshcmCounters, Map<String, Double> cpuSeconds, List<String> charts) {

    /** The same result with the charts drawn from it. */
    public SoakResult withCharts(List<String> files) {
        return new SoakResult(machine, minutes, samples, messages, generatorSent, latencyMillis, outOfOrder, afterGap, sessions, malformed,
                boshcmCounters, cpuSeconds, List.copyOf(files));
    }

    /**
     * What happened to sessions. A churn logs a pair out and in again; a cut resets one session's
     * upstream connection, after which its peer logs out too and both log in again.
     *
     * @param logins            successful logins, the first ones included
     * @param loginFailures     logins that failed (retried)
     * @param churnedPairs      pairs that logged out and in again on purpose
     * @param cutsRequested     cuts asked of the fault proxy
     * @param cutsDone          cuts the proxy made (it knew the session's connection)
     * @param cutEndsExpected   cut sessions that ended with remote-connection-failed
     * @param cutEndsOther      cut sessions that ended some other way
     * @param cutsWithoutEffect cuts after which the session went on (flagged)
     * @param reloginsAfterCut  pairs logged in again after a cut
     * @param unexpectedEnds    sessions that ended without a cut or a logout (flagged)
     * @param workflowFailures  slot workflows (login, churn, cut, recovery) that failed with an exception (flagged)
     * @param reasons           a few of the reasons behind login failures, unexpected ends and odd cuts
     */
    public record Sessions(long logins, long loginFailures, long churnedPairs, long cutsRequested, long cutsDone,
                           long cutEndsExpected, long cutEndsOther, long cutsWithoutEffect, long reloginsAfterCut,
                           long unexpectedEnds, long workflowFailures, List<String> reasons) {
    }
}
