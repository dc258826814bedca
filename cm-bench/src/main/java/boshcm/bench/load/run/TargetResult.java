package boshcm.bench.load.run;

import java.util.List;

/**
 * Everything measured on one target in one repetition; {@code error} is set (and later fields may
 * be null) when the run of this target broke off.
 */
public record TargetResult(String target, int repetition, List<String> processes, LoginResult login, MemoryResult memory,
                           List<RateResult> rates, String error) {
}
