package boshcm.bench.load.run;

import boshcm.bench.load.client.ClientSession;
import boshcm.bench.load.client.Credentials;
import boshcm.bench.load.client.Endpoint;
import boshcm.bench.load.client.LoadClient;
import boshcm.bench.load.measure.ProcProbe;
import boshcm.bench.load.target.Accounts;
import boshcm.bench.load.target.BenchEjabberd;
import boshcm.bench.load.target.BenchProsody;
import boshcm.bench.load.target.BoshcmServer;
import boshcm.bench.load.target.EjabberdTarget;
import boshcm.bench.load.target.MeasuredProcess;
import boshcm.bench.load.target.NodeXmppBosh;
import boshcm.bench.load.target.ProsodyTarget;
import boshcm.bench.load.target.Target;
import boshcm.bench.load.target.TargetKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the load benchmark: for each repetition, each target in turn (the order rotated every
 * repetition, so that none always runs first on a cold machine): start it, log the sessions in,
 * read idle memory, warm up, then one {@link MessagePhase} per offered rate; then log out and stop
 * it. Every target gets a fresh server (Prosody or ejabberd), a fresh connection manager and a
 * fresh load client.
 */
public final class LoadRun {

    private final LoadOptions options;
    private final PrintStream log;

    public LoadRun(LoadOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    public List<TargetResult> run() throws IOException, InterruptedException {
        java.nio.file.Files.createDirectories(options.workDir());
        List<TargetKind> kinds = options.targets();
        BenchProsody prosody = null;
        if (kinds.stream().anyMatch(k -> k.server() == TargetKind.Server.PROSODY)) {
            prosody = BenchProsody.prepare(options.workDir().resolve("prosody"), options.sessions(),
                    options.prosodyLogLevel(), prosodyLines());
        }
        BenchEjabberd ejabberd = null;
        String ejabberdError = null;
        if (kinds.stream().anyMatch(k -> k.server() == TargetKind.Server.EJABBERD)) {
            try {
                ejabberd = BenchEjabberd.prepare(options.workDir().resolve("ejabberd"), options.sessions(),
                        options.ejabberdLogLevel(), options.ejabberdErlOptions(), log);
            } catch (IOException e) {
                ejabberdError = e.getMessage(); // the ejabberd targets fail with it; the others still run
            }
        }
        BoshcmServer boshcm = new BoshcmServer(options.boshcmJar().toAbsolutePath(), options.boshcmJvmOptions(),
                options.workDir().resolve("boshcm"));
        NodeXmppBosh nxb = new NodeXmppBosh(options.nxbDir(), options.workDir().resolve("nxb"));
        String domain = options.auth() == Credentials.Mechanism.ANONYMOUS ? Accounts.ANON_DOMAIN : Accounts.DOMAIN;
        List<TargetResult> results = new ArrayList<>();
        for (int rep = 1; rep <= options.repeat(); rep++) {
            for (int t = 0; t < kinds.size(); t++) {
                TargetKind kind = kinds.get((t + rep - 1) % kinds.size());
                log.printf("%n== %s (repetition %d of %d)%n", kind.label(), rep, options.repeat());
                if (kind.server() == TargetKind.Server.EJABBERD && ejabberd == null) {
                    log.println("   FAILED: " + ejabberdError);
                    results.add(new TargetResult(kind.label(), rep, List.of(), null, null, List.of(), ejabberdError));
                    continue;
                }
                Target target = kind.server() == TargetKind.Server.PROSODY
                        ? new ProsodyTarget(kind, prosody, boshcm, nxb, domain)
                        : new EjabberdTarget(kind, ejabberd, boshcm, domain);
                results.add(runTarget(target, rep));
            }
        }
        return results;
    }

    private TargetResult runTarget(Target target, int rep) throws InterruptedException {
        LoginResult login = null;
        LoginResult coldLogin = null;
        MemoryResult memory = null;
        List<RateResult> rates = new ArrayList<>();
        MaxRateResult maxRate = null;
        List<String> names = new ArrayList<>();
        try (target; LoadClient client = new LoadClient(options.threads())) {
            target.start();
            List<MeasuredProcess> processes = target.processes();
            processes.forEach(p -> names.add(p.name()));
            Endpoint endpoint = target.endpoint();
            log.printf("   %s; processes %s; generator on %d %s loops%n", endpoint, processes, options.threads(),
                    client.transport());
            CpuClock cpu = new CpuClock(processes);
            Duration loginTimeout = Duration.ofSeconds(60 + options.sessions() / 50);
            if (options.loginWarmup() > 0) {
                // JIT-compiled servers (boshcm) log in several times slower while cold: warm every target alike.
                // In rounds of at most --sessions at once, each logged out before the next.
                int left = options.loginWarmup();
                while (left > 0) {
                    int round = Math.min(left, Math.max(2, options.sessions()));
                    left -= round;
                    List<ClientSession> warm = sessions(client, endpoint, round);
                    LoginResult w = new LoginPhase(client, warm, options.loginConcurrency(), cpu).run(loginTimeout);
                    if (coldLogin == null) {
                        coldLogin = w;
                    }
                    logout(client, warm);
                    client.onEachLoop(ctx -> {
                        ctx.stats.resetLogin();
                        return null;
                    });
                    log.printf("   warm-up login: %d/%d in %.2f s (%.0f/s), then logged out%n", w.ok(), w.sessions(),
                            w.seconds(), w.rate());
                }
                Thread.sleep(options.settle().toMillis());
            }
            Map<String, Long> rssBefore = rss(processes);

            List<ClientSession> sessions = sessions(client, endpoint, options.sessions());
            login = new LoginPhase(client, sessions, options.loginConcurrency(), cpu).run(loginTimeout);
            LoginResult l = login;
            log.printf("   login: %d/%d in %.2f s (%.0f/s), latency p50 %s p99 %s ms | CPU µs/login %s%n", l.ok(), l.sessions(),
                    l.seconds(), l.rate(), Report.ms(l.latency().p50()), Report.ms(l.latency().p99()),
                    perProcess(l.cpuNanos().keySet(), l::cpuMicrosPerLogin));
            login.sampleFailures().forEach(f -> log.println("     " + f));

            Thread.sleep(options.settle().toMillis());
            memory = new MemoryResult(login.ok(), rssBefore, rss(processes));
            for (String name : memory.rssIdle().keySet()) {
                log.printf("   idle RSS %s: %.1f MiB, %.1f KiB/session%n", name, memory.rssIdle().get(name) / 1048576.0,
                        memory.bytesPerSession(name) / 1024);
            }

            List<ClientSession> senders = pair(sessions);
            if (senders.isEmpty()) {
                throw new IllegalStateException("no pair of sessions logged in");
            }
            MessagePhase phase = new MessagePhase(client, senders, cpu);
            if (!options.warmup().isZero()) {
                double highest = options.rates().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
                RateResult w = phase.run(highest, options.warmup(), options.drain());
                log.printf("   warm-up at %s msg/s for %s: %d sent, %d received%n", LoadOptions.number(w.offered()),
                        LoadOptions.text(options.warmup()), w.sent(), w.received());
            }
            for (double rate : options.rates()) {
                RateResult r = phase.run(rate, options.duration(), options.drain());
                rates.add(r);
                writeHistogram(target.name(), rep, LoadOptions.number(rate), phase.lastLatency);
                log.printf("   %6s msg/s: sent %d, received %d, lost %d, late %d, connects %d | latency ms p50 %s p90 %s"
                                + " p99 %s max %s | generator lag p99 %s ms | CPU µs/msg %s%n",
                        LoadOptions.number(rate), r.sent(), r.received(), r.lost(), r.late(), r.connects(),
                        Report.ms(r.latency().p50()),
                        Report.ms(r.latency().p90()), Report.ms(r.latency().p99()), Report.ms(r.latency().max()),
                        Report.ms(r.sendLag().p99()),
                        perProcess(r.cpuNanos().keySet(), r::cpuMicrosPerMessage));
            }
            if (options.maxRate().on()) {
                Thread.sleep(options.maxRate().pause().toMillis());
                MaxRateSearch search = new MaxRateSearch(client, phase, options.maxRate(), options.drain(), log);
                maxRate = search.run();
                MaxRateResult m = maxRate;
                log.printf("   highest sustained rate: %s%s%n", Double.isNaN(m.highest()) ? "none"
                                : (m.reachedLimit() ? "≥ " : "") + LoadOptions.number(m.highest()) + " msg/s",
                        m.limitedBy().isEmpty() ? "" : " (next step failed on " + MaxRateSearch.text(m.limitedBy()) + ")");
                if (search.bestLatency != null) {
                    writeHistogram(target.name(), rep, "maxrate-" + LoadOptions.number(m.highest()), search.bestLatency);
                }
            }
            logout(client, sessions);
            return new TargetResult(target.name(), rep, names, login, memory, rates, maxRate, null, coldLogin);
        } catch (IOException | RuntimeException e) {
            log.println("   FAILED: " + e);
            log.println(target.diagnostics());
            return new TargetResult(target.name(), rep, names, login, memory, rates, maxRate, String.valueOf(e.getMessage()),
                    coldLogin);
        }
    }

    /**
     * Writes the full latency distribution of one phase in HdrHistogram's percentile format (values
     * in ms) into the .hgrm directory ({@code load-hgrm} next to the report by default):
     * {@code <target>-r<rep>-<rate>.hgrm}, and {@code <target>-r<rep>-maxrate-<rate>.hgrm} for the
     * max-rate search's best step. HdrHistogram's plotter reads these.
     */
    private void writeHistogram(String target, int rep, String phase, Histogram latency) throws IOException {
        Path dir = options.hgrmDir().toAbsolutePath();
        Files.createDirectories(dir);
        String name = target.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "").toLowerCase(java.util.Locale.ROOT)
                + "-r" + rep + "-" + phase + ".hgrm";
        try (PrintStream out = new PrintStream(Files.newOutputStream(dir.resolve(name)), false, StandardCharsets.UTF_8)) {
            latency.outputPercentileDistribution(out, 1000.0);
        }
    }

    /** The extra Prosody configuration lines: the GC mode, then {@code --prosody-extra}. */
    private List<String> prosodyLines() {
        List<String> lines = new ArrayList<>();
        lines.add("gc = { mode = \"" + options.prosodyGc() + "\" }");
        lines.addAll(options.prosodyExtra());
        return lines;
    }

    /** Sessions 0..n-1 (users u1..un, or anonymous), not started. */
    private List<ClientSession> sessions(LoadClient client, Endpoint endpoint, int n) {
        List<ClientSession> sessions = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Credentials credentials = options.auth() == Credentials.Mechanism.ANONYMOUS
                    ? Credentials.anonymous(endpoint.domain())
                    : Credentials.plain(endpoint.domain(), Accounts.username(i + 1), Accounts.password(i + 1));
            sessions.add(client.newSession(i, credentials, endpoint));
        }
        return sessions;
    }

    private static String perProcess(java.util.Collection<String> names, java.util.function.ToDoubleFunction<String> value) {
        StringBuilder sb = new StringBuilder();
        names.forEach(name -> sb.append(name).append(' ').append(String.format("%.0f", value.applyAsDouble(name))).append(' '));
        return sb.toString().trim();
    }

    /**
     * Pairs session 2i with 2i+1 when both logged in (each sends to the other) and returns the
     * senders. The peers' JIDs are read here, after the login phase's latch made them visible.
     */
    static List<ClientSession> pair(List<ClientSession> sessions) {
        List<ClientSession> senders = new ArrayList<>();
        for (int i = 0; i + 1 < sessions.size(); i += 2) {
            ClientSession a = sessions.get(i);
            ClientSession b = sessions.get(i + 1);
            if (a.state() == ClientSession.State.READY && b.state() == ClientSession.State.READY) {
                String aJid = a.fullJid();
                String bJid = b.fullJid();
                a.loop().loop().submit(() -> a.pairWith(bJid)).syncUninterruptibly();
                b.loop().loop().submit(() -> b.pairWith(aJid)).syncUninterruptibly();
                senders.add(a);
                senders.add(b);
            }
        }
        return senders;
    }

    /** Ends every session politely and waits (at most 10 s) for their connections to close. */
    private void logout(LoadClient client, List<ClientSession> sessions) throws InterruptedException {
        for (ClientSession s : sessions) {
            s.loop().loop().execute(s::close);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            // Each loop counts its own sessions: their state is read on the thread that owns it.
            long open = client.onEachLoop(ctx -> sessions.stream().filter(s -> s.loop() == ctx && !s.isClosed()).count())
                    .stream().mapToLong(Long::longValue).sum();
            if (open == 0) {
                return;
            }
            Thread.sleep(100);
        }
        log.println("   some sessions were still open 10 s after logout");
    }

    private static Map<String, Long> rss(List<MeasuredProcess> processes) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (MeasuredProcess p : processes) {
            out.put(p.name(), ProcProbe.rssBytes(p.pid()));
        }
        out.put("generator", ProcProbe.rssBytes(ProcProbe.self()));
        return out;
    }
}
