package boshcm.bench.load.run;

import boshcm.bench.load.client.ClientSession;
import boshcm.bench.load.client.LoadClient;
import boshcm.bench.load.client.LoopContext;
import boshcm.bench.load.measure.LoopStats;
import boshcm.bench.load.measure.Percentiles;
import boshcm.bench.load.measure.RateSchedule;
import java.io.IOException;
import org.HdrHistogram.Histogram;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One fixed offered rate for a fixed time, over all paired sessions: every session sends to its
 * peer, the aggregate rate is split over the loops in proportion to their senders
 * ({@link MessagePump}), then the phase waits (at most {@code drain}) for the last messages. CPU of
 * each measured process and of the generator is read from /proc before and after.
 */
final class MessagePhase {

    private final LoadClient client;
    private final List<ClientSession> senders;
    private final CpuClock cpu;
    /** The merged latency histogram (µs) of the last {@link #run}, for the .hgrm files. */
    Histogram lastLatency;

    MessagePhase(LoadClient client, List<ClientSession> senders, CpuClock cpu) {
        this.client = client;
        this.senders = senders;
        this.cpu = cpu;
    }

    RateResult run(double rate, Duration duration, Duration drain) throws IOException, InterruptedException {
        client.onEachLoop(ctx -> {
            ctx.stats.resetMessages();
            return null;
        });
        Map<LoopContext, List<ClientSession>> byLoop = new LinkedHashMap<>();
        for (ClientSession s : senders) {
            byLoop.computeIfAbsent(s.loop(), k -> new ArrayList<>()).add(s);
        }
        Map<String, Long> cpuBefore = cpu.read();
        long cpuFrom = System.nanoTime();
        long start = cpuFrom + TimeUnit.MILLISECONDS.toNanos(20);
        CountDownLatch done = new CountDownLatch(byLoop.size());
        List<MessagePump> pumps = new ArrayList<>();
        for (Map.Entry<LoopContext, List<ClientSession>> e : byLoop.entrySet()) {
            double share = rate * e.getValue().size() / senders.size();
            MessagePump pump = new MessagePump(e.getKey(), e.getValue(),
                    RateSchedule.forDuration(start, share, duration.toNanos()), done);
            pumps.add(pump);
            e.getKey().loop().execute(pump::start);
        }
        if (!done.await(duration.toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("message pumps did not finish");
        }
        double seconds = duration.toNanos() / 1e9;
        long drainUntil = System.nanoTime() + drain.toNanos();
        LoopStats stats = client.stats();
        while (stats.received + stats.messageErrors < stats.sent && System.nanoTime() < drainUntil) {
            Thread.sleep(10);
            stats = client.stats();
        }
        Map<String, Long> cpuUsed = cpu.since(cpuBefore);
        double elapsed = (System.nanoTime() - cpuFrom) / 1e9;
        lastLatency = stats.messageLatency;
        long skipped = pumps.stream().mapToLong(p -> p.skipped).sum(); // written before done.countDown()
        return new RateResult(rate, seconds, stats.sent, stats.received,
                Math.max(0, stats.sent - stats.received - stats.messageErrors), stats.late, stats.afterGap,
                stats.messageErrors, skipped, stats.connects, stats.stale, Percentiles.of(stats.messageLatency),
                Percentiles.of(stats.sendLag), cpuUsed, elapsed);
    }

    /**
     * After a phase that overloaded the target: waits until the messages still missing from the last
     * {@link #run} have arrived, or until nothing has arrived for {@code quiet} (they are lost, or
     * stuck), but at most {@code limit}. Returns the messages still missing.
     */
    long awaitBacklog(Duration quiet, Duration limit) throws InterruptedException {
        long now = System.nanoTime();
        long deadline = now + limit.toNanos();
        LoopStats stats = client.stats();
        long arrived = stats.received + stats.messageErrors;
        long lastChange = now;
        while (arrived < stats.sent && now < deadline && now - lastChange < quiet.toNanos()) {
            Thread.sleep(50);
            stats = client.stats();
            now = System.nanoTime();
            long a = stats.received + stats.messageErrors;
            if (a != arrived) {
                arrived = a;
                lastChange = now;
            }
        }
        return Math.max(0, stats.sent - arrived);
    }
}
