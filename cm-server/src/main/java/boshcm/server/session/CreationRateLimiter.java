package boshcm.server.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * New sessions per client address per second (checklist S-7): a token bucket per address, refilled
 * at {@code perSecond} and holding at most {@code ceil(perSecond)} tokens. Idle addresses are forgotten
 * after a minute, so the table stays bounded by the clients actually creating sessions. Thread-safe.
 */
final class CreationRateLimiter {

    private static final class Bucket {
        double tokens;
        long updatedAt;
    }

    private final double perSecond;
    private final double burst;
    private final LongSupplier clock;
    private final Cache<String, Bucket> buckets;

    CreationRateLimiter(double perSecond, LongSupplier clock) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, Math.ceil(perSecond));
        this.clock = clock;
        this.buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(1)).maximumSize(1_000_000).build();
    }

    /** Takes one token for {@code client}; false when it has none (0 per second means unlimited). */
    boolean tryAcquire(String client) {
        if (perSecond <= 0) {
            return true;
        }
        long now = clock.getAsLong();
        Bucket bucket = buckets.get(client, c -> {
            Bucket b = new Bucket();
            b.tokens = burst;
            b.updatedAt = now;
            return b;
        });
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.updatedAt) / 1e9 * perSecond);
            bucket.updatedAt = now;
            if (bucket.tokens < 1) {
                return false;
            }
            bucket.tokens -= 1;
            return true;
        }
    }
}
