package boshcm.bench.load.chart;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The chart of the scale run (boshcm alone, 10k to 100k idle sessions): memory per idle session
 * against the number of sessions, one line per series (e.g. "boshcm RSS", "boshcm heap after GC").
 * This is the API the scale run calls; it needs nothing else from the load benchmark.
 *
 * <pre>{@code
 * Map<String, Map<Integer, Double>> kib = new LinkedHashMap<>();
 * kib.put("boshcm RSS", Map.of(10_000, 7.9, 50_000, 6.1, 100_000, 5.8));
 * kib.put("boshcm heap (live)", Map.of(10_000, 3.2, 50_000, 3.0, 100_000, 3.0));
 * ScaleCharts.memoryAgainstSessions(dir.resolve("memory-vs-sessions.png"), kib);
 * }</pre>
 */
public final class ScaleCharts {

    /** The file name the full run uses for this chart. */
    public static final String MEMORY_FILE = "memory-vs-sessions.png";

    private ScaleCharts() {}

    /**
     * Writes the chart of KiB per idle session (y, linear from 0) against sessions (x, log scale when
     * the counts span more than a factor of 20, as 1k–100k does) to {@code file}.
     *
     * @param kibPerSession series name → (sessions → KiB per session), in legend order
     */
    public static void memoryAgainstSessions(Path file, Map<String, ? extends Map<? extends Number, ? extends Number>> kibPerSession)
            throws IOException {
        memoryChart(kibPerSession).write(file);
    }

    /** The chart itself, for tests and for callers that add to it (a note, a reference line). */
    public static LineChart memoryChart(Map<String, ? extends Map<? extends Number, ? extends Number>> kibPerSession) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        List<Series> series = new ArrayList<>();
        int i = 0;
        for (Map.Entry<String, ? extends Map<? extends Number, ? extends Number>> e : kibPerSession.entrySet()) {
            List<Point> points = new ArrayList<>();
            for (Map.Entry<? extends Number, ? extends Number> p : e.getValue().entrySet()) {
                double x = p.getKey().doubleValue();
                points.add(new Point(x, p.getValue().doubleValue()));
                if (x > 0) {
                    lo = Math.min(lo, x);
                    hi = Math.max(hi, x);
                }
            }
            series.add(Series.line(e.getKey(), Palette.color(i++), points));
        }
        LineChart chart = new LineChart("Memory per idle session against sessions", "idle sessions", "KiB per session")
                .logX(hi > 20 * lo);
        series.forEach(chart::add);
        return chart;
    }
}
