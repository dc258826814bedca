package boshcm.bench.load.soak;

import boshcm.bench.load.chart.LineChart;
import boshcm.bench.load.chart.Palette;
import boshcm.bench.load.chart.Point;
import boshcm.bench.load.chart.Series;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/** The soak's charts over time: boshcm's heap, the processes' RSS, and descriptors with sessions. */
public final class SoakCharts {

    public static final String HEAP_FILE = "soak-heap.png";
    public static final String RSS_FILE = "soak-rss.png";
    public static final String DESCRIPTORS_FILE = "soak-descriptors.png";

    private SoakCharts() {}

    /** boshcm's heap after a full GC and its direct buffers (MiB) against minutes: the line that must stay flat. */
    static LineChart heap(List<Sample> samples) {
        return new LineChart("boshcm heap after a full GC over the soak", "minutes since the mix started", "MiB")
                .add(Series.line("heap after GC", Palette.color(0), points(samples, Sample::heapBytes, 1048576.0)))
                .add(Series.line("direct buffers", Palette.color(2), points(samples, Sample::directBytes, 1048576.0)));
    }

    /** The resident set of boshcm and Prosody (MiB) against minutes. */
    static LineChart rss(List<Sample> samples) {
        return new LineChart("Resident memory over the soak", "minutes since the mix started", "MiB")
                .add(Series.line("boshcm RSS", Palette.color(1), points(samples, Sample::rssBytes, 1048576.0)))
                .add(Series.line("Prosody RSS", Palette.color(7), points(samples, Sample::prosodyRssBytes, 1048576.0)));
    }

    /** Open descriptors of boshcm and Prosody, and boshcm's active sessions, against minutes. */
    static LineChart descriptors(List<Sample> samples) {
        return new LineChart("Descriptors and sessions over the soak", "minutes since the mix started", "count")
                .add(Series.line("boshcm fds", Palette.color(0), points(samples, Sample::fds, 1)))
                .add(Series.line("Prosody fds", Palette.color(7), points(samples, Sample::prosodyFds, 1)))
                .add(Series.line("boshcm sessions (bosh_sessions_active)", Palette.color(1), points(samples, Sample::boshSessions, 1)));
    }

    /** Writes the three charts into {@code dir}; returns their files. */
    static List<Path> write(Path dir, List<Sample> samples) throws IOException {
        Files.createDirectories(dir);
        Path heap = dir.resolve(HEAP_FILE);
        Path rss = dir.resolve(RSS_FILE);
        Path fds = dir.resolve(DESCRIPTORS_FILE);
        heap(samples).write(heap);
        rss(samples).write(rss);
        descriptors(samples).write(fds);
        return List.of(heap, rss, fds);
    }

    private static List<Point> points(List<Sample> samples, ToLongFunction<Sample> value, double divisor) {
        List<Point> out = new ArrayList<>();
        for (Sample s : samples) {
            long v = value.applyAsLong(s);
            if (v >= 0) {
                out.add(new Point(s.minutes(), v / divisor));
            }
        }
        return out;
    }
}
