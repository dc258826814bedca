package boshcm.bench.load.measure;

import org.HdrHistogram.Histogram;

/** A latency summary in microseconds, taken from an HdrHistogram. */
public record Percentiles(long count, double mean, long p50, long p90, long p99, long p999, long max) {

    public static final Percentiles EMPTY = new Percentiles(0, 0, 0, 0, 0, 0, 0);

    public static Percentiles of(Histogram h) {
        if (h.getTotalCount() == 0) {
            return EMPTY;
        }
        return new Percentiles(h.getTotalCount(), h.getMean(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getMaxValue());
    }
}
