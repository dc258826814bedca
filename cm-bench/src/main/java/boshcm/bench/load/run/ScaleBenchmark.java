package boshcm.bench.load.run;

import boshcm.bench.load.measure.ProcProbe;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Runs {@link ScaleRun}, prints and writes its table (Markdown). */
public final class ScaleBenchmark {

    private ScaleBenchmark() {}

    /** Returns the exit status: 0 when every step logged all its sessions in, 1 otherwise. */
    public static int run(ScaleOptions options, PrintStream out) throws IOException, InterruptedException {
        Machine machine = Machine.describe();
        out.println("scale run: " + options.commandLine());
        out.println("machine: " + machine.text());
        long limit = ProcProbe.openFileLimit(ProcProbe.self());
        int top = options.steps().get(options.steps().size() - 1);
        // An idle BOSH session holds one HTTP connection and one upstream connection in boshcm; the
        // probe pairs' senders open a second HTTP connection.
        long needed = 2L * top + 2L * options.probePairs() + 300;
        if (limit >= 0 && limit < needed) {
            out.printf("WARNING: open-file limit %d is below the ~%d that %d idle sessions need in boshcm%n", limit, needed, top);
        }
        List<ScaleRun.Step> steps = new ScaleRun(options, out).run();
        String table = table(options, machine, steps);
        out.println();
        out.println(table);
        Path file = options.report().toAbsolutePath();
        Files.createDirectories(file.getParent());
        Files.writeString(file, table);
        out.println("report: " + file);
        ScaleRun.Step last = steps.get(steps.size() - 1);
        return last.loggedIn() == top ? 0 : 1;
    }

    /** The scale run as part of the full benchmark: its report section and memory series. */
    static ScaleHook.Outcome outcome(ScaleOptions options, PrintStream out) throws IOException, InterruptedException {
        out.println("\n== scale run: " + options.commandLine());
        List<ScaleRun.Step> steps = new ScaleRun(options, out).run();
        java.util.Map<String, java.util.Map<Integer, Double>> series = new java.util.LinkedHashMap<>();
        for (int i = 1; i < steps.size(); i++) {
            ScaleRun.Step s = steps.get(i);
            ScaleRun.Step prev = steps.get(i - 1);
            int added = s.loggedIn() - prev.loggedIn();
            if (added <= 0) {
                continue;
            }
            series.computeIfAbsent("boshcm RSS", k -> new java.util.TreeMap<>()).put(s.sessions(), (s.rssBytes() - prev.rssBytes()) / 1024.0 / added);
            series.computeIfAbsent("boshcm live heap", k -> new java.util.TreeMap<>()).put(s.sessions(), (s.heapBytes() - prev.heapBytes()) / 1024.0 / added);
            series.computeIfAbsent("boshcm direct", k -> new java.util.TreeMap<>()).put(s.sessions(), (s.directBytes() - prev.directBytes()) / 1024.0 / added);
        }
        int top = options.steps().get(options.steps().size() - 1);
        String markdown = table(options, Machine.describe(), steps).replaceFirst("^## ", "### ");
        return new ScaleHook.Outcome(markdown, series, steps.get(steps.size() - 1).loggedIn() != top);
    }

    static String table(ScaleOptions options, Machine machine, List<ScaleRun.Step> steps) {
        StringBuilder sb = new StringBuilder();
        sb.append("## Scale run: boshcm alone, idle sessions\n\n");
        sb.append("`").append(options.commandLine()).append("`\n\n");
        sb.append("Machine: ").append(machine.text()).append("\n\n");
        sb.append("boshcm JVM options: ").append(options.boshcmJvmOptions().isEmpty() ? "none (the JVM's defaults)"
                : "`" + String.join(" ", options.boshcmJvmOptions()) + "`").append(". Memory is read after a full GC"
                + " (`jcmd GC.run`): heap = `jvm_memory_used_bytes{area=\"heap\"}`, direct ="
                + " `jvm_buffer_memory_used_bytes{id=\"direct\"}`, RSS = `VmRSS`. \"Per session\" is the growth since the"
                + " previous row divided by the sessions added. The probe: ").append(options.probePairs())
                .append(" pairs exchanging ").append(LoadOptions.number(options.probeRate())).append(" msg/s for ")
                .append(LoadOptions.text(options.probeDuration())).append(" while every other session sits idle.\n\n");
        sb.append("| sessions | logged in | boshcm RSS MiB | heap MiB | direct MiB | RSS KiB/session | heap KiB/session"
                + " | direct KiB/session | Prosody RSS MiB | probe lost | probe p50 ms | probe p99 ms | probe max ms |\n");
        sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < steps.size(); i++) {
            ScaleRun.Step s = steps.get(i);
            ScaleRun.Step prev = i == 0 ? null : steps.get(i - 1);
            int added = prev == null ? 0 : s.loggedIn() - prev.loggedIn();
            sb.append(String.format("| %d | %d | %.1f | %.1f | %.1f | %s | %s | %s | %.1f | %s | %s | %s | %s |%n",
                    s.sessions(), s.loggedIn(), ScaleRun.mib(s.rssBytes()), ScaleRun.mib(s.heapBytes()),
                    ScaleRun.mib(s.directBytes()),
                    prev == null ? "–" : ScaleRun.perSession(s.rssBytes() - prev.rssBytes(), added),
                    prev == null ? "–" : ScaleRun.perSession(s.heapBytes() - prev.heapBytes(), added),
                    prev == null ? "–" : ScaleRun.perSession(s.directBytes() - prev.directBytes(), added),
                    ScaleRun.mib(s.prosodyRssBytes()),
                    s.probe() == null ? "–" : Long.toString(s.probe().lost()),
                    s.probe() == null ? "–" : Report.ms(s.probe().latency().p50()),
                    s.probe() == null ? "–" : Report.ms(s.probe().latency().p99()),
                    s.probe() == null ? "–" : Report.ms(s.probe().latency().max())));
        }
        if (steps.size() > 2) {
            ScaleRun.Step first = steps.get(1);
            ScaleRun.Step last = steps.get(steps.size() - 1);
            int added = last.loggedIn() - first.loggedIn();
            sb.append(String.format("%nFrom %d to %d sessions, per session: RSS %s KiB, heap %s KiB, direct %s KiB.%n",
                    first.loggedIn(), last.loggedIn(), ScaleRun.perSession(last.rssBytes() - first.rssBytes(), added),
                    ScaleRun.perSession(last.heapBytes() - first.heapBytes(), added),
                    ScaleRun.perSession(last.directBytes() - first.directBytes(), added)));
        }
        return sb.toString();
    }
}
