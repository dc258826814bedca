package boshcm.bench.load.soak;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The options of the soak test ({@code java -jar cm-bench.jar soak --help}; docs/benchmarks.md, "Soak test"). */
public record SoakOptions(int sessions, Duration duration, double rate, double churnPerSecond, Duration cutEvery,
                          double malformedPerSecond, Duration sampleEvery, Duration drain, Duration cutSettle,
                          Duration bounceDelay, double heapSlopeLimitKibPerMinute, int fdTolerance, int loginConcurrency,
                          int threads, Path boshcmJar, List<String> boshcmJvmOptions, Path workDir, Path report,
                          Path charts, boolean keep) {

    public static final String USAGE = """
            usage: java -jar cm-bench.jar soak [options]         (or scripts/bench soak [options])

            boshcm in front of Prosody for a long time, with its upstream connections through a fault proxy
            (a separate JVM): sessions in pairs exchanging messages at a steady rate while, all the time,
            pairs log out and log in again, upstream connections are reset, and malformed requests arrive.
            Every few seconds boshcm's heap after a full GC, its RSS, descriptors, threads and direct memory,
            and Prosody's RSS and descriptors are sampled. Reports the time series, the heap's trend, whether
            the descriptors came back after everyone logged out, and where every message went
            (docs/benchmarks.md, "Soak test"). Exit status 0 only when nothing is unexplained.

              --sessions N            logged in at once, in pairs (default 5000; even)
              --duration D            how long the mix runs (default 30m)
              --rate R                messages per second, all senders together (default 500)
              --churn R               sessions per second that log out and in again, a pair at a time
                                      (default 2; 0: none)
              --cut-every D           reset one session's upstream TCP connection this often (default 5s; 0s: never)
              --malformed-rate R      malformed requests per second (default 1; 0: none)
              --sample-every D        time between samples (default 30s; each runs a full GC in boshcm)
              --drain D               longest wait for messages in flight before a logout (default 10s)
              --cut-settle D          after a cut, how long the cut session's peer waits for stragglers and
                                      bounces before it logs out (default 3s)
              --bounce-delay D        after a churned session's logout, the wait before its peer sends it
                                      one more message, which must bounce (default 2s)
              --heap-slope-limit K    the heap is "flat" when its slope over the second half is below K KiB
                                      per minute (default 128)
              --fd-tolerance N        descriptors "back to baseline" within N (default 16)
              --login-concurrency N   logins in flight at once (default 200)
              --threads N             load generator event loops (default 2)
              --boshcm-jar PATH       (default cm-server/target/cm-server.jar)
              --boshcm-jvm-opts "..." JVM options for boshcm (default none: the JVM's defaults)
              --work-dir DIR          configurations, data and logs (default /tmp/boshcm-soak; deleted after
                                      a clean run unless --keep)
              --keep                  keep the work directory
              --report FILE           Markdown report (default cm-bench/target/soak-report.md)
              --charts DIR|none       PNG charts (default soak-charts next to the report)
              --smoke                 a small run: --sessions 200 --duration 2m --rate 40 --sample-every 15s
            Durations: 500ms, 10s, 2m, 1h. Options after --smoke override it.
            """;

    public static SoakOptions parse(String... args) {
        int sessions = 5000;
        Duration duration = Duration.ofMinutes(30);
        double rate = 500;
        double churn = 2;
        Duration cutEvery = Duration.ofSeconds(5);
        double malformed = 1;
        Duration sampleEvery = Duration.ofSeconds(30);
        Duration drain = Duration.ofSeconds(10);
        Duration cutSettle = Duration.ofSeconds(3);
        Duration bounceDelay = Duration.ofSeconds(2);
        double slopeLimit = 128;
        int fdTolerance = 16;
        int concurrency = 200;
        int threads = 2;
        Path jar = Path.of("cm-server/target/cm-server.jar");
        List<String> jvm = List.of();
        Path work = Path.of("/tmp/boshcm-soak");
        Path report = Path.of("cm-bench/target/soak-report.md");
        Path charts = null;
        boolean chartsOff = false;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (arg.equals("--keep")) {
                keep = true;
                continue;
            }
            if (arg.equals("--smoke")) {
                sessions = 200;
                duration = Duration.ofMinutes(2);
                rate = 40;
                sampleEvery = Duration.ofSeconds(15);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("option " + arg + " needs a value (see --help)");
                }
                value = args[++i];
            }
            switch (arg) {
                case "--sessions" -> sessions = integer(arg, value);
                case "--duration" -> duration = duration(value);
                case "--rate" -> rate = decimal(arg, value);
                case "--churn" -> churn = decimal(arg, value);
                case "--cut-every" -> cutEvery = duration(value);
                case "--malformed-rate" -> malformed = decimal(arg, value);
                case "--sample-every" -> sampleEvery = duration(value);
                case "--drain" -> drain = duration(value);
                case "--cut-settle" -> cutSettle = duration(value);
                case "--bounce-delay" -> bounceDelay = duration(value);
                case "--heap-slope-limit" -> slopeLimit = decimal(arg, value);
                case "--fd-tolerance" -> fdTolerance = integer(arg, value);
                case "--login-concurrency" -> concurrency = integer(arg, value);
                case "--threads" -> threads = integer(arg, value);
                case "--boshcm-jar" -> jar = Path.of(value);
                case "--boshcm-jvm-opts" -> jvm = value.isBlank() ? List.of() : Arrays.asList(value.trim().split("\\s+"));
                case "--work-dir" -> work = Path.of(value);
                case "--report" -> report = Path.of(value);
                case "--charts" -> {
                    chartsOff = value.equals("none");
                    charts = chartsOff ? null : Path.of(value);
                }
                default -> throw new IllegalArgumentException("unknown option " + arg + " (see --help)");
            }
        }
        if (sessions < 2 || sessions % 2 != 0) {
            throw new IllegalArgumentException("--sessions must be even and at least 2 (sessions come in pairs), got " + sessions);
        }
        if (!(rate > 0) || churn < 0 || malformed < 0 || !(slopeLimit > 0) || fdTolerance < 0 || concurrency < 2 || threads < 1) {
            throw new IllegalArgumentException("need a positive --rate and --heap-slope-limit, --login-concurrency of 2 or"
                    + " more, and no negative --churn, --malformed-rate or --fd-tolerance");
        }
        if (duration.isZero() || sampleEvery.isZero() || cutEvery.isNegative()) {
            throw new IllegalArgumentException("--duration and --sample-every must be positive");
        }
        if (charts == null && !chartsOff) {
            Path parent = report.toAbsolutePath().getParent();
            charts = parent.resolve("soak-charts");
        }
        return new SoakOptions(sessions, duration, rate, churn, cutEvery, malformed, sampleEvery, drain, cutSettle,
                bounceDelay, slopeLimit, fdTolerance, concurrency, threads, jar, List.copyOf(jvm), work, report, charts, keep);
    }

    /** The number of pairs (slots). */
    public int pairs() {
        return sessions / 2;
    }

    /** The command line that reproduces this run, for the report. */
    public String commandLine() {
        StringBuilder sb = new StringBuilder("scripts/bench soak");
        sb.append(" --sessions ").append(sessions).append(" --duration ").append(text(duration));
        sb.append(" --rate ").append(number(rate)).append(" --churn ").append(number(churnPerSecond));
        sb.append(" --cut-every ").append(text(cutEvery)).append(" --malformed-rate ").append(number(malformedPerSecond));
        sb.append(" --sample-every ").append(text(sampleEvery));
        if (!boshcmJvmOptions.isEmpty()) {
            sb.append(" --boshcm-jvm-opts '").append(String.join(" ", boshcmJvmOptions)).append('\'');
        }
        return sb.toString();
    }

    /** 500ms, 10s, 1.5s, 2m, 1h. */
    static Duration duration(String s) {
        String v = s.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.endsWith("ms")) {
                return nonNegative(Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2))), s);
            }
            long unit = v.endsWith("s") ? 1_000 : v.endsWith("m") ? 60_000 : v.endsWith("h") ? 3_600_000 : 0;
            if (unit > 0) {
                double n = Double.parseDouble(v.substring(0, v.length() - 1));
                return nonNegative(Duration.ofMillis(Math.round(n * unit)), s);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("not a duration (like 500ms, 10s, 2m, 1h): " + s);
    }

    private static Duration nonNegative(Duration d, String s) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration: " + s);
        }
        return d;
    }

    private static int integer(String option, String value) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, got " + value);
        }
    }

    private static double decimal(String option, String value) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got " + value);
        }
    }

    /** 500, 2.5. */
    static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    /** 30m, 90s, 500ms. */
    static String text(Duration d) {
        if (d.toMillis() % 60_000 == 0 && !d.isZero()) {
            return d.toMinutes() + "m";
        }
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
