package boshcm.bench.load.chart;

/**
 * One data point, with an optional range drawn as a whisker ({@code low}–{@code high}, e.g. the
 * lowest and highest of several repetitions; NaN for none).
 */
public record Point(double x, double y, double low, double high) {

    public Point(double x, double y) {
        this(x, y, Double.NaN, Double.NaN);
    }

    public boolean hasRange() {
        return !Double.isNaN(low) && !Double.isNaN(high);
    }
}
