package boshcm.bench.load.run;

import static boshcm.bench.load.run.Results.fail;
import static boshcm.bench.load.run.Results.pass;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** How a step is judged and what a search's result says about its boundary. */
class MaxRateTest {

    private final MaxRateSettings settings = MaxRateSettings.defaults();

    @Test
    void aStepWithinEveryLimitPasses() {
        assertThat(settings.judge(Results.rate(1000, 0.5, 99, 9), 0)).isEmpty();
    }

    @Test
    void eachLimitFailsAStepOnItsOwn() {
        assertThat(settings.judge(Results.rate(1000, 0.5, 101, 1), 0)).containsExactly(StepFailure.LATENCY);
        assertThat(settings.judge(Results.rate(1000, 0.5, 5, 11), 0)).containsExactly(StepFailure.GENERATOR_LAG);
        assertThat(settings.judge(Results.lossy(1000, 1), 0)).containsExactly(StepFailure.LOSS);
        assertThat(settings.judge(Results.rate(1000, 0.5, 5, 1), 2)).containsExactly(StepFailure.SESSIONS_LOST);
    }

    @Test
    void aStepWithNothingDeliveredFailsOnLatencyToo() {
        RateResult r = Results.rate(1000, 1, 1, 1);
        RateResult none = new RateResult(1000, 10, 10_000, 0, 10_000, 0, 0, 0, 0, 0, 0,
                boshcm.bench.load.measure.Percentiles.EMPTY, r.sendLag(), r.cpuNanos(), 11);
        assertThat(settings.judge(none, 0)).containsExactlyInAnyOrder(StepFailure.LOSS, StepFailure.LATENCY);
    }

    @Test
    void theBoundaryIsTheLowestFailureAboveTheHighestPass() {
        MaxRateResult r = Results.search(1410, false, pass(250), pass(500), pass(1000), fail(2000, StepFailure.LATENCY),
                pass(1410), fail(1680, StepFailure.LATENCY, StepFailure.LOSS), fail(1540, StepFailure.GENERATOR_LAG));
        assertThat(r.best()).hasValueSatisfying(s -> assertThat(s.rate()).isEqualTo(1410));
        assertThat(r.boundary()).hasValueSatisfying(s -> assertThat(s.rate()).isEqualTo(1540));
        assertThat(r.limitedBy()).containsExactly(StepFailure.GENERATOR_LAG);
        assertThat(r.generatorBound()).isTrue();
    }

    @Test
    void aBoundaryThatAlsoFailedOnLatencyIsNotTheGenerators() {
        MaxRateResult r = Results.search(1000, false, pass(1000),
                fail(1100, StepFailure.GENERATOR_LAG, StepFailure.LATENCY));
        assertThat(r.generatorBound()).isFalse();
        assertThat(MaxRateSearch.text(r.limitedBy())).isEqualTo("p99, generator lag");
    }

    @Test
    void aStepThatFailedOnlyOnLatencyOrGeneratorLagIsRunOnceMore() {
        assertThat(MaxRateSearch.worthRetrying(java.util.EnumSet.of(StepFailure.LATENCY))).isTrue();
        assertThat(MaxRateSearch.worthRetrying(java.util.EnumSet.of(StepFailure.GENERATOR_LAG))).isTrue();
        assertThat(MaxRateSearch.worthRetrying(java.util.EnumSet.of(StepFailure.LATENCY, StepFailure.GENERATOR_LAG))).isTrue();
        assertThat(MaxRateSearch.worthRetrying(java.util.EnumSet.of(StepFailure.LATENCY, StepFailure.LOSS))).isFalse();
        assertThat(MaxRateSearch.worthRetrying(java.util.EnumSet.of(StepFailure.SESSIONS_LOST))).isFalse();
        assertThat(MaxRateSearch.worthRetrying(java.util.EnumSet.noneOf(StepFailure.class))).isFalse();
    }

    @Test
    void aRateThatFailedOnceAndPassedOnItsSecondRunIsNotTheBoundary() {
        MaxRateResult r = Results.search(2000, false, pass(500), fail(1000, StepFailure.LATENCY), pass(1000), pass(2000),
                fail(4000, StepFailure.LATENCY), fail(4000, StepFailure.LATENCY));
        assertThat(r.best()).hasValueSatisfying(s -> assertThat(s.rate()).isEqualTo(2000));
        assertThat(r.boundary()).hasValueSatisfying(s -> assertThat(s.rate()).isEqualTo(4000));
        assertThat(r.limitedBy()).containsExactly(StepFailure.LATENCY);
    }

    @Test
    void whenTheLimitPassedThereIsNoBoundary() {
        MaxRateResult r = Results.search(400, true, pass(50), pass(100), pass(200), pass(400));
        assertThat(r.boundary()).isEmpty();
        assertThat(r.limitedBy()).isEmpty();
        assertThat(r.generatorBound()).isFalse();
    }

    @Test
    void whenNothingPassedEveryFailureCounts() {
        MaxRateResult r = new MaxRateResult(Double.NaN, false,
                List.of(fail(100, StepFailure.LOSS), fail(50, StepFailure.LATENCY)), null);
        assertThat(r.best()).isEmpty();
        assertThat(r.boundary()).hasValueSatisfying(s -> assertThat(s.rate()).isEqualTo(50));
    }

    @Test
    void coresAreCpuTimeOverTheElapsedTime() {
        RateResult r = Results.rate(1000, 1, 2, 0.5); // 10 000 messages × 100 µs of generator CPU over 11 s
        assertThat(r.cores(CpuClock.GENERATOR)).isCloseTo(1.0 / 11, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.cores("nobody")).isNaN();
    }
}
