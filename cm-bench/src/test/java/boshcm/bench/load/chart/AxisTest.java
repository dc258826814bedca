package boshcm.bench.load.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

class AxisTest {

    @Test
    void linearRangesWidenToANiceStep() {
        Axis a = Axis.fromZero(0, 97);
        assertThat(a.min()).isEqualTo(0);
        assertThat(a.max()).isEqualTo(100);
        assertThat(a.ticks()).extracting(Axis.Tick::label).containsExactly("0", "20", "40", "60", "80", "100");
        Axis b = Axis.linear(0.13, 0.47, 5);
        assertThat(b.min()).isCloseTo(0.1, offset(1e-12));
        assertThat(b.max()).isCloseTo(0.5, offset(1e-12));
        assertThat(b.ticks()).extracting(Axis.Tick::label).containsExactly("0.1", "0.2", "0.3", "0.4", "0.5");
        assertThat(Axis.linear(0.13, 0.47, 8).ticks()).extracting(Axis.Tick::label)
                .containsExactly("0.1", "0.15", "0.2", "0.25", "0.3", "0.35", "0.4", "0.45", "0.5");
    }

    @Test
    void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(Axis.niceStep(0.7)).isEqualTo(1);
        assertThat(Axis.niceStep(1.5)).isEqualTo(2);
        assertThat(Axis.niceStep(3)).isEqualTo(5);
        assertThat(Axis.niceStep(700)).isEqualTo(1000);
        assertThat(Axis.niceStep(2000)).isEqualTo(2000);
    }

    @Test
    void aSingleValueGetsARangeAroundIt() {
        Axis a = Axis.linear(5, 5, 5);
        assertThat(a.min()).isLessThan(5);
        assertThat(a.max()).isGreaterThan(5);
        assertThat(Axis.fromZero(0, 0).max()).isGreaterThan(0);
    }

    @Test
    void fractionIsLinearOnALinearAxis() {
        Axis a = Axis.fromZero(0, 200);
        assertThat(a.fraction(0)).isEqualTo(0);
        assertThat(a.fraction(100)).isEqualTo(0.5);
        assertThat(a.fraction(200)).isEqualTo(1);
    }

    @Test
    void logRangesWidenToWholeDecadesAndFractionsAreLogarithmic() {
        Axis a = Axis.log(0.3, 450);
        assertThat(a.min()).isCloseTo(0.1, offset(1e-12));
        assertThat(a.max()).isCloseTo(1000, offset(1e-9));
        assertThat(a.fraction(0.1)).isCloseTo(0, offset(1e-12));
        assertThat(a.fraction(1)).isCloseTo(0.25, offset(1e-12));
        assertThat(a.fraction(10)).isCloseTo(0.5, offset(1e-12));
        assertThat(a.fraction(100)).isCloseTo(0.75, offset(1e-12));
        assertThat(a.fraction(1000)).isCloseTo(1, offset(1e-12));
        // equal ratios, equal distances
        assertThat(a.fraction(40) - a.fraction(20)).isCloseTo(a.fraction(2) - a.fraction(1), offset(1e-12));
    }

    @Test
    void logTicksAreDecadesWithTwoAndFiveBetween() {
        List<Axis.Tick> ticks = Axis.log(100, 5000).ticks();
        assertThat(ticks).filteredOn(Axis.Tick::major).extracting(Axis.Tick::label).containsExactly("100", "1000", "10k");
        assertThat(ticks).filteredOn(t -> !t.major()).extracting(Axis.Tick::value)
                .containsExactly(200.0, 500.0, 2000.0, 5000.0);
        // wider than three decades: minor ticks lose their labels
        assertThat(Axis.log(0.1, 5000).ticks()).filteredOn(t -> !t.major()).allMatch(t -> t.label().isEmpty());
    }

    @Test
    void aLogAxisIsAtLeastOneDecadeAndRefusesNonPositiveValues() {
        Axis a = Axis.log(100, 100);
        assertThat(a.min()).isEqualTo(100);
        assertThat(a.max()).isEqualTo(1000);
        assertThat(a.accepts(0)).isFalse();
        assertThat(a.accepts(-1)).isFalse();
        assertThat(a.accepts(Double.NaN)).isFalse();
        assertThat(a.accepts(1)).isTrue();
        assertThatThrownBy(() -> Axis.log(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Axis.linear(5, 1, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void labelsAreShort() {
        assertThat(Axis.label(0)).isEqualTo("0");
        assertThat(Axis.label(1000)).isEqualTo("1000");
        assertThat(Axis.label(20_000)).isEqualTo("20k");
        assertThat(Axis.label(0.25)).isEqualTo("0.25");
        assertThat(Axis.label(0.30000000000000004)).isEqualTo("0.3");
        assertThat(Axis.label(1e-3)).isEqualTo("0.001");
        assertThat(Axis.label(12_345)).isEqualTo("12300");
    }
}
