package boshcm.bench.load.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * What the charts share: a white antialiased image, the fonts, the title, the axes with their ticks
 * and grid, a legend, wrapped text, and writing the PNG. Java2D only, in headless mode (no display
 * is needed; the JDK's own PNG writer).
 */
final class Canvas {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Color GRID = new Color(0xE4E4E4);
    static final Color MINOR_GRID = new Color(0xF2F2F2);
    static final Color AXIS = new Color(0x444444);
    static final Color INK = new Color(0x222222);
    static final Color MUTED = new Color(0x666666);

    final BufferedImage image;
    final Graphics2D g;

    Canvas(int width, int height) {
        if (width < 200 || height < 150) {
            throw new IllegalArgumentException("too small: " + width + "×" + height);
        }
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
    }

    int width() {
        return image.getWidth();
    }

    int height() {
        return image.getHeight();
    }

    /** The title, and the note under it in grey if there is one. Returns the y below them. */
    int title(String title, String note) {
        g.setFont(TITLE);
        g.setColor(INK);
        int y = 28;
        g.drawString(title, 16, y);
        if (note != null && !note.isEmpty()) {
            g.setFont(SMALL);
            g.setColor(MUTED);
            for (String line : wrap(note, g.getFontMetrics(), width() - 32)) {
                y += 15;
                g.drawString(line, 16, y);
            }
        }
        return y + 14;
    }

    /** The plot area's frame. */
    record Area(int left, int top, int right, int bottom) {
        int width() {
            return right - left;
        }

        int height() {
            return bottom - top;
        }

        /** The pixel column of {@code x} on {@code axis}. */
        double px(Axis axis, double x) {
            return left + axis.fraction(x) * width();
        }

        /** The pixel row of {@code y} on {@code axis} (up is larger). */
        double py(Axis axis, double y) {
            return bottom - axis.fraction(y) * height();
        }
    }

    /** The y axis: grid lines, tick labels and the axis label (rotated), left of the area. */
    void yAxis(Area a, Axis axis, String label) {
        g.setFont(SMALL);
        FontMetrics fm = g.getFontMetrics();
        for (Axis.Tick t : axis.ticks()) {
            int y = (int) Math.round(a.py(axis, t.value()));
            g.setColor(t.major() ? GRID : MINOR_GRID);
            g.drawLine(a.left(), y, a.right(), y);
            g.setColor(AXIS);
            g.drawLine(a.left() - (t.major() ? 5 : 3), y, a.left(), y);
            if (!t.label().isEmpty()) {
                g.setColor(t.major() ? INK : MUTED);
                g.drawString(t.label(), a.left() - 8 - fm.stringWidth(t.label()), y + fm.getAscent() / 2 - 1);
            }
        }
        g.setFont(TEXT);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        int w = g.getFontMetrics().stringWidth(label);
        g.setColor(INK);
        g.drawString(label, -(a.top() + a.height() / 2) - w / 2, 18);
        g.setTransform(saved);
    }

    /** The x axis: grid lines, tick labels and the axis label, below the area. */
    void xAxis(Area a, Axis axis, String label) {
        g.setFont(SMALL);
        FontMetrics fm = g.getFontMetrics();
        for (Axis.Tick t : axis.ticks()) {
            int x = (int) Math.round(a.px(axis, t.value()));
            g.setColor(t.major() ? GRID : MINOR_GRID);
            g.drawLine(x, a.top(), x, a.bottom());
            g.setColor(AXIS);
            g.drawLine(x, a.bottom(), x, a.bottom() + (t.major() ? 5 : 3));
            if (!t.label().isEmpty()) {
                g.setColor(t.major() ? INK : MUTED);
                g.drawString(t.label(), x - fm.stringWidth(t.label()) / 2, a.bottom() + 8 + fm.getAscent());
            }
        }
        g.setFont(TEXT);
        g.setColor(INK);
        fm = g.getFontMetrics();
        g.drawString(label, a.left() + a.width() / 2 - fm.stringWidth(label) / 2, a.bottom() + 44);
    }

    /** The axis lines (left and bottom) of the area, drawn last so that nothing covers them. */
    void frame(Area a) {
        g.setColor(AXIS);
        g.setStroke(new BasicStroke(1f));
        g.drawLine(a.left(), a.top(), a.left(), a.bottom());
        g.drawLine(a.left(), a.bottom(), a.right(), a.bottom());
    }

    /** A legend entry: a colour swatch (a line with a marker, or a square) and its text. */
    record Entry(String text, Color color, boolean line) {
    }

    /** The width a legend of {@code entries} needs. */
    int legendWidth(List<Entry> entries) {
        g.setFont(TEXT);
        FontMetrics fm = g.getFontMetrics();
        int w = 0;
        for (Entry e : entries) {
            w = Math.max(w, fm.stringWidth(e.text()));
        }
        return entries.isEmpty() ? 0 : w + 40;
    }

    /** Draws the legend with its top-left corner at ({@code x}, {@code y}). */
    void legend(List<Entry> entries, int x, int y) {
        g.setFont(TEXT);
        FontMetrics fm = g.getFontMetrics();
        int row = fm.getHeight() + 6;
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            int cy = y + i * row + row / 2;
            g.setColor(e.color());
            if (e.line()) {
                g.setStroke(new BasicStroke(2.5f));
                g.drawLine(x, cy, x + 24, cy);
                g.fillOval(x + 12 - 4, cy - 4, 8, 8);
            } else {
                g.fillRect(x + 4, cy - 7, 16, 14);
            }
            g.setStroke(new BasicStroke(1f));
            g.setColor(INK);
            g.drawString(e.text(), x + 32, cy + fm.getAscent() / 2 - 1);
        }
    }

    /** "No data" in the middle of the area. */
    void empty(Area a) {
        g.setFont(TEXT);
        g.setColor(MUTED);
        String s = "no data";
        g.drawString(s, a.left() + a.width() / 2 - g.getFontMetrics().stringWidth(s) / 2, a.top() + a.height() / 2);
    }

    /** {@code text} broken at spaces into lines of at most {@code width} pixels (a word longer than that keeps its own line). */
    static List<String> wrap(String text, FontMetrics fm, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && fm.stringWidth(line + " " + word) > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** Writes the image as PNG, creating the directory. */
    static void writePng(BufferedImage image, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }
}
