package boshcm.bench.load.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A line chart: series of (x, y) points on linear or logarithmic axes, with the legend to the
 * right of the plot, optional whiskers and horizontal reference lines (e.g. the 100 ms p99 limit).
 * Values a log axis cannot show (≤ 0) are left out. Build it, then {@link #render} or
 * {@link #write}.
 */
public final class LineChart {

    /** The size of a written chart, in pixels. */
    public static final int WIDTH = 1000;
    public static final int HEIGHT = 600;

    private record Reference(double y, String label) {
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private boolean logX;
    private boolean logY;
    private String note;
    private final List<Series> series = new ArrayList<>();
    private final List<Reference> references = new ArrayList<>();

    public LineChart(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LineChart logX(boolean on) {
        logX = on;
        return this;
    }

    public LineChart logY(boolean on) {
        logY = on;
        return this;
    }

    /** A grey line of text under the title. */
    public LineChart note(String text) {
        note = text;
        return this;
    }

    public LineChart add(Series s) {
        series.add(s);
        return this;
    }

    /** A dashed horizontal line at {@code y}, labelled. */
    public LineChart referenceY(double y, String label) {
        references.add(new Reference(y, label));
        return this;
    }

    public List<Series> series() {
        return List.copyOf(series);
    }

    /** The x axis the data needs (0 to 1 if there is none). */
    public Axis xAxis() {
        double[] r = range(true);
        if (r == null) {
            return logX ? Axis.log(1, 10) : Axis.linear(0, 1, 5);
        }
        return logX ? Axis.log(r[0], r[1]) : Axis.linear(r[0], r[1], 6);
    }

    /** The y axis the data (and the reference lines) need; a linear y axis starts at 0. */
    public Axis yAxis() {
        double[] r = range(false);
        if (r == null) {
            return logY ? Axis.log(1, 10) : Axis.fromZero(0, 1);
        }
        // a little headroom on a linear axis, so that the highest marker is not cut in half
        return logY ? Axis.log(r[0], r[1]) : Axis.fromZero(r[0], r[1] * 1.04);
    }

    /** {min, max} of the values shown on one axis, or null if none. */
    private double[] range(boolean x) {
        boolean log = x ? logX : logY;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        List<Double> values = new ArrayList<>();
        for (Series s : series) {
            for (Point p : s.points()) {
                if (!usable(p)) {
                    continue;
                }
                if (x) {
                    values.add(p.x());
                } else {
                    values.add(p.y());
                    if (p.hasRange()) {
                        values.add(p.low());
                        values.add(p.high());
                    }
                }
            }
        }
        if (!x && !values.isEmpty()) {
            references.forEach(r -> values.add(r.y()));
        }
        for (double v : values) {
            if (!Double.isNaN(v) && !Double.isInfinite(v) && (!log || v > 0)) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        return lo > hi ? null : new double[] {lo, hi};
    }

    /** Whether a point can be drawn on this chart's axes. */
    private boolean usable(Point p) {
        return !Double.isNaN(p.x()) && !Double.isInfinite(p.x()) && !Double.isNaN(p.y()) && !Double.isInfinite(p.y())
                && (!logX || p.x() > 0) && (!logY || p.y() > 0);
    }

    public BufferedImage render(int width, int height) {
        Canvas c = new Canvas(width, height);
        int top = c.title(title, note) + 6;
        List<Canvas.Entry> legend = new ArrayList<>();
        for (Series s : series) {
            if (s.inLegend()) {
                legend.add(new Canvas.Entry(s.name(), s.color(), true));
            }
        }
        int legendWidth = Math.min(c.legendWidth(legend), width / 3);
        Canvas.Area a = new Canvas.Area(84, top, width - 24 - (legendWidth > 0 ? legendWidth + 16 : 0), height - 58);
        Axis xa = xAxis();
        Axis ya = yAxis();
        c.yAxis(a, ya, yLabel);
        c.xAxis(a, xa, xLabel);
        boolean any = series.stream().anyMatch(s -> s.points().stream().anyMatch(this::usable));
        if (!any) {
            c.empty(a);
        }
        java.awt.Shape clip = c.g.getClip();
        c.g.clipRect(a.left() - 6, a.top() - 6, a.width() + 12, a.height() + 12);
        for (Reference r : references) {
            if (!ya.accepts(r.y()) || !any) {
                continue;
            }
            int y = (int) Math.round(a.py(ya, r.y()));
            c.g.setColor(new Color(0xB00020));
            c.g.setStroke(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
            c.g.drawLine(a.left(), y, a.right(), y);
            c.g.setFont(Canvas.SMALL);
            c.g.drawString(r.label(), a.left() + 6, y - 4);
        }
        for (Series s : series) {
            draw(c, a, xa, ya, s);
        }
        c.g.setClip(clip);
        c.frame(a);
        c.legend(legend, a.right() + 16, a.top());
        c.g.dispose();
        return c.image;
    }

    private void draw(Canvas c, Canvas.Area a, Axis xa, Axis ya, Series s) {
        List<Point> pts = s.points().stream().filter(this::usable).toList();
        c.g.setColor(s.color());
        for (Point p : pts) { // whiskers first, under the line
            if (p.hasRange() && ya.accepts(p.low()) && ya.accepts(p.high())) {
                int x = (int) Math.round(a.px(xa, p.x()));
                int y1 = (int) Math.round(a.py(ya, p.low()));
                int y2 = (int) Math.round(a.py(ya, p.high()));
                c.g.setStroke(new BasicStroke(1.2f));
                c.g.drawLine(x, y1, x, y2);
                c.g.drawLine(x - 4, y1, x + 4, y1);
                c.g.drawLine(x - 4, y2, x + 4, y2);
            }
        }
        if (s.line() && pts.size() > 1) {
            Path2D.Double path = new Path2D.Double();
            for (int i = 0; i < pts.size(); i++) {
                double x = a.px(xa, pts.get(i).x());
                double y = a.py(ya, pts.get(i).y());
                if (i == 0) {
                    path.moveTo(x, y);
                } else {
                    path.lineTo(x, y);
                }
            }
            c.g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            c.g.draw((Shape) path);
        }
        for (Point p : pts) {
            int x = (int) Math.round(a.px(xa, p.x()));
            int y = (int) Math.round(a.py(ya, p.y()));
            if (s.line()) {
                c.g.fillOval(x - 4, y - 4, 9, 9);
            } else {
                c.g.setStroke(new BasicStroke(1.4f));
                c.g.drawOval(x - 3, y - 3, 7, 7);
            }
        }
    }

    /** Renders at {@link #WIDTH} × {@link #HEIGHT} and writes a PNG. */
    public void write(Path file) throws IOException {
        Canvas.writePng(render(WIDTH, HEIGHT), file);
    }
}
