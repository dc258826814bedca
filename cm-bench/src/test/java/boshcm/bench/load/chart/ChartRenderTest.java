package boshcm.bench.load.chart;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Draws charts without a display (headless) and checks what came out: size, content, colours. */
class ChartRenderTest {

    @TempDir
    Path dir;

    /** Pixels that are not white. */
    static long inked(BufferedImage image) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Pixels of exactly {@code color}. */
    static long pixels(BufferedImage image, Color color) {
        long n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == (color.getRGB() & 0xFFFFFF)) {
                    n++;
                }
            }
        }
        return n;
    }

    static LineChart latencyChart() {
        return new LineChart("p99 latency", "offered msg/s", "ms").logX(true).logY(true)
                .add(Series.line("raw c2s", Palette.color(0), List.of(new Point(250, 1.4, 1.3, 1.5), new Point(500, 18),
                        new Point(1000, 37))))
                .add(Series.line("boshcm", Palette.color(1), List.of(new Point(250, 8), new Point(500, 66),
                        new Point(1000, 50))))
                .add(Series.dots("boshcm", Palette.color(1), List.of(new Point(2000, 80), new Point(4000, 900))))
                .referenceY(100, "limit");
    }

    @Test
    void aLineChartIsAPngOfTheRightSizeWithEverySeriesDrawn() throws Exception {
        Path file = dir.resolve("sub/latency.png");
        latencyChart().write(file);
        BufferedImage png = ImageIO.read(file.toFile());
        assertThat(png.getWidth()).isEqualTo(LineChart.WIDTH);
        assertThat(png.getHeight()).isEqualTo(LineChart.HEIGHT);
        assertThat(inked(png)).as("axes, text and lines").isGreaterThan(10_000);
        assertThat(pixels(png, Palette.color(0))).as("the first series' line").isGreaterThan(100);
        assertThat(pixels(png, Palette.color(1))).as("the second series").isGreaterThan(100);
    }

    @Test
    void theAxesCoverTheDataAndTheReferenceLine() {
        LineChart chart = latencyChart();
        assertThat(chart.xAxis().min()).isEqualTo(100);
        assertThat(chart.xAxis().max()).isEqualTo(10_000);
        assertThat(chart.yAxis().min()).isEqualTo(1);
        assertThat(chart.yAxis().max()).isEqualTo(1000);
    }

    @Test
    void pointsALogAxisCannotShowAreLeftOut() {
        LineChart chart = new LineChart("t", "x", "y").logY(true)
                .add(Series.line("s", Palette.color(0), List.of(new Point(1, 0), new Point(2, 10), new Point(3, Double.NaN))));
        assertThat(chart.yAxis().min()).isEqualTo(10);
        assertThat(chart.yAxis().max()).isEqualTo(100);
        assertThat(inked(chart.render(400, 300))).isGreaterThan(1000);
    }

    @Test
    void aChartWithoutDataStillRenders() {
        BufferedImage image = new LineChart("empty", "x", "y").logX(true).render(640, 400);
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(inked(image)).isGreaterThan(500);
        assertThat(inked(new BarChart("empty", "y", "%.0f").render(640, 400))).isGreaterThan(500);
    }

    @Test
    void aBarChartDrawsEachBarInItsColourWithStackedSegments() throws Exception {
        Color a = Palette.color(2);
        Color b = Palette.color(3);
        Color c = Palette.color(4);
        BarChart chart = new BarChart("memory", "KiB", "%.1f")
                .add(BarChart.Bar.of("raw c2s → Prosody", 18, a, 17, 19, null))
                .add(new BarChart.Bar("boshcm → Prosody", List.of(new BarChart.Segment("prosody", 18, b),
                        new BarChart.Segment("boshcm", 150, c)), 160, 180, "note"));
        assertThat(chart.yAxis().min()).isEqualTo(0);
        assertThat(chart.yAxis().max()).isGreaterThanOrEqualTo(180);
        Path file = dir.resolve("bars.png");
        chart.write(file);
        BufferedImage png = ImageIO.read(file.toFile());
        assertThat(png.getWidth()).isEqualTo(LineChart.WIDTH);
        assertThat(png.getHeight()).isEqualTo(LineChart.HEIGHT);
        long pa = pixels(png, a);
        long pc = pixels(png, c);
        assertThat(pa).isGreaterThan(200);
        assertThat(pc).as("150 KiB is a taller bar than 18").isGreaterThan(5 * pa);
        assertThat(pixels(png, b)).isGreaterThan(200);
        assertThat(chart.bars().get(1).total()).isEqualTo(168);
    }

    @Test
    void theScaleRunsMemoryChartTakesSessionsToKib() throws Exception {
        Map<String, Map<Integer, Double>> kib = new LinkedHashMap<>();
        kib.put("boshcm RSS", Map.of(1_000, 12.5, 10_000, 7.9, 50_000, 6.1, 100_000, 5.8));
        kib.put("boshcm heap", Map.of(10_000, 3.2, 50_000, 3.0, 100_000, 3.0));
        LineChart chart = ScaleCharts.memoryChart(kib);
        assertThat(chart.xAxis().isLog()).as("1k to 100k: log scale").isTrue();
        assertThat(chart.xAxis().min()).isEqualTo(1_000);
        assertThat(chart.xAxis().max()).isEqualTo(100_000);
        assertThat(chart.yAxis().min()).isEqualTo(0);
        assertThat(chart.series()).extracting(Series::name).containsExactly("boshcm RSS", "boshcm heap");
        Path file = dir.resolve(ScaleCharts.MEMORY_FILE);
        ScaleCharts.memoryAgainstSessions(file, kib);
        BufferedImage png = ImageIO.read(file.toFile());
        assertThat(png.getWidth()).isEqualTo(LineChart.WIDTH);
        assertThat(pixels(png, Palette.color(0))).isGreaterThan(100);
        assertThat(pixels(png, Palette.color(1))).isGreaterThan(100);
        assertThat(Files.size(file)).isGreaterThan(5_000);
        assertThat(ScaleCharts.memoryChart(Map.of("rss", Map.of(10_000, 7.9, 100_000, 5.8))).xAxis().isLog())
                .as("10k to 100k: linear").isFalse();
    }
}
