package boshcm.bench.load.soak;

/**
 * An ordinary least-squares line through (x, y) points: the slope, the intercept, and the standard
 * error of the slope (from the residuals; NaN with fewer than 3 points). Pure arithmetic.
 */
public record Trend(int points, double slope, double intercept, double slopeError) {

    /** The fit of {@code y} against {@code x} (same length, at least 2 points with distinct x). */
    public static Trend fit(double[] x, double[] y) {
        if (x.length != y.length) {
            throw new IllegalArgumentException(x.length + " x values, " + y.length + " y values");
        }
        int n = x.length;
        if (n < 2) {
            throw new IllegalArgumentException("a trend needs at least 2 points, got " + n);
        }
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0;
        double sxy = 0;
        for (int i = 0; i < n; i++) {
            sxx += (x[i] - mx) * (x[i] - mx);
            sxy += (x[i] - mx) * (y[i] - my);
        }
        if (sxx == 0) {
            throw new IllegalArgumentException("a trend needs distinct x values");
        }
        double slope = sxy / sxx;
        double intercept = my - slope * mx;
        double error = Double.NaN;
        if (n > 2) {
            double ss = 0;
            for (int i = 0; i < n; i++) {
                double r = y[i] - (intercept + slope * x[i]);
                ss += r * r;
            }
            error = Math.sqrt(ss / (n - 2) / sxx);
        }
        return new Trend(n, slope, intercept, error);
    }
}
