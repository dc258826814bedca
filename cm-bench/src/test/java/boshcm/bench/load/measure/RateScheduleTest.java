package boshcm.bench.load.measure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateScheduleTest {

    private static final long S = 1_000_000_000L;

    @Test
    void messagesAreEvenlySpacedFromTheStart() {
        RateSchedule s = new RateSchedule(1000, 4, 8); // every 250 ms
        assertThat(s.dueAt(0)).isEqualTo(1000);
        assertThat(s.dueAt(1)).isEqualTo(1000 + S / 4);
        assertThat(s.dueAt(4)).isEqualTo(1000 + S);
    }

    @Test
    void dueByCountsEveryMessageWhoseTimeHasCome() {
        RateSchedule s = new RateSchedule(0, 1000, 10_000); // every 1 ms
        assertThat(s.dueBy(-1)).isZero();
        assertThat(s.dueBy(0)).isEqualTo(1);
        assertThat(s.dueBy(999_999)).isEqualTo(1);
        assertThat(s.dueBy(1_000_000)).isEqualTo(2);
        assertThat(s.dueBy(5 * S)).isEqualTo(5001);
    }

    @Test
    void dueByNeverExceedsTheCount() {
        RateSchedule s = new RateSchedule(0, 100, 5);
        assertThat(s.dueBy(3600 * S)).isEqualTo(5);
    }

    @Test
    void dueByAgreesWithDueAtForAwkwardRates() {
        RateSchedule s = new RateSchedule(123, 333.3, 100_000);
        for (long k = 0; k < 2000; k++) {
            long t = s.dueAt(k);
            assertThat(s.dueBy(t)).as("at dueAt(%d)", k).isEqualTo(k + 1);
            assertThat(s.dueBy(t - 1)).as("just before dueAt(%d)", k).isEqualTo(k);
        }
    }

    @Test
    void forDurationSendsRateTimesDuration() {
        assertThat(RateSchedule.forDuration(0, 250, 10 * S).count()).isEqualTo(2500);
        assertThat(RateSchedule.forDuration(0, 0.5, 3 * S).count()).isEqualTo(2); // 1.5 rounds to 2
    }

    @Test
    void aRateMustBePositive() {
        assertThatThrownBy(() -> new RateSchedule(0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
