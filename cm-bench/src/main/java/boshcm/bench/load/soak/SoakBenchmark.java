package boshcm.bench.load.soak;

import boshcm.bench.load.measure.ProcProbe;
import boshcm.bench.load.run.Machine;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Runs {@link SoakRun}, prints the report, writes it (and its charts) and returns the exit status. */
public final class SoakBenchmark {

    private SoakBenchmark() {}

    /** 0 when the verdict is a pass, 1 otherwise. */
    public static int run(SoakOptions options, PrintStream out) throws IOException, InterruptedException {
        Machine machine = Machine.describe();
        out.println("soak: " + options.commandLine());
        out.println("machine: " + machine.text());
        long limit = ProcProbe.openFileLimit(ProcProbe.self());
        // boshcm: two HTTP connections and one upstream connection per busy session; the generator two
        // HTTP connections per session; the proxy (its own process) two per upstream connection.
        long needed = 3L * options.sessions() + 500;
        if (limit >= 0 && limit < needed) {
            out.printf("WARNING: open-file limit %d is below the ~%d that %d sessions need in boshcm%n", limit, needed,
                    options.sessions());
        }
        long started = System.nanoTime();
        SoakResult result = new SoakRun(options, out).run(machine.text());
        Path report = options.report().toAbsolutePath();
        Files.createDirectories(report.getParent());
        if (options.charts() != null) {
            List<String> names = new ArrayList<>();
            for (Path chart : SoakCharts.write(options.charts().toAbsolutePath(), result.samples())) {
                names.add(report.getParent().relativize(chart).toString());
            }
            result = result.withCharts(names);
        }
        SoakReport.Verdict verdict = SoakReport.verdict(result, options);
        String markdown = SoakReport.markdown(result, options, verdict);
        out.println();
        out.print(markdown);
        Files.writeString(report, markdown);
        out.printf("report: %s (%.1f min in all)%n", report, (System.nanoTime() - started) / 60e9);
        if (verdict.pass() && !options.keep()) {
            deleteTree(options.workDir());
        } else {
            out.println("work files kept in " + options.workDir().toAbsolutePath());
        }
        out.println(SoakReport.finalLine(result, verdict));
        return verdict.pass() ? 0 : 1;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
