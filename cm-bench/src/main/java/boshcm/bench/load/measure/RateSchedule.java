package boshcm.bench.load.measure;

/**
 * An open-loop send schedule: message {@code k} (from 0) is due at {@code start + k / rate}, whether
 * or not earlier ones have been answered, so a slow server cannot slow the offered load down (no
 * coordinated omission: wrk2's approach). Latency is measured from the due time, not from when the
 * sender got round to it. Pure arithmetic; the time is passed in.
 */
public final class RateSchedule {

    private final long startNanos;
    private final double perSecond;
    private final long count;

    /** {@code count} messages at {@code perSecond} from {@code startNanos}. */
    public RateSchedule(long startNanos, double perSecond, long count) {
        if (!(perSecond > 0) || count < 0) {
            throw new IllegalArgumentException("rate " + perSecond + ", count " + count);
        }
        this.startNanos = startNanos;
        this.perSecond = perSecond;
        this.count = count;
    }

    /** A schedule that sends {@code perSecond} for {@code durationNanos}: round(rate × duration) messages. */
    public static RateSchedule forDuration(long startNanos, double perSecond, long durationNanos) {
        return new RateSchedule(startNanos, perSecond, Math.round(perSecond * durationNanos / 1e9));
    }

    /** When message {@code k} is due. */
    public long dueAt(long k) {
        return startNanos + (long) Math.ceil(k * 1e9 / perSecond);
    }

    /** How many messages are due at {@code nowNanos} (those with {@code dueAt(k) <= now}), at most {@link #count()}. */
    public long dueBy(long nowNanos) {
        if (nowNanos < startNanos) {
            return 0;
        }
        long k = (long) Math.floor((nowNanos - startNanos) * perSecond / 1e9) + 1;
        // Rounding can put k one off either way; settle it against dueAt itself.
        while (k > 0 && dueAt(k - 1) > nowNanos) {
            k--;
        }
        while (k < count && dueAt(k) <= nowNanos) {
            k++;
        }
        return Math.min(k, count);
    }

    public long count() {
        return count;
    }

    public double perSecond() {
        return perSecond;
    }
}
