package boshcm.bench.load.run;

import boshcm.bench.load.measure.ProcProbe;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import boshcm.bench.load.chart.ScaleCharts;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs {@link LoadRun}, prints the tables, draws the charts, runs the scale run when asked
 * ({@link ScaleHook}), writes the Markdown report, and cleans up.
 */
public final class LoadBenchmark {

    private LoadBenchmark() {}

    /** Returns the exit status: 0 when every target ran through, 1 otherwise. */
    public static int run(LoadOptions options, PrintStream out) throws IOException, InterruptedException {
        Machine machine = Machine.describe();
        out.println("load benchmark: " + options.commandLine());
        out.println("machine: " + machine.text());
        out.println("estimated duration: " + RunEstimate.text(RunEstimate.of(options))
                + (options.scale() ? ", then the scale run" : ""));
        // Each BOSH session holds up to 2 connections here and 3 in boshcm (2 HTTP, 1 upstream);
        // server processes inherit this JVM's limit, which the JVM raises to the hard limit at start.
        long limit = ProcProbe.openFileLimit(ProcProbe.self());
        long needed = 3L * options.sessions() + 200;
        if (limit >= 0 && limit < needed) {
            out.printf("WARNING: open-file limit %d is below the ~%d that %d BOSH sessions need in boshcm;"
                    + " raise the hard limit (ulimit -Hn) or expect connection failures%n", limit, needed, options.sessions());
        }
        long began = System.nanoTime();
        List<TargetResult> results = new LoadRun(options, out).run();
        Report report = new Report(options, machine, results);
        out.println();
        out.println(report.tables());
        Path file = options.report().toAbsolutePath();
        Files.createDirectories(file.getParent());
        List<Map.Entry<String, String>> links = new ArrayList<>();
        if (options.chartsDir() != null) {
            Path dir = options.chartsDir().toAbsolutePath();
            for (LoadCharts.Chart c : new LoadCharts(options, results).write(dir)) {
                links.add(Map.entry(c.caption(), link(file, dir.resolve(c.file()))));
            }
            out.println("charts: " + dir);
        }
        ScaleHook.Outcome scale = null;
        if (options.scale()) {
            Path outDir = options.chartsDir() != null ? options.chartsDir().toAbsolutePath() : file.getParent();
            scale = ScaleHook.current().run(options, outDir, out);
            if (!scale.kibPerSession().isEmpty()) {
                Path png = outDir.resolve(ScaleCharts.MEMORY_FILE);
                ScaleCharts.memoryAgainstSessions(png, scale.kibPerSession());
                links.add(Map.entry("Memory per idle session against sessions (scale run)", link(file, png)));
            }
        }
        Files.writeString(file, report.markdown(links, scale == null ? null : scale.markdown()));
        out.println("report: " + file);
        out.printf("took %s%n", RunEstimate.text(java.time.Duration.ofNanos(System.nanoTime() - began)).replace("about ", ""));
        boolean failed = results.stream().anyMatch(r -> r.error() != null) || (scale != null && scale.failed());
        if (failed || options.keep()) {
            out.println("work directory kept: " + options.workDir().toAbsolutePath());
        } else {
            deleteTree(options.workDir());
        }
        return failed ? 1 : 0;
    }

    /** {@code target} relative to the report's directory, with forward slashes, for a Markdown link. */
    static String link(Path report, Path target) {
        return report.toAbsolutePath().getParent().relativize(target.toAbsolutePath()).toString().replace('\\', '/');
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
