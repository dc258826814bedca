package boshcm.bench.load.run;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * The scale run's place in the full benchmark ({@code --full}, or {@code --scale on}): boshcm alone
 * with idle sessions in steps ({@link ScaleRun}). It runs after the side-by-side load run
 * and writes into the same output directory; its section goes into the same report, and its memory
 * series become the chart {@value boshcm.bench.load.chart.ScaleCharts#MEMORY_FILE}
 * ({@link boshcm.bench.load.chart.ScaleCharts}).
 */
public interface ScaleHook {

    /**
     * What the scale run hands back.
     *
     * @param markdown      its section of the report (headed {@code ### ...}), or empty
     * @param kibPerSession series name → (idle sessions → KiB per session), for the memory chart;
     *                      empty for no chart
     * @param failed        whether it failed (the benchmark then exits with 1)
     */
    record Outcome(String markdown, Map<String, Map<Integer, Double>> kibPerSession, boolean failed) {
    }

    /** Runs the scale run; {@code outDir} is where the report and the charts go. */
    Outcome run(LoadOptions options, Path outDir, PrintStream log) throws IOException, InterruptedException;

    /** Until the scale run is wired in: runs nothing, and says so in the report. */
    ScaleHook NOT_WIRED = (options, outDir, log) -> {
        log.println("\n== scale run: not wired into this build yet (ScaleHook.current()); skipped");
        return new Outcome("""
                ### Scale run

                Not run: the scale run (boshcm alone, 10k–100k idle sessions) is not wired into this build yet.
                """, Map.of(), false);
    };

    /** The scale run the full benchmark calls. */
    static ScaleHook current() {
        return (options, outDir, log) -> ScaleBenchmark.outcome(ScaleOptions.forFullRun(options), log);
    }
}
