package boshcm.bench.load.chart;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * One axis of a chart: its range, its scale (linear or logarithmic), where a value falls along it
 * ({@link #fraction}) and its ticks. The range is widened to round values: on a linear axis to a
 * multiple of a 1-2-5 step, on a log axis to whole decades. Pure arithmetic, no drawing.
 */
public final class Axis {

    /** A tick mark: its value, its label ("" for an unlabelled minor tick), and whether it is major (gets a grid line). */
    public record Tick(double value, String label, boolean major) {
    }

    private final boolean log;
    private final double min;
    private final double max;
    private final double step;

    private Axis(boolean log, double min, double max, double step) {
        this.log = log;
        this.min = min;
        this.max = max;
        this.step = step;
    }

    /**
     * A linear axis covering {@code [lo, hi]}, widened to multiples of a 1-2-5 step so that there are
     * about {@code ticks} intervals. {@code lo == hi} is widened around the value.
     */
    public static Axis linear(double lo, double hi, int ticks) {
        check(lo, hi);
        if (lo == hi) {
            double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
            lo -= pad;
            hi += pad;
        }
        double step = niceStep((hi - lo) / Math.max(1, ticks));
        double min = Math.floor(lo / step + 1e-9) * step;
        double max = Math.ceil(hi / step - 1e-9) * step;
        return new Axis(false, min, max, step);
    }

    /** A linear axis from 0 (or {@code lo}, if negative) to {@code hi}, about 5 intervals: for counts and rates. */
    public static Axis fromZero(double lo, double hi) {
        return linear(Math.min(0, lo), Math.max(hi, Math.min(0, lo)), 5);
    }

    /**
     * A logarithmic axis covering {@code [lo, hi]} (both &gt; 0), widened to whole decades; at least one
     * decade wide.
     */
    public static Axis log(double lo, double hi) {
        check(lo, hi);
        if (!(lo > 0)) {
            throw new IllegalArgumentException("a log axis needs values > 0, got " + lo);
        }
        double min = Math.pow(10, Math.floor(Math.log10(lo) + 1e-9));
        double max = Math.pow(10, Math.ceil(Math.log10(hi) - 1e-9));
        if (max <= min) {
            max = min * 10;
        }
        return new Axis(true, min, max, 10);
    }

    private static void check(double lo, double hi) {
        if (Double.isNaN(lo) || Double.isNaN(hi) || Double.isInfinite(lo) || Double.isInfinite(hi) || hi < lo) {
            throw new IllegalArgumentException("bad range [" + lo + ", " + hi + "]");
        }
    }

    /** The smallest 1, 2 or 5 × 10^k that is at least {@code rough}. */
    static double niceStep(double rough) {
        if (!(rough > 0)) {
            return 1;
        }
        double decade = Math.pow(10, Math.floor(Math.log10(rough)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * decade >= rough * (1 - 1e-9)) {
                return m * decade;
            }
        }
        return 10 * decade;
    }

    public boolean isLog() {
        return log;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    /** Whether {@code v} can be placed on this axis (finite, and &gt; 0 on a log axis). */
    public boolean accepts(double v) {
        return !Double.isNaN(v) && !Double.isInfinite(v) && (!log || v > 0);
    }

    /**
     * Where {@code v} falls: 0 at {@link #min()}, 1 at {@link #max()}, linear in {@code v} or in
     * {@code log10(v)}. Values outside the range give fractions outside [0, 1].
     */
    public double fraction(double v) {
        if (log) {
            return (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
        }
        return (v - min) / (max - min);
    }

    /**
     * The ticks: every step on a linear axis; on a log axis every decade (major, labelled) and 2× and
     * 5× each decade (minor, labelled when the axis spans at most three decades).
     */
    public List<Tick> ticks() {
        List<Tick> out = new ArrayList<>();
        if (!log) {
            long n = Math.round((max - min) / step);
            for (long i = 0; i <= n; i++) {
                double v = min + i * step;
                if (Math.abs(v) < step * 1e-9) {
                    v = 0;
                }
                out.add(new Tick(v, label(v), true));
            }
            return out;
        }
        int decades = (int) Math.round(Math.log10(max / min));
        for (int d = 0; d <= decades; d++) {
            double decade = min * Math.pow(10, d);
            out.add(new Tick(decade, label(decade), true));
            if (d < decades) {
                for (double m : new double[] {2, 5}) {
                    out.add(new Tick(decade * m, decades <= 3 ? label(decade * m) : "", false));
                }
            }
        }
        return out;
    }

    /** A short label: at most three significant digits, "k" for whole thousands from 10 000 up. */
    public static String label(double v) {
        if (v == 0) {
            return "0";
        }
        if (Math.abs(v) >= 10_000 && Math.rint(v / 1000) == v / 1000) {
            return label(v / 1000) + "k";
        }
        BigDecimal d = new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros();
        return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
    }
}
