package boshcm.bench.load.soak;

import boshcm.bench.load.client.BoshEndpoint;
import boshcm.bench.load.client.ClientSession;
import boshcm.bench.load.client.Credentials;
import boshcm.bench.load.client.LoadClient;
import boshcm.bench.load.client.LoopContext;
import boshcm.bench.load.client.SessionEvents;
import boshcm.bench.load.measure.BoshcmProbe;
import boshcm.bench.load.measure.LoopStats;
import boshcm.bench.load.measure.ProcProbe;
import boshcm.bench.load.target.Accounts;
import boshcm.bench.load.target.BenchProsody;
import boshcm.bench.load.target.BoshcmServer;
import boshcm.bench.load.target.ServerProcess;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * The soak test (docs/benchmarks.md, "Soak test"). One Prosody, one boshcm whose upstream
 * connections go through a {@link FaultProxyMain} in its own JVM, and the load generator's BOSH
 * sessions in pairs ({@link Slot}s: accounts u(2i+1) and u(2i+2)). After a baseline sample and the
 * login of every pair, the mix runs for {@code --duration}:
 * <ul>
 *   <li><b>messages</b>: every logged-in session sends numbered chats to its peer, {@code --rate}
 *       over all of them ({@link SoakPump});</li>
 *   <li><b>churn</b>: {@code --churn} sessions a second, a pair at a time, log out and in again. Both
 *       stop sending, their messages drain, one logs out; after {@code --bounce-delay} the other sends
 *       it one more message, which must bounce; it logs out too, and the pair logs in again with new
 *       sessions;</li>
 *   <li><b>cuts</b>: every {@code --cut-every} the proxy resets the upstream connection of one random
 *       logged-in session. boshcm ends that BOSH session with {@code remote-connection-failed}; its
 *       peer stops, waits {@code --cut-settle} for stragglers and bounces, logs out, and the pair logs
 *       in again;</li>
 *   <li><b>malformed requests</b>: {@code --malformed-rate} a second ({@link Malformed}).</li>
 * </ul>
 * Every {@code --sample-every} a {@link Sample} is taken. At the end both sides of every pair stop,
 * their messages drain, everyone logs out, and once boshcm counts no session a last sample is
 * taken. Each pair's epoch is put down in the {@link Ledger} when it ends.
 *
 * <p>Threads: the generator's event loops run the sessions and pumps; a pool of workers runs the
 * slot workflows (login, churn, cut, recovery), which block and wait; a timer starts the churns
 * and cuts; one thread sends the malformed requests; the caller's thread samples. A slot's state
 * is guarded by the slot itself; a session's counters are read on its own loop.
 */
final class SoakRun {

    private static final long LOGIN_TIMEOUT_SECONDS = 60;
    private static final long CUT_WATCHDOG_SECONDS = 30;
    private static final int MAX_REASONS = 12;

    private final SoakOptions o;
    private final PrintStream log;
    private final Ledger ledger = new Ledger();
    private final Malformed.Tally malformed = new Malformed.Tally();
    private final Semaphore loginPermits;
    private final List<String> reasons = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger nextIndex = new AtomicInteger();
    private final AtomicLong logins = new AtomicLong();
    private final AtomicLong loginFailures = new AtomicLong();
    private final AtomicLong churnedPairs = new AtomicLong();
    private final AtomicLong cutsRequested = new AtomicLong();
    private final AtomicLong cutsDone = new AtomicLong();
    private final AtomicLong cutEndsExpected = new AtomicLong();
    private final AtomicLong cutEndsOther = new AtomicLong();
    private final AtomicLong cutsWithoutEffect = new AtomicLong();
    private final AtomicLong reloginsAfterCut = new AtomicLong();
    private final AtomicLong unexpectedEnds = new AtomicLong();
    private final AtomicLong workflowFailures = new AtomicLong();
    private final Map<LoopContext, SoakPump> pumps = new HashMap<>();
    private volatile boolean mixing;
    private volatile boolean stopping;
    private ExecutorService workers;
    private LoadClient client;
    private BoshEndpoint endpoint;
    private Slot[] slots;
    private CountDownLatch firstLogins;

    private long boshcmPid;
    private long prosodyPid;
    private long proxyPid;
    private int adminPort;
    private long mixStartNanos;
    private long lastSampleNanos;
    private long lastReceived;
    private Histogram lastLatency;

    SoakRun(SoakOptions options, PrintStream log) {
        this.o = options;
        this.log = log;
        this.loginPermits = new Semaphore(Math.max(2, options.loginConcurrency()));
    }

    // ---- the run ---------------------------------------------------------------------------------

    SoakResult run(String machine) throws IOException, InterruptedException {
        Files.createDirectories(o.workDir());
        List<Sample> samples = new ArrayList<>();
        BenchProsody prosody = BenchProsody.prepare(o.workDir().resolve("prosody"), o.sessions(), "warn",
                List.of("gc = { mode = \"generational\" }"));
        BoshcmServer boshcm = new BoshcmServer(o.boshcmJar().toAbsolutePath(), o.boshcmJvmOptions(), o.workDir().resolve("boshcm"));
        Files.createDirectories(o.workDir().resolve("boshcm"));
        workers = Executors.newFixedThreadPool(o.loginConcurrency() / 2 + 16, daemon("soak-worker"));
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(daemon("soak-timer"));
        Map<String, Double> cpuSeconds = new LinkedHashMap<>();
        Map<String, Double> counters = new LinkedHashMap<>();
        double minutes;
        long[] cpuBefore;
        try (ServerProcess prosodyProcess = prosody.start();
             FaultProxyProcess proxy = FaultProxyProcess.start(prosody.c2sPort(), o.workDir().resolve("fault-proxy.log"));
             ServerProcess boshcmProcess = boshcm.start(proxy.port());
             LoadClient loadClient = new LoadClient(o.threads())) {
            client = loadClient;
            proxyHandle = proxy;
            boshcmPid = boshcmProcess.pid();
            prosodyPid = prosodyProcess.pid();
            proxyPid = proxy.pid();
            adminPort = boshcm.adminPort();
            endpoint = new BoshEndpoint(new InetSocketAddress("127.0.0.1", boshcm.httpPort()), "/http-bind", Accounts.DOMAIN);
            log.printf("   Prosody pid %d (c2s %d), fault proxy pid %d (port %d), boshcm pid %d (%s, admin %d), %s%n",
                    prosodyPid, prosody.c2sPort(), proxyPid, proxy.port(), boshcmPid, endpoint, adminPort,
                    o.boshcmJvmOptions().isEmpty() ? "JVM defaults" : String.join(" ", o.boshcmJvmOptions()));
            for (LoopContext ctx : client.loops()) {
                pumps.put(ctx, new SoakPump(ctx, o.rate() / client.loops().size()));
            }
            cpuBefore = cpu();
            Thread.sleep(2000);
            mixStartNanos = System.nanoTime();
            samples.add(sample(Sample.Phase.BASELINE, 0));
            print(samples.get(0));

            // Everyone logs in.
            slots = new Slot[o.pairs()];
            firstLogins = new CountDownLatch(o.pairs());
            long loginStart = System.nanoTime();
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new Slot(i);
                Slot slot = slots[i];
                workers.execute(guarded(() -> loginSlot(slot)));
            }
            long loginLimit = 120 + o.sessions() / 10;
            if (!firstLogins.await(loginLimit, TimeUnit.SECONDS)) {
                throw new IOException((firstLogins.getCount() * 2) + " sessions still not logged in after " + loginLimit
                        + " s; reasons: " + reasons + "\n" + boshcm.logTail(20));
            }
            log.printf("   %d sessions logged in in %.1f s (%d login failures retried)%n", o.sessions(),
                    (System.nanoTime() - loginStart) / 1e9, loginFailures.get());

            // The mix.
            mixing = true;
            mixStartNanos = System.nanoTime();
            lastSampleNanos = mixStartNanos;
            for (SoakPump pump : pumps.values()) {
                onLoop(pumpLoop(pump), () -> {
                    pump.start();
                    return null;
                });
            }
            if (o.churnPerSecond() > 0) {
                long period = Math.round(2e9 / o.churnPerSecond());
                timer.scheduleAtFixedRate(() -> submit(this::churnOne), period, period, TimeUnit.NANOSECONDS);
            }
            if (!o.cutEvery().isZero()) {
                long period = o.cutEvery().toNanos();
                timer.scheduleAtFixedRate(() -> submit(this::cutOne), period, period, TimeUnit.NANOSECONDS);
            }
            Thread malformedSender = null;
            if (o.malformedPerSecond() > 0) {
                malformedSender = new Thread(this::sendMalformed, "soak-malformed");
                malformedSender.setDaemon(true);
                malformedSender.start();
            }
            long end = mixStartNanos + o.duration().toNanos();
            long next = mixStartNanos + o.sampleEvery().toNanos();
            while (true) {
                long now = System.nanoTime();
                if (now >= end) {
                    break;
                }
                Thread.sleep(Math.max(1, Math.min(next, end) - now) / 1_000_000 + 1);
                if (System.nanoTime() >= next && System.nanoTime() < end) {
                    Sample s = sample(Sample.Phase.MIX, minutesSinceStart());
                    samples.add(s);
                    print(s);
                    next += o.sampleEvery().toNanos();
                }
            }
            minutes = minutesSinceStart();
            Sample last = sample(Sample.Phase.MIX, minutes);
            samples.add(last);
            print(last);

            // The end: no new churn, cut or malformed request; the workflows under way finish.
            mixing = false;
            timer.shutdownNow();
            if (malformedSender != null) {
                malformedSender.join(30_000);
            }
            log.println("   mix over; waiting for the churns and cuts under way");
            stopping = true;
            workers.shutdown();
            long wait = o.drain().toSeconds() * 2 + o.cutSettle().toSeconds() + o.bounceDelay().toSeconds()
                    + LOGIN_TIMEOUT_SECONDS + CUT_WATCHDOG_SECONDS + 30;
            if (!workers.awaitTermination(wait, TimeUnit.SECONDS)) {
                log.println("   WARNING: slot workflows still running after " + wait + " s");
            }
            for (SoakPump pump : pumps.values()) {
                onLoop(pumpLoop(pump), () -> {
                    pump.stop();
                    return null;
                });
            }
            logOutEveryone();
            awaitNoSessions();
            Sample after = sample(Sample.Phase.END, minutesSinceStart());
            samples.add(after);
            print(after);
            long[] cpuAfter = cpu();
            String[] names = {"boshcm", "prosody", "fault proxy", "generator"};
            for (int i = 0; i < names.length; i++) {
                if (cpuBefore[i] >= 0 && cpuAfter[i] >= 0) {
                    cpuSeconds.put(names[i], (cpuAfter[i] - cpuBefore[i]) / 1e9);
                }
            }
            try {
                String metrics = BoshcmProbe.scrape(adminPort);
                for (String name : List.of("bosh_sessions_started_total", "bosh_sessions_ended_total", "bosh_http_rejected_total",
                        "bosh_http_too_large_total", "bosh_upstream_failures_total")) {
                    BoshcmProbe.samples(metrics, name).forEach((labels, v) -> {
                        if (v != 0) {
                            counters.put(name + labels, v);
                        }
                    });
                }
            } catch (IOException e) {
                log.println("   could not read boshcm's counters: " + e);
            }
            try {
                log.println("   fault proxy: " + proxy.stats());
            } catch (IOException e) {
                log.println("   fault proxy: " + e);
            }
        } finally {
            workers.shutdownNow();
            timer.shutdownNow();
        }

        LoopStats stats = client == null ? new LoopStats() : totals();
        double[] latency = {
            stats.messageLatency.getTotalCount() == 0 ? Double.NaN : stats.messageLatency.getValueAtPercentile(50) / 1000.0,
            stats.messageLatency.getTotalCount() == 0 ? Double.NaN : stats.messageLatency.getValueAtPercentile(99) / 1000.0,
            stats.messageLatency.getTotalCount() == 0 ? Double.NaN : stats.messageLatency.getMaxValue() / 1000.0,
        };
        SoakResult.Sessions sessions = new SoakResult.Sessions(logins.get(), loginFailures.get(), churnedPairs.get(),
                cutsRequested.get(), cutsDone.get(), cutEndsExpected.get(), cutEndsOther.get(), cutsWithoutEffect.get(),
                reloginsAfterCut.get(), unexpectedEnds.get(), workflowFailures.get(), List.copyOf(reasons));
        return new SoakResult(machine, minutes, samples, ledger.totals(), stats.sent, latency, stats.late, stats.afterGap, sessions,
                malformed, counters, cpuSeconds, List.of());
    }

    private LoopStats totals;

    /** The loops' stats, read once the client is closed (the last copy taken before). */
    private LoopStats totals() {
        return totals == null ? new LoopStats() : totals;
    }

    // ---- slots -----------------------------------------------------------------------------------

    /** Where a pair stands. */
    enum SlotState { LOGGING_IN, ACTIVE, CHURNING, ENDING, FINAL, DEAD }

    /** A pair of accounts and its current two sessions. Guarded by itself. */
    final class Slot {
        final int index;
        SlotState state = SlotState.LOGGING_IN;
        Member a;
        Member b;
        /** The JID whose upstream connection is being cut, or null. */
        String cutJid;
        /** A session of the pair ended while it was logging in, churning or logging out at the end. */
        boolean interrupted;
        /** How the epoch ends when {@link #interrupted}: a cut or an unexpected loss. */
        Ledger.End endCause = Ledger.End.LOST;
        boolean everActive;

        Slot(int index) {
            this.index = index;
        }
    }

    /** One session of a slot, and what it tells. */
    final class Member implements SessionEvents {
        final Slot slot;
        final ClientSession session;
        final CompletableFuture<Boolean> login = new CompletableFuture<>();
        /** Whether the pump may hand it messages; true once, then false for good. */
        volatile boolean sending;
        volatile String jid;

        Member(Slot slot, ClientSession session) {
            this.slot = slot;
            this.session = session;
        }

        @Override
        public void loggedIn(ClientSession s) {
            jid = s.fullJid();
            logins.incrementAndGet();
            login.complete(true);
        }

        @Override
        public void loginFailed(ClientSession s, String reason) {
            loginFailures.incrementAndGet();
            reason("login failed: " + reason);
            login.complete(false);
        }

        /** On the session's loop: classify at once (a short lock), recover on a worker. */
        @Override
        public void lost(ClientSession s, String reason) {
            Ledger.End cause = classifyLoss(this, reason);
            if (cause == null) {
                return;
            }
            try {
                workers.execute(guarded(() -> endAbruptly(slot, cause)));
            } catch (RejectedExecutionException e) {
                synchronized (slot) { // the run is ending: the final logout closes this epoch
                    slot.state = SlotState.ACTIVE;
                    slot.interrupted = true;
                    slot.endCause = cause;
                }
            }
        }
    }

    private Member newMember(Slot slot, int account) {
        Credentials c = Credentials.plain(endpoint.domain(), Accounts.username(account), Accounts.password(account));
        return new Member(slot, client.newSession(nextIndex.getAndIncrement(), c, endpoint));
    }

    /** Logs the slot's pair in, with new sessions, until it works (or the run stops). On a worker. */
    private void loginSlot(Slot slot) {
        while (true) {
            Member a = newMember(slot, 2 * slot.index + 1);
            Member b = newMember(slot, 2 * slot.index + 2);
            synchronized (slot) {
                slot.a = a;
                slot.b = b;
                slot.state = SlotState.LOGGING_IN;
                slot.cutJid = null;
                slot.interrupted = false;
                slot.endCause = Ledger.End.LOST;
            }
            boolean ok = false;
            try {
                loginPermits.acquire(2);
                try {
                    a.session.loop().loop().execute(() -> a.session.start(a));
                    b.session.loop().loop().execute(() -> b.session.start(b));
                    ok = await(a.login) && await(b.login) && ready(a) && ready(b);
                } finally {
                    loginPermits.release(2);
                }
                if (ok) {
                    String aJid = a.jid;
                    String bJid = b.jid;
                    onLoop(a, () -> {
                        a.session.pairWith(bJid);
                        return null;
                    });
                    onLoop(b, () -> {
                        b.session.pairWith(aJid);
                        return null;
                    });
                    synchronized (slot) {
                        ok = !slot.interrupted;
                        if (ok) {
                            slot.state = SlotState.ACTIVE;
                            a.sending = true;
                            b.sending = true;
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (ok) {
                a.session.loop().loop().execute(() -> pumps.get(a.session.loop()).add(a));
                b.session.loop().loop().execute(() -> pumps.get(b.session.loop()).add(b));
                boolean first;
                synchronized (slot) {
                    first = !slot.everActive;
                    slot.everActive = true;
                }
                if (first) {
                    firstLogins.countDown();
                }
                return;
            }
            // Nothing was sent: close whatever got through and try again.
            closeAndWait(a);
            closeAndWait(b);
            if (stopping) {
                synchronized (slot) {
                    slot.state = SlotState.DEAD;
                }
                return;
            }
            sleep(2000);
        }
    }

    /**
     * A session of a slot ended without a logout: counts it as the end of a cut or as unexpected, and
     * returns how its epoch ends when the slot was active (the caller then runs {@link #endAbruptly});
     * null when a workflow under way (login, churn, the final logout) is to see it, or when the run is
     * ending and the final logout will. On the session's loop; never waits.
     */
    private Ledger.End classifyLoss(Member m, String reason) {
        Slot slot = m.slot;
        synchronized (slot) {
            if (slot.a != m && slot.b != m) {
                return null; // an earlier epoch's session
            }
            boolean cut = slot.cutJid != null && slot.cutJid.equals(m.jid);
            if (cut) {
                slot.cutJid = null;
                if (reason.contains("remote-connection-failed")) {
                    cutEndsExpected.incrementAndGet();
                } else {
                    cutEndsOther.incrementAndGet();
                    reason("cut session ended with: " + reason);
                }
            } else {
                unexpectedEnds.incrementAndGet();
                reason("session ended (" + slot.state + "): " + reason);
            }
            Ledger.End cause = cut ? Ledger.End.CUT : Ledger.End.LOST;
            switch (slot.state) {
                case ACTIVE -> {
                    if (stopping) {
                        slot.interrupted = true; // the final logout closes this epoch
                        slot.endCause = cause;
                        return null;
                    }
                    slot.state = SlotState.ENDING;
                    return cause;
                }
                case LOGGING_IN, CHURNING, FINAL -> {
                    slot.interrupted = true; // the workflow under way sees it
                    slot.endCause = cause;
                    return null;
                }
                default -> {
                    return null;
                }
            }
        }
    }

    /** After a cut or a loss: both stop, the survivor waits for stragglers and logs out, the pair logs in again. */
    private void endAbruptly(Slot slot, Ledger.End cause) {
        Member a;
        Member b;
        synchronized (slot) {
            a = slot.a;
            b = slot.b;
        }
        stopSending(a);
        stopSending(b);
        sleep(o.cutSettle().toMillis());
        closeAndWait(a);
        closeAndWait(b);
        ledger.close(cause, flow(a, b), flow(b, a));
        if (cause == Ledger.End.CUT) {
            reloginsAfterCut.incrementAndGet();
        }
        loginSlot(slot);
    }

    /** Churn: a random active pair drains, logs out (with one bounce on the way) and logs in again. On a worker. */
    private void churnOne() {
        Slot slot = pick();
        if (slot == null) {
            return;
        }
        Member a;
        Member b;
        synchronized (slot) {
            if (slot.state != SlotState.ACTIVE || slot.cutJid != null) {
                return;
            }
            slot.state = SlotState.CHURNING;
            a = slot.a;
            b = slot.b;
        }
        stopSending(a);
        stopSending(b);
        awaitDrained(slot, a, b);
        closeAndWait(b);
        sleep(o.bounceDelay().toMillis());
        if (!interrupted(slot)) {
            // To the peer that has just logged out: Prosody bounces it (service-unavailable, mod_offline off).
            onLoop(a, () -> {
                if (a.session.state() == ClientSession.State.READY) {
                    a.session.sendChat(a.session.takeSeq(), System.nanoTime());
                    a.session.loop().stats.sent++;
                }
                return null;
            });
            awaitDrained(slot, a, b);
        }
        closeAndWait(a);
        ledger.close(endCause(slot, Ledger.End.LOGOUT), flow(a, b), flow(b, a));
        churnedPairs.incrementAndGet();
        loginSlot(slot);
    }

    /** Cut: the proxy resets the upstream connection of one session of a random active pair. On a worker. */
    private void cutOne() {
        Slot slot = pick();
        if (slot == null) {
            return;
        }
        String jid;
        synchronized (slot) {
            if (slot.state != SlotState.ACTIVE || slot.cutJid != null) {
                return;
            }
            jid = (ThreadLocalRandom.current().nextBoolean() ? slot.a : slot.b).jid;
            slot.cutJid = jid;
        }
        cutsRequested.incrementAndGet();
        boolean done;
        try {
            done = proxyCut(jid);
        } catch (IOException e) {
            reason("cut: " + e.getMessage());
            done = false;
        }
        if (!done) {
            synchronized (slot) {
                if (jid.equals(slot.cutJid)) {
                    slot.cutJid = null;
                }
            }
            return;
        }
        cutsDone.incrementAndGet();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CUT_WATCHDOG_SECONDS);
        while (System.nanoTime() < deadline) {
            synchronized (slot) {
                if (!jid.equals(slot.cutJid)) {
                    return; // onLost saw it
                }
            }
            sleep(100);
        }
        synchronized (slot) {
            if (jid.equals(slot.cutJid)) {
                slot.cutJid = null;
                cutsWithoutEffect.incrementAndGet();
                reason("cut of " + jid + " had no effect within " + CUT_WATCHDOG_SECONDS + " s");
            }
        }
    }

    private FaultProxyProcess proxyHandle;

    private boolean proxyCut(String jid) throws IOException {
        try {
            return proxyHandle.cut(jid);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A random active slot not being cut, or null after a few tries. */
    private Slot pick() {
        for (int tries = 0; tries < 64; tries++) {
            Slot s = slots[ThreadLocalRandom.current().nextInt(slots.length)];
            synchronized (s) {
                if (s.state == SlotState.ACTIVE && s.cutJid == null) {
                    return s;
                }
            }
        }
        return null;
    }

    /** {@code normal}, unless a session of the slot was cut or lost on the way. */
    private static Ledger.End endCause(Slot slot, Ledger.End normal) {
        synchronized (slot) {
            return slot.interrupted ? slot.endCause : normal;
        }
    }

    private boolean interrupted(Slot slot) {
        synchronized (slot) {
            return slot.interrupted;
        }
    }

    // ---- the end ---------------------------------------------------------------------------------

    /** Every active pair stops, drains (at most --drain), logs out; each epoch is closed as RUN_END. */
    private void logOutEveryone() throws InterruptedException {
        List<Slot> active = new ArrayList<>();
        for (Slot s : slots) {
            synchronized (s) {
                if (s.state == SlotState.ACTIVE) {
                    s.state = SlotState.FINAL;
                    s.a.sending = false;
                    s.b.sending = false;
                    active.add(s);
                }
            }
        }
        for (LoopContext ctx : client.loops()) {
            onLoop(ctx, () -> null); // a barrier: no pump is between its check and its send any more
        }
        log.printf("   %d pairs draining, then logging out%n", active.size());
        long deadline = System.nanoTime() + o.drain().toNanos();
        while (System.nanoTime() < deadline && !allDrained(active)) {
            Thread.sleep(200);
        }
        for (Slot s : active) {
            s.a.session.loop().loop().execute(s.a.session::close);
            s.b.session.loop().loop().execute(s.b.session::close);
        }
        long closeDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < closeDeadline && !allClosed(active)) {
            Thread.sleep(200);
        }
        for (Slot s : active) {
            ledger.close(endCause(s, Ledger.End.RUN_END), flow(s.a, s.b), flow(s.b, s.a));
        }
        totals = client.stats();
    }

    /** Waits (at most 90 s: longer than boshcm's inactivity timeout) until boshcm counts no session. */
    private void awaitNoSessions() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                if (BoshcmProbe.value(BoshcmProbe.scrape(adminPort), "bosh_sessions_active") == 0) {
                    break;
                }
            } catch (IOException e) {
                log.println("   /metrics: " + e);
            }
            Thread.sleep(1000);
        }
        Thread.sleep(2000); // the last connections close
    }

    private boolean allDrained(List<Slot> active) {
        Map<ClientSession, long[]> counts = countsOnLoops(active);
        for (Slot s : active) {
            long[] a = counts.get(s.a.session);
            long[] b = counts.get(s.b.session);
            if (a[0] != b[1] + a[2] || b[0] != a[1] + b[2]) {
                return false;
            }
        }
        return true;
    }

    private boolean allClosed(List<Slot> active) {
        List<Boolean> open = client.onEachLoop(ctx -> {
            for (Slot s : active) {
                for (Member m : List.of(s.a, s.b)) {
                    if (m.session.loop() == ctx && !m.session.isClosed()) {
                        return true;
                    }
                }
            }
            return false;
        });
        return !open.contains(true);
    }

    /** sent, received, bounced of every session of {@code slots}, read on their loops. */
    private Map<ClientSession, long[]> countsOnLoops(List<Slot> active) {
        Map<ClientSession, long[]> out = new HashMap<>();
        for (Map<ClientSession, long[]> part : client.onEachLoop(ctx -> {
            Map<ClientSession, long[]> m = new HashMap<>();
            for (Slot s : active) {
                for (Member member : List.of(s.a, s.b)) {
                    ClientSession c = member.session;
                    if (c.loop() == ctx) {
                        m.put(c, new long[] {c.sentCount(), c.chatsReceived(), c.bounces()});
                    }
                }
            }
            return m;
        })) {
            out.putAll(part);
        }
        return out;
    }

    // ---- sessions --------------------------------------------------------------------------------

    /** No more messages from {@code m}: after this returns, its pump will not hand it another. */
    private void stopSending(Member m) {
        m.sending = false;
        onLoop(m, () -> null);
    }

    /** Waits (at most --drain) until each side has received or had bounced all the other sent. */
    private void awaitDrained(Slot slot, Member a, Member b) {
        long deadline = System.nanoTime() + o.drain().toNanos();
        while (System.nanoTime() < deadline && !interrupted(slot)) {
            Ledger.Flow ab = flow(a, b);
            Ledger.Flow ba = flow(b, a);
            if (ab.residue() == 0 && ba.residue() == 0) {
                return;
            }
            sleep(100);
        }
    }

    /** Logs {@code m} out (BOSH terminate) if it is logged in, drops it otherwise; waits (at most 10 s) until closed. */
    private void closeAndWait(Member m) {
        onLoop(m, () -> {
            m.session.close();
            return null;
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Boolean closed = onLoop(m, m.session::isClosed);
            if (closed == null || closed) {
                return;
            }
            sleep(100);
        }
        onLoop(m, () -> {
            m.session.close(); // not READY any more: this drops the connections
            return null;
        });
    }

    /** The flow from {@code from} to {@code to}: sent by one, received by the other, bounced back to the first. */
    private Ledger.Flow flow(Member from, Member to) {
        long[] f = onLoop(from, () -> new long[] {from.session.sentCount(), from.session.bounces()});
        Long received = onLoop(to, to.session::chatsReceived);
        return new Ledger.Flow(f == null ? 0 : f[0], received == null ? 0 : received, f == null ? 0 : f[1]);
    }

    private boolean ready(Member m) {
        Boolean r = onLoop(m, () -> m.session.state() == ClientSession.State.READY);
        return r != null && r;
    }

    private boolean await(CompletableFuture<Boolean> login) throws InterruptedException {
        try {
            return login.get(LOGIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            loginFailures.incrementAndGet();
            reason("login did not finish within " + LOGIN_TIMEOUT_SECONDS + " s");
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }

    private <T> T onLoop(Member m, Callable<T> task) {
        return onLoop(m.session.loop(), task);
    }

    private static <T> T onLoop(LoopContext ctx, Callable<T> task) {
        try {
            return ctx.loop().submit(task).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("loop task failed", e);
        }
    }

    private LoopContext pumpLoop(SoakPump pump) {
        for (Map.Entry<LoopContext, SoakPump> e : pumps.entrySet()) {
            if (e.getValue() == pump) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("no loop for pump");
    }

    // ---- malformed requests ----------------------------------------------------------------------

    private void sendMalformed() {
        Random random = new Random();
        Malformed.Kind[] kinds = Malformed.Kind.values();
        long period = Math.round(1e9 / o.malformedPerSecond());
        long next = System.nanoTime();
        int i = 0;
        while (mixing) {
            Malformed.Kind kind = kinds[i++ % kinds.length];
            malformed.record(kind, Malformed.send(kind, endpoint.address(), endpoint.path(), endpoint.domain(), random));
            next += period;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleep(wait / 1_000_000);
            } else {
                next = System.nanoTime();
            }
        }
    }

    // ---- samples ---------------------------------------------------------------------------------

    /** A full GC in boshcm, then every reading of a {@link Sample}. */
    private Sample sample(Sample.Phase phase, double minutes) throws InterruptedException {
        long heap = -1;
        long direct = -1;
        long active = -1;
        try {
            BoshcmProbe.fullGc(boshcmPid);
            Thread.sleep(200);
            String metrics = BoshcmProbe.scrape(adminPort);
            heap = (long) BoshcmProbe.value(metrics, "jvm_memory_used_bytes", "area=\"heap\"");
            direct = (long) BoshcmProbe.value(metrics, "jvm_buffer_memory_used_bytes", "id=\"direct\"");
            active = (long) BoshcmProbe.value(metrics, "bosh_sessions_active");
        } catch (IOException e) {
            log.println("   sample: " + e.getMessage());
        }
        long now = System.nanoTime();
        double perSecond = 0;
        double p99 = Double.NaN;
        if (phase == Sample.Phase.MIX) {
            LoopStats stats = client.stats();
            double seconds = (now - lastSampleNanos) / 1e9;
            perSecond = seconds > 0 ? (stats.received - lastReceived) / seconds : 0;
            Histogram interval = stats.messageLatency.copy();
            if (lastLatency != null) {
                interval.subtract(lastLatency);
            }
            if (interval.getTotalCount() > 0) {
                p99 = interval.getValueAtPercentile(99) / 1000.0;
            }
            lastLatency = stats.messageLatency.copy();
            lastReceived = stats.received;
            lastSampleNanos = now;
        }
        long ready = 0;
        if (slots != null) {
            for (Slot s : slots) {
                synchronized (s) {
                    if (s.state == SlotState.ACTIVE) {
                        ready += 2;
                    }
                }
            }
        }
        return new Sample(phase, minutes, ready, active, heap, rss(boshcmPid), direct, ProcProbe.threads(boshcmPid),
                ProcProbe.openFiles(boshcmPid), rss(prosodyPid), ProcProbe.openFiles(prosodyPid), ProcProbe.openFiles(proxyPid),
                ProcProbe.openFiles(ProcProbe.self()), perSecond, p99, cutsDone.get(), churnedPairs.get() * 2, malformed.sent());
    }

    private void print(Sample s) {
        log.printf(Locale.ROOT, "   %-12s %6.1f min | sessions %d, boshcm %d | heap %s MiB, RSS %s MiB, direct %s MiB,"
                        + " %d threads, %d fds | Prosody %s MiB, %d fds | proxy %d fds | %.0f msg/s, p99 %s ms"
                        + " | cuts %d, churned %d, malformed %d%n",
                s.phase().name().toLowerCase(Locale.ROOT), s.minutes(), s.sessionsReady(), s.boshSessions(),
                SoakReport.mib(s.heapBytes()), SoakReport.mib(s.rssBytes()), SoakReport.mib(s.directBytes()), s.threads(),
                s.fds(), SoakReport.mib(s.prosodyRssBytes()), s.prosodyFds(), s.proxyFds(), s.deliveredPerSecond(),
                Double.isNaN(s.p99Millis()) ? "–" : String.format(Locale.ROOT, "%.1f", s.p99Millis()), s.cuts(), s.churned(),
                s.malformed());
    }

    private double minutesSinceStart() {
        return (System.nanoTime() - mixStartNanos) / 60e9;
    }

    private static long rss(long pid) {
        try {
            return ProcProbe.rssBytes(pid);
        } catch (IOException e) {
            return -1;
        }
    }

    /** CPU time so far of boshcm, Prosody, the proxy and this JVM, in ns (-1 if unreadable). */
    private long[] cpu() {
        long[] pids = {boshcmPid, prosodyPid, proxyPid, ProcProbe.self()};
        long[] out = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            try {
                out[i] = ProcProbe.cpuNanos(pids[i]);
            } catch (IOException e) {
                out[i] = -1;
            }
        }
        return out;
    }

    // ---- small things ----------------------------------------------------------------------------

    private void submit(Runnable task) {
        try {
            workers.execute(guarded(task));
        } catch (RejectedExecutionException e) {
            // the run is over
        }
    }

    /**
     * A workflow that fails (a loop task timed out, say) is counted and reported: its pair is left as
     * it was, so its sessions and its epoch show up as unaccounted for rather than vanish.
     */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                workflowFailures.incrementAndGet();
                reason("a slot workflow failed: " + e);
                e.printStackTrace(log);
            }
        };
    }

    private void reason(String text) {
        synchronized (reasons) {
            if (reasons.size() < MAX_REASONS && !reasons.contains(text)) {
                reasons.add(text);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
