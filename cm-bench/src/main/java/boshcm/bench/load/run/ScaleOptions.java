package boshcm.bench.load.run;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The options of the scale run ({@code java -jar cm-bench.jar scale --help}). */
public record ScaleOptions(List<Integer> steps, int threads, int loginConcurrency, int loginWarmup, Duration settle,
                           int probePairs, double probeRate, Duration probeDuration, Path boshcmJar,
                           List<String> boshcmJvmOptions, Path workDir, Path report) {

    public static final String USAGE = """
            usage: java -jar cm-bench.jar scale [options]        (or scripts/bench scale [options])

            boshcm alone in front of Prosody: sessions logged in in steps and kept idle (each holding one
            long-poll); after each step a full GC in boshcm, then its RSS, live heap and direct memory, and
            the latency of messages between a few pairs while the rest sit idle (docs/benchmarks.md, "Scale run").

              --steps N,N,...         session counts, ascending (default 1000,2500,5000,7500,9500; each BOSH
                                      session needs 2 open files in boshcm, so the highest step must fit the limit)
              --probe-pairs N         pairs exchanging messages at each step (default 100)
              --probe-rate R          their total rate in msg/s (default 200)
              --probe-duration D      (default 10s)
              --settle D              pause after each step's logins (default 5s)
              --login-concurrency N   (default 200)
              --login-warmup N        sessions logged in and out first (default 1000; 0: none)
              --threads N             load generator event loops (default 2)
              --boshcm-jar PATH       (default cm-server/target/cm-server.jar)
              --boshcm-jvm-opts "..." JVM options for boshcm (default none: the JVM's defaults, as java -jar)
              --work-dir DIR          (default /tmp/boshcm-scale)
              --report FILE           Markdown report (default cm-bench/target/scale-report.md)
            Durations: 500ms, 10s, 2m.
            """;

    public static ScaleOptions parse(String... args) {
        List<Integer> steps = List.of(1000, 2500, 5000, 7500, 9500);
        int threads = 2;
        int concurrency = 200;
        int warmup = 1000;
        Duration settle = Duration.ofSeconds(5);
        int pairs = 100;
        double rate = 200;
        Duration probe = Duration.ofSeconds(10);
        Path jar = Path.of("cm-server/target/cm-server.jar");
        List<String> jvm = List.of();
        Path work = Path.of("/tmp/boshcm-scale");
        Path report = Path.of("cm-bench/target/scale-report.md");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option " + arg + " needs a value (see --help)");
            }
            String value = args[++i];
            switch (arg) {
                case "--steps" -> {
                    List<Integer> list = new ArrayList<>();
                    for (String s : value.split(",")) {
                        list.add(Integer.parseInt(s.trim()));
                    }
                    steps = List.copyOf(list);
                }
                case "--threads" -> threads = Integer.parseInt(value);
                case "--login-concurrency" -> concurrency = Integer.parseInt(value);
                case "--login-warmup" -> warmup = Integer.parseInt(value);
                case "--settle" -> settle = LoadOptions.duration(value);
                case "--probe-pairs" -> pairs = Integer.parseInt(value);
                case "--probe-rate" -> rate = Double.parseDouble(value);
                case "--probe-duration" -> probe = LoadOptions.duration(value);
                case "--boshcm-jar" -> jar = Path.of(value);
                case "--boshcm-jvm-opts" -> jvm = value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
                case "--work-dir" -> work = Path.of(value);
                case "--report" -> report = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + arg + " (see --help)");
            }
        }
        for (int k = 0; k < steps.size(); k++) {
            if (steps.get(k) < 2 || steps.get(k) % 2 != 0 || (k > 0 && steps.get(k) <= steps.get(k - 1))) {
                throw new IllegalArgumentException("--steps must be even numbers in ascending order, got " + steps);
            }
        }
        if (steps.isEmpty() || pairs < 1 || pairs * 2 > steps.get(0) || rate <= 0 || threads < 1 || concurrency < 1 || warmup < 0) {
            throw new IllegalArgumentException("need --probe-pairs between 1 and half the first step, and positive rates and counts");
        }
        return new ScaleOptions(steps, threads, concurrency, warmup, settle, pairs, rate, probe, jar, List.copyOf(jvm), work,
                report);
    }

    /** The scale run of the full benchmark ({@code scripts/bench --full}): default steps, the load run's boshcm and generator. */
    public static ScaleOptions forFullRun(LoadOptions load) {
        ScaleOptions d = parse();
        return new ScaleOptions(d.steps(), load.threads(), d.loginConcurrency(), d.loginWarmup(), d.settle(), d.probePairs(),
                d.probeRate(), d.probeDuration(), load.boshcmJar(), load.boshcmJvmOptions(), load.workDir().resolve("scale"),
                d.report());
    }

    /** The command line that reproduces this run, for the report. */
    public String commandLine() {
        StringBuilder sb = new StringBuilder("scripts/bench scale --steps ");
        sb.append(String.join(",", steps.stream().map(String::valueOf).toList()));
        sb.append(" --probe-pairs ").append(probePairs).append(" --probe-rate ").append(LoadOptions.number(probeRate));
        sb.append(" --probe-duration ").append(LoadOptions.text(probeDuration));
        sb.append(" --login-concurrency ").append(loginConcurrency).append(" --login-warmup ").append(loginWarmup);
        if (!boshcmJvmOptions.isEmpty()) {
            sb.append(" --boshcm-jvm-opts '").append(String.join(" ", boshcmJvmOptions)).append('\'');
        }
        return sb.toString();
    }
}
