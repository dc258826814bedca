package boshcm.bench.load.run;

import boshcm.bench.load.client.Credentials;
import boshcm.bench.load.target.TargetKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The load benchmark's settings, from the command line ({@code java -jar cm-bench.jar load …}).
 * Immutable; {@link #parse} checks every value once and names the bad one.
 */
public record LoadOptions(
        int sessions,
        List<Double> rates,
        Duration duration,
        Duration warmup,
        Duration drain,
        Duration settle,
        List<TargetKind> targets,
        Credentials.Mechanism auth,
        int loginConcurrency,
        int loginWarmup,
        int threads,
        int repeat,
        Path boshcmJar,
        List<String> boshcmJvmOptions,
        Path workDir,
        Path report,
        String prosodyLogLevel,
        String prosodyGc,
        List<String> prosodyExtra,
        Path nxbDir,
        String ejabberdLogLevel,
        List<String> ejabberdErlOptions,
        boolean keep,
        MaxRateSettings maxRate,
        Path chartsDir,
        Path hgrmDir,
        boolean scale) {

    public static final String USAGE = """
            usage: java -jar cm-bench.jar load [options]        (or scripts/bench [options])

            Starts the XMPP server (Prosody or ejabberd) and the connection manager of each target on free
            loopback ports and measures, for each target: login rate and latency, end-to-end message latency
            at fixed offered rates, the highest sustained rate, CPU per delivered message and memory per
            idle session, and draws PNG charts (docs/benchmarks.md, "Load benchmark").

              --sessions N            simulated users, logged in together (default 1000; even)
              --rates R,R,...         offered message rates in msg/s, all senders together (default 250,500,1000)
              --duration D            sending time per rate (default 10s)
              --warmup D              unmeasured sending at the highest rate before measuring, so that JIT
                                      compilers (boshcm) are done (default 30s; 0s: none)
              --drain D               longest wait for the last messages after sending stops (default 5s)
              --settle D              pause after login before reading idle memory (default 3s)
              --targets T,T,...       targets, in order (default: prosody). Behind Prosody: c2s, boshcm,
                                      prosody-bosh, nxb (node-xmpp-bosh); behind ejabberd: c2s-ejabberd,
                                      boshcm-ejabberd, ejabberd-bosh. Groups: prosody (the first four),
                                      ejabberd (the last three), all
              --auth plain|anonymous  SASL mechanism (default plain; accounts are generated)
              --login-concurrency N   logins in flight at once (default 100)
              --login-warmup N        sessions logged in and out, unmeasured, before the measured login, in
                                      rounds of at most --sessions (default: 8 rounds of --sessions, at
                                      most 8000: most of boshcm's JIT compilation is in its first 6000-8000; 0: none)
              --threads N             load generator event loops (default 2)
              --repeat N              run every target N times, interleaved; tables show medians (default 1)
              --boshcm-jar PATH       (default cm-server/target/cm-server.jar)
              --boshcm-jvm-opts "..." JVM options for boshcm, space separated (default none: JVM defaults)
              --work-dir DIR          configs, data and logs (default /tmp/boshcm-load)
              --prosody-log LEVEL     Prosody log level (default warn)
              --prosody-gc MODE       Prosody's Lua GC: generational (default here) or incremental (Prosody's
                                      own default, whose collections add 20-40 ms to a few % of all messages)
              --prosody-extra LUA     a line added to Prosody's global configuration, e.g.
                                      'network_settings = { nagle = false }' (repeatable)
              --nxb-dir DIR           where node-xmpp-bosh is installed with npm ci
                                      (default cm-bench/src/main/node/nxb)
              --ejabberd-log LEVEL    ejabberd's log level (default warning)
              --ejabberd-erl-opts "..." Erlang VM flags for ejabberd, space separated, e.g. '+sbwt none'
                                      (default none: ejabberdctl's)
              --keep                  keep the work directory (default: deleted on success)

            Highest sustained rate (after the fixed rates, on the same sessions): a ramp from the start rate,
            multiplied by the factor after every passing step, then bisection between the highest pass and the
            lowest failure. A step passes with p99 <= --max-rate-p99, nothing lost, and the generator's p99 lag
            behind its schedule <= --max-rate-max-lag.
              --max-rate-search on|off     run the search (default on)
              --max-rate-start R           first rate tried, msg/s (default 250)
              --max-rate-limit R           highest rate tried, msg/s (default 50000)
              --max-rate-factor F          ramp multiplier (default 2)
              --max-rate-resolution P      stop when the lowest failure is within P of the highest pass
                                           (default 10%; 0.1 means the same)
              --max-rate-step-duration D   sending time per step (default 5s)
              --max-rate-p99 D             p99 latency limit (default 100ms)
              --max-rate-max-lag D         generator lag limit, p99 (default 10ms)
              --max-rate-pause D           pause after each step (default 2s)
              --max-rate-recovery D        after a failed step, longest wait for its backlog (default 30s)

            Output:
              --out DIR               everything in one directory: DIR/report.md, DIR/*.png, DIR/hgrm/*.hgrm
              --report FILE           Markdown report (default cm-bench/target/load-report.md)
              --charts DIR|none       PNG charts (default: load-charts next to the report)
              --scale on|off          run the scale run after the load run (default off; see docs)

              --smoke                 a quick check: --sessions 10 --rates 10 --duration 2s --warmup 0s, and a
                                      search from 10 to at most 40 msg/s in 2 s steps
              --full                  the whole benchmark: --targets all --repeat 3 --max-rate-search on
                                      --scale on --out cm-bench/target/bench-report (later options override)
            Durations: 500ms, 10s, 2m.
            """;

    /**
     * The default {@code --targets}: the four targets behind Prosody (about 3 minutes each with the
     * other defaults, half of it the max-rate search; {@link RunEstimate}). The ejabberd targets take
     * as long again: {@code --targets all}.
     */
    public static final String DEFAULT_TARGETS = "prosody";

    public static LoadOptions defaults() {
        return new LoadOptions(1000, List.of(250.0, 500.0, 1000.0), Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofSeconds(3),
                TargetKind.parseList(DEFAULT_TARGETS), Credentials.Mechanism.PLAIN,
                100, -1, 2, 1, Path.of("cm-server/target/cm-server.jar"), List.of(), Path.of("/tmp/boshcm-load"),
                Path.of("cm-bench/target/load-report.md"), "warn", "generational", List.of(),
                Path.of("cm-bench/src/main/node/nxb"), "warning", List.of(), false, MaxRateSettings.defaults(),
                Path.of("cm-bench/target/load-charts"), Path.of("cm-bench/target/load-hgrm"), false);
    }

    /** Where {@code --full} writes the report, the charts and the .hgrm files. */
    public static final Path FULL_OUT = Path.of("cm-bench/target/bench-report");

    /** Parses {@code args}; throws {@link IllegalArgumentException} naming the bad option. */
    public static LoadOptions parse(String... args) {
        Builder b = new Builder(defaults());
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            if (arg.equals("--keep")) {
                b.keep = true;
                continue;
            }
            if (arg.equals("--smoke")) {
                b.sessions = 10;
                b.rates = List.of(10.0);
                b.duration = Duration.ofSeconds(2);
                b.warmup = Duration.ZERO;
                b.loginWarmup = 0;
                b.settle = Duration.ofSeconds(1);
                b.drain = Duration.ofSeconds(3);
                b.maxRateStart = 10;
                b.maxRateLimit = 40;
                b.maxRateStep = Duration.ofSeconds(2);
                b.maxRatePause = Duration.ofSeconds(1);
                continue;
            }
            if (arg.equals("--full")) {
                b.targets = TargetKind.parseList("all");
                b.repeat = 3;
                b.maxRateOn = true;
                b.scale = true;
                b.out(FULL_OUT);
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                value = args[++i];
            }
            try {
                switch (arg) {
                    case "--sessions" -> b.sessions = positive(arg, Integer.parseInt(value));
                    case "--rates" -> b.rates = rates(value);
                    case "--duration" -> b.duration = duration(value);
                    case "--warmup" -> b.warmup = duration(value);
                    case "--drain" -> b.drain = duration(value);
                    case "--settle" -> b.settle = duration(value);
                    case "--targets" -> b.targets = TargetKind.parseList(value);
                    case "--auth" -> b.auth = Credentials.Mechanism.valueOf(value.toUpperCase(java.util.Locale.ROOT));
                    case "--login-concurrency" -> b.loginConcurrency = positive(arg, Integer.parseInt(value));
                    case "--login-warmup" -> b.loginWarmup = Integer.parseInt(value);
                    case "--threads" -> b.threads = positive(arg, Integer.parseInt(value));
                    case "--repeat" -> b.repeat = positive(arg, Integer.parseInt(value));
                    case "--boshcm-jar" -> b.boshcmJar = Path.of(value);
                    case "--boshcm-jvm-opts" -> b.boshcmJvmOptions = value.isBlank() ? List.of()
                            : List.of(value.trim().split("\\s+"));
                    case "--work-dir" -> b.workDir = Path.of(value);
                    case "--report" -> {
                        b.report = Path.of(value);
                        b.derivedOutputs = true;
                    }
                    case "--out" -> b.out(Path.of(value));
                    case "--charts" -> {
                        b.chartsDir = value.equals("none") ? null : Path.of(value);
                        b.chartsSet = true;
                    }
                    case "--scale" -> b.scale = onOff(arg, value);
                    case "--max-rate-search" -> b.maxRateOn = onOff(arg, value);
                    case "--max-rate-start" -> b.maxRateStart = positiveRate(arg, value);
                    case "--max-rate-limit" -> b.maxRateLimit = positiveRate(arg, value);
                    case "--max-rate-factor" -> {
                        b.maxRateFactor = Double.parseDouble(value);
                        if (!(b.maxRateFactor > 1)) {
                            throw new IllegalArgumentException(arg + " must be more than 1, got " + value);
                        }
                    }
                    case "--max-rate-resolution" -> b.maxRateResolution = fraction(arg, value);
                    case "--max-rate-step-duration" -> b.maxRateStep = duration(value);
                    case "--max-rate-p99" -> b.maxRateP99 = duration(value);
                    case "--max-rate-max-lag" -> b.maxRateLag = duration(value);
                    case "--max-rate-pause" -> b.maxRatePause = duration(value);
                    case "--max-rate-recovery" -> b.maxRateRecovery = duration(value);
                    case "--prosody-log" -> b.prosodyLogLevel = value;
                    case "--prosody-gc" -> {
                        if (!value.equals("generational") && !value.equals("incremental")) {
                            throw new IllegalArgumentException("--prosody-gc: generational or incremental, got " + value);
                        }
                        b.prosodyGc = value;
                    }
                    case "--prosody-extra" -> {
                        List<String> extra = new ArrayList<>(b.prosodyExtra);
                        extra.add(value);
                        b.prosodyExtra = List.copyOf(extra);
                    }
                    case "--nxb-dir" -> b.nxbDir = Path.of(value);
                    case "--ejabberd-log" -> b.ejabberdLogLevel = value;
                    case "--ejabberd-erl-opts" -> b.ejabberdErlOptions = value.isBlank() ? List.of()
                            : List.of(value.trim().split("\\s+"));
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(arg + ": not a number: " + value);
            }
        }
        if (b.loginWarmup < 0) {
            // The default: 8 rounds of real logins, at most 8000 in all. boshcm's JIT compilers work through
            // the login path for its first 6000-8000 logins (JFR compilation events, docs/benchmarks.md);
            // the first round's rate, cold, is printed too.
            b.loginWarmup = Math.min(8 * b.sessions, 8000);
        }
        if (b.sessions % 2 != 0) {
            throw new IllegalArgumentException("--sessions must be even (sessions are paired), got " + b.sessions);
        }
        if (b.targets.isEmpty()) {
            throw new IllegalArgumentException("--targets names no target");
        }
        if (b.duration.isZero()) {
            throw new IllegalArgumentException("--duration must be more than 0");
        }
        if (b.maxRateStep.isZero()) {
            throw new IllegalArgumentException("--max-rate-step-duration must be more than 0");
        }
        if (b.maxRateLimit < b.maxRateStart) {
            throw new IllegalArgumentException("--max-rate-limit (" + number(b.maxRateLimit)
                    + ") is below --max-rate-start (" + number(b.maxRateStart) + ")");
        }
        if (b.derivedOutputs) { // --report without --out: the charts and .hgrm files go next to it, as before
            Path dir = b.report.toAbsolutePath().getParent();
            if (!b.chartsSet) {
                b.chartsDir = dir.resolve("load-charts");
            }
            b.hgrmDir = dir.resolve("load-hgrm");
        }
        return b.build();
    }

    /** Parses {@code 500ms}, {@code 10s}, {@code 2m}. */
    static Duration duration(String s) {
        String v = s.trim();
        try {
            if (v.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            }
            if (v.endsWith("s")) {
                return Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            }
            if (v.endsWith("m")) {
                return Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)) * 60);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("not a duration (like 500ms, 10s, 2m): " + s);
    }

    private static List<Double> rates(String s) {
        List<Double> out = new ArrayList<>();
        for (String part : s.split(",")) {
            double r = Double.parseDouble(part.trim());
            if (!(r > 0)) {
                throw new IllegalArgumentException("--rates: every rate must be > 0, got " + part);
            }
            out.add(r);
        }
        return List.copyOf(out);
    }

    private static boolean onOff(String option, String value) {
        return switch (value) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException(option + ": on or off, got " + value);
        };
    }

    private static double positiveRate(String option, String value) {
        double r = Double.parseDouble(value);
        if (!(r > 0) || Double.isInfinite(r)) {
            throw new IllegalArgumentException(option + " must be more than 0, got " + value);
        }
        return r;
    }

    /** {@code 10%} or {@code 0.1}: a fraction between 0 and 1 (exclusive). */
    static double fraction(String option, String value) {
        String v = value.trim();
        double f = v.endsWith("%") ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100 : Double.parseDouble(v);
        if (!(f > 0 && f < 1)) {
            throw new IllegalArgumentException(option + " must be between 0 and 100%, got " + value);
        }
        return f;
    }

    private static int positive(String option, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(option + " must be at least 1, got " + v);
        }
        return v;
    }

    /** The options as a command line, for the report. */
    public String commandLine() {
        StringBuilder sb = new StringBuilder("scripts/bench");
        sb.append(" --sessions ").append(sessions);
        sb.append(" --rates ").append(String.join(",", rates.stream().map(LoadOptions::number).toList()));
        sb.append(" --duration ").append(text(duration));
        sb.append(" --warmup ").append(text(warmup));
        sb.append(" --targets ").append(String.join(",", targets.stream().map(TargetKind::option).toList()));
        sb.append(" --auth ").append(auth.name().toLowerCase(java.util.Locale.ROOT));
        sb.append(" --login-concurrency ").append(loginConcurrency);
        sb.append(" --login-warmup ").append(loginWarmup);
        sb.append(" --threads ").append(threads);
        sb.append(" --repeat ").append(repeat);
        sb.append(" --prosody-gc ").append(prosodyGc);
        for (String line : prosodyExtra) {
            sb.append(" --prosody-extra '").append(line).append('\'');
        }
        if (!boshcmJvmOptions.isEmpty()) {
            sb.append(" --boshcm-jvm-opts '").append(String.join(" ", boshcmJvmOptions)).append('\'');
        }
        if (!ejabberdErlOptions.isEmpty()) {
            sb.append(" --ejabberd-erl-opts '").append(String.join(" ", ejabberdErlOptions)).append('\'');
        }
        sb.append(" --max-rate-search ").append(maxRate.on() ? "on" : "off");
        if (maxRate.on()) {
            sb.append(" --max-rate-start ").append(number(maxRate.start()));
            sb.append(" --max-rate-limit ").append(number(maxRate.limit()));
            sb.append(" --max-rate-factor ").append(number(maxRate.factor()));
            sb.append(" --max-rate-resolution ").append(number(Math.round(maxRate.resolution() * 1000) / 10.0)).append('%');
            sb.append(" --max-rate-step-duration ").append(text(maxRate.stepDuration()));
            sb.append(" --max-rate-p99 ").append(text(maxRate.p99Limit()));
            sb.append(" --max-rate-max-lag ").append(text(maxRate.lagLimit()));
        }
        if (scale) {
            sb.append(" --scale on");
        }
        return sb.toString();
    }

    static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    private static final class Builder {
        int sessions;
        List<Double> rates;
        Duration duration;
        Duration warmup;
        Duration drain;
        Duration settle;
        List<TargetKind> targets;
        Credentials.Mechanism auth;
        int loginConcurrency;
        int loginWarmup;
        int threads;
        int repeat;
        Path boshcmJar;
        List<String> boshcmJvmOptions;
        Path workDir;
        Path report;
        String prosodyLogLevel;
        String prosodyGc;
        List<String> prosodyExtra;
        Path nxbDir;
        String ejabberdLogLevel;
        List<String> ejabberdErlOptions;
        boolean keep;
        boolean maxRateOn;
        double maxRateStart;
        double maxRateLimit;
        double maxRateFactor;
        double maxRateResolution;
        Duration maxRateStep;
        Duration maxRateP99;
        Duration maxRateLag;
        Duration maxRatePause;
        Duration maxRateRecovery;
        Path chartsDir;
        Path hgrmDir;
        boolean scale;
        /** --charts was given (it wins over the default next to the report). */
        boolean chartsSet;
        /** --report was given last (not --out): charts and .hgrm files go next to the report. */
        boolean derivedOutputs;

        Builder(LoadOptions o) {
            sessions = o.sessions;
            rates = o.rates;
            duration = o.duration;
            warmup = o.warmup;
            drain = o.drain;
            settle = o.settle;
            targets = o.targets;
            auth = o.auth;
            loginConcurrency = o.loginConcurrency;
            loginWarmup = o.loginWarmup;
            threads = o.threads;
            repeat = o.repeat;
            boshcmJar = o.boshcmJar;
            boshcmJvmOptions = o.boshcmJvmOptions;
            workDir = o.workDir;
            report = o.report;
            prosodyLogLevel = o.prosodyLogLevel;
            prosodyGc = o.prosodyGc;
            prosodyExtra = o.prosodyExtra;
            nxbDir = o.nxbDir;
            ejabberdLogLevel = o.ejabberdLogLevel;
            ejabberdErlOptions = o.ejabberdErlOptions;
            keep = o.keep;
            MaxRateSettings m = o.maxRate;
            maxRateOn = m.on();
            maxRateStart = m.start();
            maxRateLimit = m.limit();
            maxRateFactor = m.factor();
            maxRateResolution = m.resolution();
            maxRateStep = m.stepDuration();
            maxRateP99 = m.p99Limit();
            maxRateLag = m.lagLimit();
            maxRatePause = m.pause();
            maxRateRecovery = m.recovery();
            chartsDir = o.chartsDir;
            hgrmDir = o.hgrmDir;
            scale = o.scale;
        }

        /** {@code --out DIR}: the report, the charts and the .hgrm files all in DIR. */
        void out(Path dir) {
            report = dir.resolve("report.md");
            chartsDir = dir;
            hgrmDir = dir.resolve("hgrm");
            chartsSet = false;
            derivedOutputs = false;
        }

        LoadOptions build() {
            return new LoadOptions(sessions, rates, duration, warmup, drain, settle, targets, auth, loginConcurrency,
                    loginWarmup, threads, repeat, boshcmJar, boshcmJvmOptions, workDir, report, prosodyLogLevel, prosodyGc, prosodyExtra,
                    nxbDir, ejabberdLogLevel, ejabberdErlOptions, keep,
                    new MaxRateSettings(maxRateOn, maxRateStart, maxRateFactor, maxRateLimit, maxRateResolution, maxRateStep,
                            maxRateP99, maxRateLag, maxRatePause, maxRateRecovery),
                    chartsDir, hgrmDir, scale);
        }
    }
}
