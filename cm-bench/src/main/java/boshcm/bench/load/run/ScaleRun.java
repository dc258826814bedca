package boshcm.bench.load.run;

import boshcm.bench.load.client.ClientSession;
import boshcm.bench.load.client.Credentials;
import boshcm.bench.load.client.Endpoint;
import boshcm.bench.load.client.LoadClient;
import boshcm.bench.load.measure.BoshcmProbe;
import boshcm.bench.load.measure.ProcProbe;
import boshcm.bench.load.target.Accounts;
import boshcm.bench.load.target.BenchProsody;
import boshcm.bench.load.target.BoshcmServer;
import boshcm.bench.load.target.MeasuredProcess;
import boshcm.bench.load.target.NodeXmppBosh;
import boshcm.bench.load.target.ProsodyTarget;
import boshcm.bench.load.target.TargetKind;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The scale run of boshcm alone (docs/benchmarks.md, "Scale run"): one boshcm in front of one
 * Prosody, sessions logged in in steps (say 1000, 2500, 5000, …) and kept idle, each holding one
 * long-poll as strophe.js does. After each step: a full GC in boshcm ({@code jcmd GC.run}), then
 * its resident set, its live heap and its direct buffers, and the latency of messages between a
 * fixed set of pairs while all the other sessions sit idle. Memory per session is reported as the
 * slope between steps, so that what the JVM and the server need anyway is not divided by the
 * sessions.
 */
public final class ScaleRun {

    /** One step: what was measured with {@code sessions} logged in. */
    public record Step(int sessions, int loggedIn, double loginSeconds, long rssBytes, long heapBytes, long directBytes,
                       long prosodyRssBytes, RateResult probe) {
    }

    private final ScaleOptions options;
    private final PrintStream log;
    private int adminPort;

    public ScaleRun(ScaleOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    public List<Step> run() throws IOException, InterruptedException {
        Files.createDirectories(options.workDir());
        int top = options.steps().get(options.steps().size() - 1);
        BenchProsody prosody = BenchProsody.prepare(options.workDir().resolve("prosody"), top, "warn",
                List.of("gc = { mode = \"generational\" }"));
        BoshcmServer boshcm = new BoshcmServer(options.boshcmJar().toAbsolutePath(), options.boshcmJvmOptions(),
                options.workDir().resolve("boshcm"));
        NodeXmppBosh unused = new NodeXmppBosh(options.workDir().resolve("no-nxb"), options.workDir().resolve("nxb"));
        List<Step> steps = new ArrayList<>();
        try (ProsodyTarget target = new ProsodyTarget(TargetKind.BOSHCM, prosody, boshcm, unused, Accounts.DOMAIN);
             LoadClient client = new LoadClient(options.threads())) {
            target.start();
            adminPort = boshcm.adminPort();
            List<MeasuredProcess> processes = target.processes();
            MeasuredProcess cm = processes.get(0);
            MeasuredProcess server = processes.get(1);
            Endpoint endpoint = target.endpoint();
            CpuClock cpu = new CpuClock(processes);
            log.printf("   %s; boshcm pid %d, JVM options %s%n", endpoint, cm.pid(),
                    options.boshcmJvmOptions().isEmpty() ? "(defaults)" : String.join(" ", options.boshcmJvmOptions()));

            // Warm up: log in and out once, so that the first step is not measured against a cold JIT.
            if (options.loginWarmup() > 0) {
                List<ClientSession> warm = new ArrayList<>();
                for (int i = 0; i < options.loginWarmup(); i++) {
                    warm.add(client.newSession(top + i, credentials(endpoint, i), endpoint));
                }
                new LoginPhase(client, warm, options.loginConcurrency(), cpu).run(Duration.ofSeconds(120));
                logout(warm);
                Thread.sleep(2000);
            }
            Step base = measure(0, 0, 0, cm, server, null);
            steps.add(base);
            log.printf("   0 sessions: RSS %.1f MiB, heap %.1f MiB, direct %.1f MiB%n", mib(base.rssBytes()),
                    mib(base.heapBytes()), mib(base.directBytes()));

            List<ClientSession> all = new ArrayList<>();
            List<ClientSession> probers = null;
            for (int target2 : options.steps()) {
                List<ClientSession> batch = new ArrayList<>();
                for (int i = all.size(); i < target2; i++) {
                    batch.add(client.newSession(i, credentials(endpoint, i), endpoint));
                }
                LoginResult login = new LoginPhase(client, batch, options.loginConcurrency(), cpu)
                        .run(Duration.ofSeconds(120 + batch.size() / 20));
                all.addAll(batch);
                int ok = (int) all.stream().filter(s -> s.state() == ClientSession.State.READY).count();
                if (probers == null) {
                    probers = LoadRun.pair(all.subList(0, Math.min(all.size(), options.probePairs() * 2)));
                }
                Thread.sleep(options.settle().toMillis());
                RateResult probe = new MessagePhase(client, probers, cpu).run(options.probeRate(), options.probeDuration(),
                        Duration.ofSeconds(5));
                Step step = measure(target2, ok, login.seconds(), cm, server, probe);
                steps.add(step);
                Step prev = steps.get(steps.size() - 2);
                log.printf("   %d sessions (%d logged in, %.1f s): RSS %.1f MiB, heap %.1f MiB, direct %.1f MiB, prosody %.1f MiB"
                                + " | per added session: RSS %s KiB, heap %s KiB, direct %s KiB"
                                + " | probe %s msg/s: lost %d, p50 %s p99 %s max %s ms%n",
                        target2, ok, login.seconds(), mib(step.rssBytes()), mib(step.heapBytes()), mib(step.directBytes()),
                        mib(step.prosodyRssBytes()),
                        perSession(step.rssBytes() - prev.rssBytes(), step.loggedIn() - prev.loggedIn()),
                        perSession(step.heapBytes() - prev.heapBytes(), step.loggedIn() - prev.loggedIn()),
                        perSession(step.directBytes() - prev.directBytes(), step.loggedIn() - prev.loggedIn()),
                        LoadOptions.number(options.probeRate()), probe.lost(), Report.ms(probe.latency().p50()),
                        Report.ms(probe.latency().p99()), Report.ms(probe.latency().max()));
                if (ok < target2) {
                    log.printf("   only %d of %d sessions are logged in; stopping here%n", ok, target2);
                    break;
                }
            }
            logout(all);
        }
        return steps;
    }

    private Credentials credentials(Endpoint endpoint, int i) {
        return Credentials.plain(endpoint.domain(), Accounts.username(i + 1), Accounts.password(i + 1));
    }

    /** After a full GC in boshcm: its RSS, live heap and direct buffers (from its admin /metrics), and Prosody's RSS. */
    private Step measure(int sessions, int ok, double loginSeconds, MeasuredProcess cm, MeasuredProcess server,
                         RateResult probe) throws IOException, InterruptedException {
        BoshcmProbe.fullGc(cm.pid());
        Thread.sleep(1500);
        String metrics = BoshcmProbe.scrape(adminPort);
        long heap = (long) BoshcmProbe.value(metrics, "jvm_memory_used_bytes", "area=\"heap\"");
        long direct = (long) BoshcmProbe.value(metrics, "jvm_buffer_memory_used_bytes", "id=\"direct\"");
        return new Step(sessions, ok, loginSeconds, ProcProbe.rssBytes(cm.pid()), heap, direct,
                ProcProbe.rssBytes(server.pid()), probe);
    }

    private static void logout(List<ClientSession> sessions) throws InterruptedException {
        for (ClientSession s : sessions) {
            s.loop().loop().execute(s::close);
        }
        Thread.sleep(3000);
    }

    static double mib(long bytes) {
        return bytes / 1048576.0;
    }

    static String perSession(long bytes, int sessions) {
        return sessions <= 0 ? "–" : String.format("%.1f", bytes / 1024.0 / sessions);
    }
}
