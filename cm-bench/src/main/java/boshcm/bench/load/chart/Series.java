package boshcm.bench.load.chart;

import java.awt.Color;
import java.util.Comparator;
import java.util.List;

/**
 * One series of a {@link LineChart}: a name for the legend, a colour, and points. A {@linkplain
 * #line line} series joins its points (sorted by x) and marks them with filled dots; otherwise the
 * points are hollow circles, unjoined (e.g. the single steps of a search). A series with
 * {@code inLegend} false shares the legend entry of another of the same colour.
 */
public record Series(String name, Color color, List<Point> points, boolean line, boolean inLegend) {

    public Series {
        points = points.stream().sorted(Comparator.comparingDouble(Point::x)).toList();
    }

    /** A joined series with a legend entry. */
    public static Series line(String name, Color color, List<Point> points) {
        return new Series(name, color, points, true, true);
    }

    /** Unjoined hollow points, without a legend entry of their own. */
    public static Series dots(String name, Color color, List<Point> points) {
        return new Series(name, color, points, false, false);
    }
}
