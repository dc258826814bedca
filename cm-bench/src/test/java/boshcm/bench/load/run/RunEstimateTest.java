package boshcm.bench.load.run;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.bench.load.target.TargetKind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The estimate is arithmetic on the options: these check the arithmetic, not any real run's time. */
class RunEstimateTest {

    @Test
    void searchStepsFollowTheSearch() {
        MaxRateSettings m = MaxRateSettings.defaults();
        // 250 500 1000 2000 4000✗ 2830 3360✗ 3080✗: 8 steps, 3 failed
        assertThat(RunEstimate.searchSteps(m, 3000)).containsExactly(8, 3);
    }

    @Test
    void moreTargetsRepetitionsAndPhasesTakeLonger() {
        Duration base = RunEstimate.of(LoadOptions.parse());
        assertThat(RunEstimate.of(LoadOptions.parse("--targets", "all"))).isGreaterThan(base);
        long three = RunEstimate.of(LoadOptions.parse("--repeat", "3")).toSeconds();
        assertThat(three).isBetween(3 * base.toSeconds() - 2, 3 * base.toSeconds() + 2);
        assertThat(RunEstimate.of(LoadOptions.parse("--max-rate-search", "off"))).isLessThan(base);
        assertThat(RunEstimate.of(LoadOptions.parse("--smoke"))).isLessThan(Duration.ofMinutes(2));
        for (TargetKind k : TargetKind.values()) {
            assertThat(RunEstimate.assumedCeiling(k)).isPositive();
        }
    }

    @Test
    void textRoundsToSecondsMinutesOrHours() {
        assertThat(RunEstimate.text(Duration.ofSeconds(42))).isEqualTo("about 42 seconds");
        assertThat(RunEstimate.text(Duration.ofSeconds(12 * 60 + 20))).isEqualTo("about 12 minutes");
        assertThat(RunEstimate.text(Duration.ofMinutes(125))).isEqualTo("about 2 h 05 min");
    }
}
