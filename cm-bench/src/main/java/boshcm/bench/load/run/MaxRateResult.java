package boshcm.bench.load.run;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The outcome of the highest-sustained-rate search on one target in one repetition.
 *
 * @param highest      the highest rate that passed, msg/s; NaN if none did
 * @param reachedLimit whether the highest pass was {@code --max-rate-limit} itself (the real ceiling is higher)
 * @param steps        every step, in the order run
 * @param note         why the search ended early (sessions lost, a step broke off), or null
 */
public record MaxRateResult(double highest, boolean reachedLimit, List<MaxRateStep> steps, String note) {

    /** The passing step at {@link #highest}. */
    public Optional<MaxRateStep> best() {
        return steps.stream().filter(MaxRateStep::passed).max(Comparator.comparingDouble(MaxRateStep::rate));
    }

    /** The lowest failing step above the highest pass: what bounds the result. */
    public Optional<MaxRateStep> boundary() {
        return steps.stream().filter(s -> !s.passed() && !(s.rate() <= highest))
                .min(Comparator.comparingDouble(MaxRateStep::rate));
    }

    /** Why the boundary step failed; empty if there was none (the limit passed). */
    public Set<StepFailure> limitedBy() {
        return boundary().map(MaxRateStep::failures).orElse(Set.of());
    }

    /**
     * Whether the result is bounded by the load generator rather than the target: the boundary
     * step failed only because the generator fell behind its schedule.
     */
    public boolean generatorBound() {
        Set<StepFailure> by = limitedBy();
        return by.size() == 1 && by.contains(StepFailure.GENERATOR_LAG);
    }
}
