package boshcm.bench.load.run;

import boshcm.bench.load.measure.Percentiles;
import java.util.List;
import java.util.Map;

/**
 * How logging in {@code sessions} sessions went: how many made it, in how long (first connect to
 * last bind result, with {@code concurrency} logins in flight), each login's latency, and the CPU
 * time each measured process spent meanwhile, keyed by process name ("generator" is this JVM).
 */
public record LoginResult(int sessions, int concurrency, int ok, int failed, double seconds, Percentiles latency,
                          List<String> sampleFailures, Map<String, Long> cpuNanos) {

    /** CPU microseconds per successful login for {@code process}; NaN if none succeeded. */
    public double cpuMicrosPerLogin(String process) {
        Long nanos = cpuNanos.get(process);
        return nanos == null || ok == 0 ? Double.NaN : nanos / 1000.0 / ok;
    }

    /** Successful logins per second. */
    public double rate() {
        return seconds > 0 ? ok / seconds : 0;
    }
}
