package boshcm.bench.load.run;

import java.util.Map;

/**
 * Resident memory of each measured process before the sessions logged in and with all of them
 * logged in and idle (each holding one long-poll), keyed by process name.
 */
public record MemoryResult(int sessions, Map<String, Long> rssBefore, Map<String, Long> rssIdle) {

    /** (idle − before) / sessions, in bytes; NaN when unknown. */
    public double bytesPerSession(String process) {
        Long before = rssBefore.get(process);
        Long idle = rssIdle.get(process);
        return before == null || idle == null || sessions == 0 ? Double.NaN : (idle - before) / (double) sessions;
    }
}
