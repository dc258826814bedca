package boshcm.bench.load.soak;

/**
 * One row of the soak's time series, taken right after a full GC in boshcm. Memory in bytes; -1
 * where a reading failed. {@code minutes} counts from the start of the mix (negative for the
 * baseline, taken before anyone logged in); the counters at the end are cumulative since the start.
 *
 * @param sessionsReady   sessions logged in on the generator's side
 * @param boshSessions    boshcm's {@code bosh_sessions_active}
 * @param heapBytes       {@code jvm_memory_used_bytes{area="heap"}} after the GC
 * @param directBytes     {@code jvm_buffer_memory_used_bytes{id="direct"}}
 * @param threads         boshcm's threads ({@code /proc/<pid>/status})
 * @param fds             boshcm's open descriptors ({@code /proc/<pid>/fd})
 * @param deliveredPerSecond messages received per second since the previous sample
 * @param p99Millis       p99 end-to-end latency of those messages
 */
public record Sample(Phase phase, double minutes, long sessionsReady, long boshSessions, long heapBytes, long rssBytes,
                     long directBytes, long threads, long fds, long prosodyRssBytes, long prosodyFds, long proxyFds,
                     long generatorFds, double deliveredPerSecond, double p99Millis, long cuts, long churned,
                     long malformed) {

    /** When a sample was taken. */
    public enum Phase {
        /** Servers up, nobody logged in yet. */
        BASELINE,
        /** While the mix runs. */
        MIX,
        /** After everyone logged out. */
        END
    }
}
