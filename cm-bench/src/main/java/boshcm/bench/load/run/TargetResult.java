package boshcm.bench.load.run;

import java.util.List;

/**
 * Everything measured on one target in one repetition; {@code error} is set (and later fields may
 * be null) when the run of this target broke off. {@code maxRate} is null when the search for the
 * highest sustained rate did not run. {@code coldLogin} is the first round of the login warm-up, on a
 * freshly started target (null without a warm-up).
 */
public record TargetResult(String target, int repetition, List<String> processes, LoginResult login, MemoryResult memory,
                           List<RateResult> rates, MaxRateResult maxRate, String error, LoginResult coldLogin) {

    /** A result without a cold login figure. */
    public TargetResult(String target, int repetition, List<String> processes, LoginResult login, MemoryResult memory,
                        List<RateResult> rates, MaxRateResult maxRate, String error) {
        this(target, repetition, processes, login, memory, rates, maxRate, error, null);
    }

    /** A result without a max-rate search. */
    public TargetResult(String target, int repetition, List<String> processes, LoginResult login, MemoryResult memory,
                        List<RateResult> rates, String error) {
        this(target, repetition, processes, login, memory, rates, null, error);
    }
}
