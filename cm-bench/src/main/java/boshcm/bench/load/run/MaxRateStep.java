package boshcm.bench.load.run;

import java.util.Set;

/** One step of the highest-sustained-rate search: the rate tried, what was measured (null if it broke off), and why it failed (empty: it passed). */
public record MaxRateStep(double rate, RateResult result, Set<StepFailure> failures) {

    public boolean passed() {
        return failures.isEmpty();
    }
}
