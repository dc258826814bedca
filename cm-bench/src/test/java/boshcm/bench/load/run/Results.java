package boshcm.bench.load.run;

import boshcm.bench.load.measure.Percentiles;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/** Made-up results for the report, chart and search tests. */
final class Results {

    private Results() {}

    /** A phase at {@code rate} for 10 s: everything delivered, the given p50/p99 (ms) and generator lag p99 (ms). */
    static RateResult rate(double rate, double p50Ms, double p99Ms, double lagMs) {
        long n = Math.round(rate * 10);
        Percentiles latency = new Percentiles(n, p50Ms * 1000, (long) (p50Ms * 1000), (long) (p99Ms * 500),
                (long) (p99Ms * 1000), (long) (p99Ms * 1200), (long) (p99Ms * 1500));
        Percentiles lag = new Percentiles(n, 100, 100, 200, (long) (lagMs * 1000), (long) (lagMs * 1000), (long) (lagMs * 1000));
        // 200 µs of prosody and 100 µs of generator CPU per message, over 11 s
        return new RateResult(rate, 10, n, n, 0, 0, 0, 0, 0, 0, 0, latency, lag,
                Map.of("prosody", n * 200_000L, "boshcm", n * 300_000L, CpuClock.GENERATOR, n * 100_000L), 11);
    }

    static RateResult lossy(double rate, long lost) {
        RateResult r = rate(rate, 1, 2, 0.5);
        return new RateResult(r.offered(), r.seconds(), r.sent(), r.received() - lost, lost, 0, 0, 0, 0, 0, 0,
                r.latency(), r.sendLag(), r.cpuNanos(), r.elapsedSeconds());
    }

    static MaxRateStep pass(double rate) {
        return new MaxRateStep(rate, rate(rate, 1, 5, 0.5), EnumSet.noneOf(StepFailure.class));
    }

    static MaxRateStep fail(double rate, StepFailure... why) {
        return new MaxRateStep(rate, rate(rate, 50, 400, 0.5), EnumSet.of(why[0], why));
    }

    static MaxRateResult search(double highest, boolean limit, MaxRateStep... steps) {
        return new MaxRateResult(highest, limit, List.of(steps), null);
    }

    static LoginResult login(double perSecond) {
        return new LoginResult(1000, 100, 1000, 0, 1000 / perSecond, Percentiles.EMPTY, List.of(),
                Map.of("prosody", 800_000_000L));
    }

    static MemoryResult memory(String process, double kibPerSession) {
        return new MemoryResult(1000, Map.of(process, 50L << 20), Map.of(process, (50L << 20) + (long) (kibPerSession * 1024 * 1000)));
    }
}
