package boshcm.bench.load.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TrendTest {

    @Test
    void aStraightLineIsFoundExactly() {
        Trend t = Trend.fit(new double[] {0, 1, 2, 3}, new double[] {10, 12, 14, 16});
        assertThat(t.slope()).isCloseTo(2, within(1e-12));
        assertThat(t.intercept()).isCloseTo(10, within(1e-12));
        assertThat(t.slopeError()).isCloseTo(0, within(1e-12));
        assertThat(t.points()).isEqualTo(4);
    }

    @Test
    void noiseAroundAFlatLineGivesASmallSlopeWithItsError() {
        // y = 100 ± 1, alternating: least squares over 0..5.
        Trend t = Trend.fit(new double[] {0, 1, 2, 3, 4, 5}, new double[] {101, 99, 101, 99, 101, 99});
        assertThat(t.slope()).isCloseTo(-0.1714, within(1e-4));
        assertThat(t.slopeError()).isCloseTo(0.2799, within(1e-4));
    }

    @Test
    void twoPointsHaveNoError() {
        Trend t = Trend.fit(new double[] {1, 3}, new double[] {5, 1});
        assertThat(t.slope()).isEqualTo(-2);
        assertThat(t.slopeError()).isNaN();
    }

    @Test
    void tooFewOrDegeneratePointsAreRefused() {
        assertThatThrownBy(() -> Trend.fit(new double[] {1}, new double[] {1})).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> Trend.fit(new double[] {1, 1}, new double[] {1, 2})).hasMessageContaining("distinct");
        assertThatThrownBy(() -> Trend.fit(new double[] {1, 2}, new double[] {1})).isInstanceOf(IllegalArgumentException.class);
    }
}
