package boshcm.protocol.sm;

import java.time.Duration;

/**
 * How long the CM waits before the next connection of a resume whose connection failed (checklist
 * SM-12): the first connection goes at once; after a failed one the wait doubles from {@code base} up
 * to {@code cap}, and each wait is drawn from its upper half so that the sessions of a restarted server
 * do not all come back in the same instant. Each connection has {@code attemptTimeout} to reach
 * {@code <resumed/>} before it is dropped and another is tried.
 */
public record ResumeBackoff(Duration base, Duration cap, Duration attemptTimeout) {

    public ResumeBackoff {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0 || attemptTimeout.isNegative()
                || attemptTimeout.isZero()) {
            throw new IllegalArgumentException("base=" + base + ", cap=" + cap + ", attemptTimeout=" + attemptTimeout);
        }
    }

    /** 250 ms doubling to 5 s; 15 s per connection. */
    public static ResumeBackoff defaults() {
        return new ResumeBackoff(Duration.ofMillis(250), Duration.ofSeconds(5), Duration.ofSeconds(15));
    }

    /**
     * The wait before connection number {@code attempt + 1}, after {@code attempt} failed connections
     * ({@code attempt ≥ 1}), in nanoseconds.
     *
     * @param unit a value in [0, 1) drawn by the caller: where in the upper half of the wait this one falls
     */
    public long delayNanos(int attempt, double unit) {
        long full = base.toNanos();
        for (int i = 1; i < attempt && full < cap.toNanos(); i++) {
            full *= 2;
        }
        full = Math.min(full, cap.toNanos());
        return full / 2 + (long) (full / 2 * Math.max(0, Math.min(unit, 1)));
    }
}
