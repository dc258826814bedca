package boshcm.bench.load.run;

import boshcm.bench.load.client.ClientSession;
import boshcm.bench.load.client.LoadClient;
import boshcm.bench.load.client.SessionEvents;
import boshcm.bench.load.measure.LoopStats;
import boshcm.bench.load.measure.Percentiles;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Logs every session in, with at most {@code concurrency} logins in flight: each finished login
 * (either way) starts the next one, on that session's own loop. The login rate is successful logins
 * over the time from the first connect to the last outcome; each login's latency goes to its loop's
 * histogram.
 */
final class LoginPhase implements SessionEvents {

    private final LoadClient client;
    private final List<ClientSession> sessions;
    private final int concurrency;
    private final AtomicInteger next = new AtomicInteger();
    private final CountDownLatch finished;
    private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
    private volatile long lastOutcomeNanos;

    private final CpuClock cpu;

    LoginPhase(LoadClient client, List<ClientSession> sessions, int concurrency, CpuClock cpu) {
        this.cpu = cpu;
        this.client = client;
        this.sessions = sessions;
        this.concurrency = concurrency;
        this.finished = new CountDownLatch(sessions.size());
    }

    LoginResult run(Duration timeout) throws InterruptedException, IOException {
        Map<String, Long> cpuBefore = cpu.read();
        long start = System.nanoTime();
        for (int i = 0; i < Math.min(concurrency, sessions.size()); i++) {
            startNext();
        }
        boolean all = finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        long end = all ? lastOutcomeNanos : System.nanoTime();
        Map<String, Long> cpuUsed = cpu.since(cpuBefore);
        LoopStats stats = client.stats();
        int ok = (int) stats.loggedIn;
        int failed = sessions.size() - ok;
        List<String> sample;
        synchronized (failures) {
            sample = new ArrayList<>(failures.subList(0, Math.min(5, failures.size())));
        }
        if (!all) {
            sample.add((sessions.size() - (sessions.size() - finished.getCount())) + " logins still unfinished after " + timeout);
        }
        return new LoginResult(sessions.size(), concurrency, ok, failed, (end - start) / 1e9,
                Percentiles.of(stats.loginLatency), sample, cpuUsed);
    }

    private void startNext() {
        int i = next.getAndIncrement();
        if (i < sessions.size()) {
            ClientSession s = sessions.get(i);
            s.loop().loop().execute(() -> s.start(this));
        }
    }

    private void outcome() {
        lastOutcomeNanos = System.nanoTime();
        finished.countDown();
        startNext();
    }

    @Override
    public void loggedIn(ClientSession session) {
        outcome();
    }

    @Override
    public void loginFailed(ClientSession session, String reason) {
        failures.add("session " + session.index() + ": " + reason);
        outcome();
    }

    @Override
    public void lost(ClientSession session, String reason) {
        failures.add("session " + session.index() + " lost after login: " + reason);
    }
}
