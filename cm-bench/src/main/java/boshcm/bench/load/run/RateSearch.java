package boshcm.bench.load.run;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.OptionalDouble;

/**
 * Which offered rate to try next in the search for the highest sustained rate, and when to stop.
 * Pure arithmetic: the runner tries the rate it is given and reports back whether it passed.
 *
 * <ol>
 *   <li><b>Ramp.</b> Start at {@code start} and multiply by {@code factor} after every pass, never
 *       above {@code limit}. A pass at {@code limit} ends the search: the result is "at least the
 *       limit".</li>
 *   <li><b>Bisect.</b> After the first failure, try the geometric mean of the highest pass and the
 *       lowest failure (the ramp is exponential, so the middle is taken on a log scale) until the
 *       lowest failure is within {@code resolution} of the highest pass (e.g. 0.1: within 10 %).</li>
 *   <li>If even {@code start} fails, go down by {@code factor} instead, to {@code start / 16} at
 *       the lowest; if that fails too there is no result.</li>
 * </ol>
 *
 * Rates are rounded to three significant digits, so that the report shows 1410 msg/s rather than
 * 1414.2136; at a resolution of 10 % that loses nothing.
 */
final class RateSearch {

    /** How far below {@code start} the search goes when {@code start} itself fails. */
    static final double LOWEST_FRACTION_OF_START = 1.0 / 16;

    private final double start;
    private final double factor;
    private final double limit;
    private final double resolution;
    private double highestPass = Double.NaN;
    private double lowestFail = Double.POSITIVE_INFINITY;

    RateSearch(double start, double factor, double limit, double resolution) {
        if (!(start > 0) || !(factor > 1) || !(limit >= start) || !(resolution > 0)) {
            throw new IllegalArgumentException("start " + start + ", factor " + factor + ", limit " + limit
                    + ", resolution " + resolution);
        }
        this.start = round(start);
        this.factor = factor;
        this.limit = limit;
        this.resolution = resolution;
    }

    /** The next rate to try, or empty when the search is over. */
    OptionalDouble next() {
        boolean passed = !Double.isNaN(highestPass);
        boolean failed = lowestFail != Double.POSITIVE_INFINITY;
        if (!passed && !failed) {
            return OptionalDouble.of(start);
        }
        if (!failed) { // ramping up
            if (highestPass >= limit) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(Math.min(round(highestPass * factor), limit));
        }
        if (!passed) { // even the start failed: ramp down
            double lower = round(lowestFail / factor);
            return lower < start * LOWEST_FRACTION_OF_START || lower <= 0 ? OptionalDouble.empty() : OptionalDouble.of(lower);
        }
        if (lowestFail <= highestPass * (1 + resolution)) {
            return OptionalDouble.empty();
        }
        double middle = round(Math.sqrt(highestPass * lowestFail));
        return middle <= highestPass || middle >= lowestFail ? OptionalDouble.empty() : OptionalDouble.of(middle);
    }

    /** What happened at {@code rate}. */
    void record(double rate, boolean passed) {
        if (passed) {
            highestPass = Double.isNaN(highestPass) ? rate : Math.max(highestPass, rate);
        } else {
            lowestFail = Math.min(lowestFail, rate);
        }
    }

    /** The highest rate that passed; NaN if none did. */
    double highest() {
        return highestPass;
    }

    /** The lowest rate that failed; infinite if none did. */
    double lowestFailure() {
        return lowestFail;
    }

    /** Whether the search stopped because {@code limit} itself passed: the real ceiling is higher. */
    boolean reachedLimit() {
        return !Double.isNaN(highestPass) && highestPass >= limit;
    }

    /** {@code v} to three significant digits (a whole number from 100 up). */
    static double round(double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            return v;
        }
        return new BigDecimal(v).round(new MathContext(3)).doubleValue();
    }
}
