package boshcm.bench.load.run;

import boshcm.bench.load.measure.Percentiles;
import java.util.List;

/**
 * How logging in {@code sessions} sessions went: how many made it, in how long (first connect to
 * last bind result, with {@code concurrency} logins in flight), and each login's latency.
 */
public record LoginResult(int sessions, int concurrency, int ok, int failed, double seconds, Percentiles latency,
                          List<String> sampleFailures) {

    /** Successful logins per second. */
    public double rate() {
        return seconds > 0 ? ok / seconds : 0;
    }
}
