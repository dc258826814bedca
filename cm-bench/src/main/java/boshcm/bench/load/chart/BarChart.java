package boshcm.bench.load.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A vertical bar chart on a linear axis from 0: one bar per category (a target), each made of one
 * or more stacked segments (e.g. the connection manager's memory on the server's), with an
 * optional whisker for the range of the total (lowest–highest repetition), the total written
 * above, and an optional annotation under it (e.g. "≥" or "generator"). Stacked charts get a
 * legend of the segment names.
 */
public final class BarChart {

    /** Part of a bar. */
    public record Segment(String name, double value, Color color) {
    }

    /**
     * One bar: its label (wrapped under it), its segments from the bottom up, the range of its total
     * (NaN for none) and an annotation (null for none).
     */
    public record Bar(String label, List<Segment> segments, double low, double high, String annotation) {

        /** A bar of one value. */
        public static Bar of(String label, double value, Color color, double low, double high, String annotation) {
            return new Bar(label, List.of(new Segment(label, value, color)), low, high, annotation);
        }

        public double total() {
            double sum = 0;
            boolean any = false;
            for (Segment s : segments) {
                if (!Double.isNaN(s.value())) {
                    sum += s.value();
                    any = true;
                }
            }
            return any ? sum : Double.NaN;
        }
    }

    private final String title;
    private final String yLabel;
    private final String valueFormat;
    private String note;
    private boolean legend;
    private final List<Bar> bars = new ArrayList<>();

    /** {@code valueFormat} formats the total above each bar (e.g. {@code "%.0f"}). */
    public BarChart(String title, String yLabel, String valueFormat) {
        this.title = title;
        this.yLabel = yLabel;
        this.valueFormat = valueFormat;
    }

    public BarChart note(String text) {
        note = text;
        return this;
    }

    /** A legend of the segment names even when no bar is stacked (when segments stand for something other than the bar). */
    public BarChart legend(boolean on) {
        legend = on;
        return this;
    }

    public BarChart add(Bar bar) {
        bars.add(bar);
        return this;
    }

    public List<Bar> bars() {
        return List.copyOf(bars);
    }

    /** From 0 (or the lowest negative value) to the highest total or whisker. */
    public Axis yAxis() {
        double lo = 0;
        double hi = 0;
        for (Bar b : bars) {
            for (double v : new double[] {b.total(), b.high(), b.low()}) {
                if (!Double.isNaN(v) && !Double.isInfinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
            for (Segment s : b.segments()) {
                if (!Double.isNaN(s.value())) {
                    lo = Math.min(lo, s.value());
                }
            }
        }
        return Axis.fromZero(lo, hi == lo ? lo + 1 : hi * 1.08);
    }

    /** The legend: the segment names, when a bar is stacked or {@link #legend} asks for it. */
    private Map<String, Color> segmentNames() {
        Map<String, Color> names = new LinkedHashMap<>();
        bars.forEach(b -> {
            if (legend || b.segments().size() > 1) {
                b.segments().forEach(s -> names.putIfAbsent(s.name(), s.color()));
            }
        });
        return names;
    }

    public BufferedImage render(int width, int height) {
        Canvas c = new Canvas(width, height);
        int top = c.title(title, note) + 10;
        List<Canvas.Entry> legend = new ArrayList<>();
        segmentNames().forEach((name, color) -> legend.add(new Canvas.Entry(name, color, false)));
        int legendWidth = Math.min(c.legendWidth(legend), width / 4);
        Canvas.Area a = new Canvas.Area(84, top, width - 24 - (legendWidth > 0 ? legendWidth + 16 : 0), height - 70);
        Axis ya = yAxis();
        c.yAxis(a, ya, yLabel);
        if (bars.isEmpty()) {
            c.empty(a);
        }
        int n = Math.max(1, bars.size());
        double slot = a.width() / (double) n;
        int barWidth = (int) Math.max(4, Math.min(90, slot * 0.6));
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            int cx = (int) Math.round(a.left() + slot * (i + 0.5));
            double base = 0;
            for (Segment s : b.segments()) {
                if (Double.isNaN(s.value())) {
                    continue;
                }
                int y0 = (int) Math.round(a.py(ya, base));
                int y1 = (int) Math.round(a.py(ya, base + s.value()));
                c.g.setColor(s.color());
                c.g.fillRect(cx - barWidth / 2, Math.min(y0, y1), barWidth, Math.max(1, Math.abs(y0 - y1)));
                base += s.value();
            }
            double total = b.total();
            int labelY = (int) Math.round(a.py(ya, Double.isNaN(total) ? 0 : Math.max(0, total)));
            if (!Double.isNaN(b.low()) && !Double.isNaN(b.high())) {
                int y1 = (int) Math.round(a.py(ya, b.low()));
                int y2 = (int) Math.round(a.py(ya, b.high()));
                c.g.setColor(Canvas.INK);
                c.g.setStroke(new BasicStroke(1.3f));
                c.g.drawLine(cx, y1, cx, y2);
                c.g.drawLine(cx - 6, y1, cx + 6, y1);
                c.g.drawLine(cx - 6, y2, cx + 6, y2);
                labelY = Math.min(labelY, y2);
            }
            c.g.setFont(Canvas.SMALL);
            FontMetrics fm = c.g.getFontMetrics();
            String value = Double.isNaN(total) ? "–" : String.format(java.util.Locale.ROOT, valueFormat, total);
            if (b.annotation() != null && !b.annotation().isEmpty()) {
                c.g.setColor(Canvas.MUTED);
                c.g.drawString(b.annotation(), cx - fm.stringWidth(b.annotation()) / 2, labelY - 4);
                labelY -= fm.getHeight();
            }
            c.g.setColor(Canvas.INK);
            c.g.drawString(value, cx - fm.stringWidth(value) / 2, labelY - 4);
            c.g.setFont(Canvas.TEXT);
            fm = c.g.getFontMetrics();
            int y = a.bottom() + 6;
            for (String line : Canvas.wrap(b.label(), fm, (int) Math.max(40, slot - 8))) {
                y += fm.getHeight() - 2;
                c.g.drawString(line, cx - fm.stringWidth(line) / 2, y);
            }
        }
        c.frame(a);
        c.legend(legend, a.right() + 16, a.top());
        c.g.dispose();
        return c.image;
    }

    /** Renders at {@link LineChart#WIDTH} × {@link LineChart#HEIGHT} and writes a PNG. */
    public void write(Path file) throws IOException {
        Canvas.writePng(render(LineChart.WIDTH, LineChart.HEIGHT), file);
    }
}
