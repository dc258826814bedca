package boshcm.bench.load.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class RateSearchTest {

    /** Runs the search against a target that passes every rate up to {@code ceiling}; returns the rates tried. */
    private static List<Double> run(RateSearch search, double ceiling) {
        List<Double> tried = new ArrayList<>();
        for (OptionalDouble r = search.next(); r.isPresent(); r = search.next()) {
            assertThat(tried).as("no rate is tried twice").doesNotContain(r.getAsDouble());
            tried.add(r.getAsDouble());
            search.record(r.getAsDouble(), r.getAsDouble() <= ceiling);
            assertThat(tried.size()).isLessThan(40);
        }
        return tried;
    }

    @Test
    void rampsByTheFactorThenBisectsToTheResolution() {
        RateSearch search = new RateSearch(250, 2, 50_000, 0.10);
        List<Double> tried = run(search, 3000);
        assertThat(tried.subList(0, 5)).containsExactly(250.0, 500.0, 1000.0, 2000.0, 4000.0);
        assertThat(tried.get(5)).as("the geometric mean of 2000 and 4000, to 3 digits").isEqualTo(2830.0);
        assertThat(search.highest()).isLessThanOrEqualTo(3000).isGreaterThanOrEqualTo(3000 / 1.1);
        assertThat(search.lowestFailure()).isGreaterThan(3000).isLessThanOrEqualTo(search.highest() * 1.1);
        assertThat(search.reachedLimit()).isFalse();
        assertThat(tried).hasSizeLessThanOrEqualTo(9);
    }

    @Test
    void aFinerResolutionTakesMoreStepsAndComesCloser() {
        RateSearch coarse = new RateSearch(100, 2, 100_000, 0.10);
        RateSearch fine = new RateSearch(100, 2, 100_000, 0.02);
        int coarseSteps = run(coarse, 7777).size();
        int fineSteps = run(fine, 7777).size();
        assertThat(fineSteps).isGreaterThan(coarseSteps);
        assertThat(fine.highest()).isLessThanOrEqualTo(7777).isGreaterThanOrEqualTo(7777 / 1.02);
    }

    @Test
    void stopsAtTheLimitWhenItPasses() {
        RateSearch search = new RateSearch(50, 2, 400, 0.10);
        List<Double> tried = run(search, 1_000_000);
        assertThat(tried).containsExactly(50.0, 100.0, 200.0, 400.0);
        assertThat(search.highest()).isEqualTo(400);
        assertThat(search.reachedLimit()).isTrue();
    }

    @Test
    void aLimitBetweenRampStepsIsTriedItself() {
        RateSearch search = new RateSearch(50, 2, 300, 0.10);
        assertThat(run(search, 1_000_000)).containsExactly(50.0, 100.0, 200.0, 300.0);
        assertThat(search.reachedLimit()).isTrue();
    }

    @Test
    void whenTheStartFailsItGoesDown() {
        RateSearch search = new RateSearch(1000, 2, 50_000, 0.10);
        List<Double> tried = run(search, 300);
        assertThat(tried.subList(0, 3)).containsExactly(1000.0, 500.0, 250.0);
        assertThat(search.highest()).isLessThanOrEqualTo(300).isGreaterThanOrEqualTo(300 / 1.1);
    }

    @Test
    void whenNothingPassesThereIsNoResult() {
        RateSearch search = new RateSearch(160, 2, 50_000, 0.10);
        List<Double> tried = run(search, 0);
        assertThat(tried).containsExactly(160.0, 80.0, 40.0, 20.0, 10.0);
        assertThat(search.highest()).isNaN();
        assertThat(search.reachedLimit()).isFalse();
    }

    @Test
    void otherFactorsWork() {
        RateSearch search = new RateSearch(250, 1.5, 50_000, 0.10);
        List<Double> tried = run(search, 1000);
        assertThat(tried.subList(0, 4)).containsExactly(250.0, 375.0, 563.0, 845.0);
        assertThat(search.highest()).isLessThanOrEqualTo(1000).isGreaterThanOrEqualTo(1000 / 1.1);
    }

    @Test
    void ratesAreRoundedToThreeDigits() {
        assertThat(RateSearch.round(1414.2136)).isEqualTo(1410.0);
        assertThat(RateSearch.round(28.284)).isEqualTo(28.3);
        assertThat(RateSearch.round(16000)).isEqualTo(16000.0);
        assertThat(RateSearch.round(12345)).isEqualTo(12300.0);
    }

    @Test
    void badSettingsAreRefused() {
        assertThatThrownBy(() -> new RateSearch(0, 2, 10, 0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateSearch(10, 1, 100, 0.1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RateSearch(100, 2, 10, 0.1)).isInstanceOf(IllegalArgumentException.class);
    }
}
