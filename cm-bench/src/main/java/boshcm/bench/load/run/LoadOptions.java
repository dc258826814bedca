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
        boolean keep) {

    public static final String USAGE = """
            usage: java -jar cm-bench.jar load [options]        (or scripts/bench [options])

            Starts the XMPP server (Prosody or ejabberd) and the connection manager of each target on free
            loopback ports and measures, for each target: login rate and latency, end-to-end message latency
            at fixed offered rates, CPU per delivered message and memory per idle session
            (docs/benchmarks.md, "Load benchmark").

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
              --login-warmup N        sessions logged in and out, unmeasured, before the measured login
                                      (default: as many as --sessions, at most 1000; 0: none)
              --threads N             load generator event loops (default 2)
              --repeat N              run every target N times, interleaved; tables show medians (default 1)
              --boshcm-jar PATH       (default cm-server/target/cm-server.jar)
              --boshcm-jvm-opts "..." JVM options for boshcm, space separated (default none: JVM defaults)
              --work-dir DIR          configs, data and logs (default /tmp/boshcm-load)
              --report FILE           Markdown report (default cm-bench/target/load-report.md)
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
              --smoke                 a quick check: --sessions 10 --rates 10 --duration 2s --warmup 0s
            Durations: 500ms, 10s, 2m.
            """;

    /**
     * The default {@code --targets}: the four targets behind Prosody (about 80 s each with the other
     * defaults). The ejabberd targets take as long again: {@code --targets all}.
     */
    public static final String DEFAULT_TARGETS = "prosody";

    public static LoadOptions defaults() {
        return new LoadOptions(1000, List.of(250.0, 500.0, 1000.0), Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofSeconds(3),
                TargetKind.parseList(DEFAULT_TARGETS), Credentials.Mechanism.PLAIN,
                100, -1, 2, 1, Path.of("cm-server/target/cm-server.jar"), List.of(), Path.of("/tmp/boshcm-load"),
                Path.of("cm-bench/target/load-report.md"), "warn", "generational", List.of(),
                Path.of("cm-bench/src/main/node/nxb"), "warning", List.of(), false);
    }

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
                    case "--report" -> b.report = Path.of(value);
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
            b.loginWarmup = Math.min(b.sessions, 1000); // the default: one round of real logins, at most 1000
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
        }

        LoadOptions build() {
            return new LoadOptions(sessions, rates, duration, warmup, drain, settle, targets, auth, loginConcurrency,
                    loginWarmup, threads, repeat, boshcmJar, boshcmJvmOptions, workDir, report, prosodyLogLevel, prosodyGc, prosodyExtra,
                    nxbDir, ejabberdLogLevel, ejabberdErlOptions, keep);
        }
    }
}
