package boshcm.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The token bucket behind the creation rate limits (checklist S-7), on a test clock. */
class CreationRateLimiterTest {

    private final AtomicLong now = new AtomicLong(123_456_789L);

    @Test
    void s7_fractionalRatesGiveOneAtATimeAndRefillSlowly() {
        CreationRateLimiter half = new CreationRateLimiter(0.5, now::get);
        assertThat(half.tryAcquire("a")).isTrue();
        assertThat(half.tryAcquire("a")).isFalse();
        now.addAndGet(1_999_000_000L);
        assertThat(half.tryAcquire("a")).isFalse();
        now.addAndGet(1_000_000L);
        assertThat(half.tryAcquire("a")).isTrue();
    }

    @Test
    void s7_aBucketNeverHoldsMoreThanItsBurst() {
        CreationRateLimiter five = new CreationRateLimiter(5, now::get);
        now.addAndGet(3_600_000_000_000L);            // an hour of silence still gives 5, not 18 000
        int granted = 0;
        while (five.tryAcquire("a")) {
            granted++;
        }
        assertThat(granted).isEqualTo(5);
    }

    @Test
    void s7_zeroMeansUnlimited() {
        CreationRateLimiter off = new CreationRateLimiter(0, now::get);
        for (int i = 0; i < 10_000; i++) {
            assertThat(off.tryAcquire("a")).isTrue();
        }
        assertThat(off.keys()).isZero();
    }

    /** The table of buckets is bounded whatever a client sends: many addresses or origins cost bounded memory. */
    @Test
    void s7_theTableOfKeysIsBoundedAndForgetsIdleKeys() {
        CreationRateLimiter limiter = new CreationRateLimiter(1, now::get);
        for (int i = 0; i < CreationRateLimiter.MAX_KEYS + 5_000; i++) {
            limiter.tryAcquire("key-" + i);
        }
        assertThat(limiter.keys()).isLessThanOrEqualTo(CreationRateLimiter.MAX_KEYS);
    }

    @Test
    void s7_idleKeysAreForgottenAfterAMinute() {
        CreationRateLimiter limiter = new CreationRateLimiter(1, now::get);
        for (int i = 0; i < 1_000; i++) {
            limiter.tryAcquire("key-" + i);
        }
        assertThat(limiter.keys()).isEqualTo(1_000);
        now.addAndGet(61_000_000_000L);
        assertThat(limiter.keys()).isZero();
    }
}
