package boshcm.bench.load.run;

import boshcm.bench.load.measure.Percentiles;
import java.util.Map;

/**
 * One fixed-rate message phase: offered rate, what was sent and received (after a drain), the
 * end-to-end latency, the generator's own lateness, and the CPU time each measured process spent
 * (utime + stime over the phase, including the drain), keyed by process name ("generator" is this
 * JVM).
 *
 * @param lost     sent but not received by the end of the drain
 * @param late     received below the next expected number (reordered or duplicated)
 * @param afterGap received with an earlier number still missing at the time
 * @param errors   {@code <message type='error'/>} bounces received
 * @param skipped  due while the sending session was down, so not sent
 * @param connects TCP connections the client opened during the phase (keep-alive should make it ~0)
 * @param stale    received during the phase but sent in an earlier one (not in {@code received})
 * @param elapsedSeconds wall time over which {@code cpuNanos} was read: sending and drain
 */
public record RateResult(double offered, double seconds, long sent, long received, long lost, long late, long afterGap,
                         long errors, long skipped, long connects, long stale, Percentiles latency, Percentiles sendLag,
                         Map<String, Long> cpuNanos, double elapsedSeconds) {

    /** CPU microseconds per delivered message for {@code process}; NaN if nothing was delivered. */
    public double cpuMicrosPerMessage(String process) {
        Long nanos = cpuNanos.get(process);
        return nanos == null || received == 0 ? Double.NaN : nanos / 1000.0 / received;
    }

    /**
     * The CPU {@code process} used during the phase, in cores (1.0 = one core busy all the time);
     * NaN if unknown.
     */
    public double cores(String process) {
        Long nanos = cpuNanos.get(process);
        return nanos == null || !(elapsedSeconds > 0) ? Double.NaN : nanos / 1e9 / elapsedSeconds;
    }

    /** Delivered messages per second over the sending time. */
    public double deliveredRate() {
        return seconds > 0 ? received / seconds : 0;
    }
}
