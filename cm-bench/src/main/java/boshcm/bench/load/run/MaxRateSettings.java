package boshcm.bench.load.run;

import java.time.Duration;

/**
 * How the search for the highest sustained rate runs ({@code --max-rate-*} options; see
 * {@link RateSearch} for the search itself and {@link StepFailure} for what a step must not do).
 *
 * @param on           whether the search runs at all
 * @param start        the first rate tried, msg/s
 * @param factor       the ramp's multiplier after each passing step
 * @param limit        the highest rate tried: a pass there ends the search ("at least")
 * @param resolution   bisection stops when the lowest failure is within this fraction of the highest pass
 * @param stepDuration sending time of each step
 * @param p99Limit     a step passes only if its p99 end-to-end latency is at most this
 * @param lagLimit     ... and the generator's p99 lag behind its schedule at most this
 * @param pause        pause after every step, so that the next one starts on a quiet machine
 * @param recovery     after a failed step, the longest wait for the backlog to arrive (it ends
 *                     earlier when everything has arrived, or nothing has for 2 s)
 */
public record MaxRateSettings(boolean on, double start, double factor, double limit, double resolution,
                              Duration stepDuration, Duration p99Limit, Duration lagLimit, Duration pause,
                              Duration recovery) {

    public static MaxRateSettings defaults() {
        return new MaxRateSettings(true, 250, 2, 50_000, 0.10, Duration.ofSeconds(5), Duration.ofMillis(100),
                Duration.ofMillis(10), Duration.ofSeconds(2), Duration.ofSeconds(30));
    }

    /** The quiet time after which {@link MessagePhase#awaitBacklog} gives up on the missing messages. */
    static final Duration QUIET = Duration.ofSeconds(2);

    MaxRateSettings withOn(boolean v) {
        return new MaxRateSettings(v, start, factor, limit, resolution, stepDuration, p99Limit, lagLimit, pause, recovery);
    }

    /** Judges one step: the reasons it failed, none if it passed. */
    java.util.EnumSet<StepFailure> judge(RateResult r, long sessionsLost) {
        java.util.EnumSet<StepFailure> out = java.util.EnumSet.noneOf(StepFailure.class);
        if (sessionsLost > 0 || r.skipped() > 0) {
            out.add(StepFailure.SESSIONS_LOST);
        }
        if (r.lost() > 0 || r.errors() > 0) {
            out.add(StepFailure.LOSS);
        }
        if (r.latency().count() == 0 || r.latency().p99() > p99Limit.toNanos() / 1000) {
            out.add(StepFailure.LATENCY);
        }
        if (r.sendLag().p99() > lagLimit.toNanos() / 1000) {
            out.add(StepFailure.GENERATOR_LAG);
        }
        return out;
    }
}
