package boshcm.bench.load.run;

import boshcm.bench.load.measure.ProcProbe;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Runs {@link LoadRun}, prints the tables, writes the Markdown report, and cleans up. */
public final class LoadBenchmark {

    private LoadBenchmark() {}

    /** Returns the exit status: 0 when every target ran through, 1 otherwise. */
    public static int run(LoadOptions options, PrintStream out) throws IOException, InterruptedException {
        Machine machine = Machine.describe();
        out.println("load benchmark: " + options.commandLine());
        out.println("machine: " + machine.text());
        // Each BOSH session holds up to 2 connections here and 3 in boshcm (2 HTTP, 1 upstream);
        // server processes inherit this JVM's limit, which the JVM raises to the hard limit at start.
        long limit = ProcProbe.openFileLimit(ProcProbe.self());
        long needed = 3L * options.sessions() + 200;
        if (limit >= 0 && limit < needed) {
            out.printf("WARNING: open-file limit %d is below the ~%d that %d BOSH sessions need in boshcm;"
                    + " raise the hard limit (ulimit -Hn) or expect connection failures%n", limit, needed, options.sessions());
        }
        List<TargetResult> results = new LoadRun(options, out).run();
        Report report = new Report(options, machine, results);
        out.println();
        out.println(report.tables());
        Path file = options.report().toAbsolutePath();
        Files.createDirectories(file.getParent());
        Files.writeString(file, report.markdown());
        out.println("report: " + file);
        boolean failed = results.stream().anyMatch(r -> r.error() != null);
        if (failed || options.keep()) {
            out.println("work directory kept: " + options.workDir().toAbsolutePath());
        } else {
            deleteTree(options.workDir());
        }
        return failed ? 1 : 0;
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
