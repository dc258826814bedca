package boshcm.server.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * New sessions per key per second (checklist S-7), where a key is a client address or an
 * {@code Origin}: a token bucket per key, refilled at {@code perSecond} and holding at most
 * {@code ceil(perSecond)} tokens, so a client may open that many at once and then {@code perSecond}
 * per second. Thread-safe; time comes from {@code clock} ({@code System.nanoTime()} in production, a
 * test's own clock in tests).
 *
 * <p>Bounded: a key unused for a minute is forgotten (its bucket would be full again by then anyway),
 * and at most {@link #MAX_KEYS} keys are kept. When more keys than that are active at once, the
 * least used are dropped; such a key starts again with a full bucket, so the limit then errs on the
 * client's side, never on memory.
 */
final class CreationRateLimiter {

    /** Keys kept at most: about 150 bytes each, so some 15 MB when full. */
    static final int MAX_KEYS = 100_000;

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
        Ticker ticker = clock::getAsLong;
        this.buckets = Caffeine.newBuilder().ticker(ticker).expireAfterAccess(Duration.ofMinutes(1))
                .maximumSize(MAX_KEYS).executor(Runnable::run).build();
    }

    /** Takes one token for {@code key}; false when it has none (0 per second means unlimited). */
    boolean tryAcquire(String key) {
        if (perSecond <= 0) {
            return true;
        }
        long now = clock.getAsLong();
        Bucket bucket = buckets.get(key, c -> {
            Bucket b = new Bucket();
            b.tokens = burst;
            b.updatedAt = now;
            return b;
        });
        synchronized (bucket) {              // held for a few arithmetic operations, never across a call out
            bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.updatedAt) / 1e9 * perSecond);
            bucket.updatedAt = now;
            if (bucket.tokens < 1) {
                return false;
            }
            bucket.tokens -= 1;
            return true;
        }
    }

    /** Keys currently remembered (for tests of the bound). */
    long keys() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}
