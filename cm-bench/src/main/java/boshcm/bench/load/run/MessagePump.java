package boshcm.bench.load.run;

import boshcm.bench.load.client.ClientSession;
import boshcm.bench.load.client.LoopContext;
import boshcm.bench.load.measure.LoopStats;
import boshcm.bench.load.measure.RateSchedule;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Sends one loop's share of the offered load: wakes at the due time of the next message, hands
 * every message due by now to the next sender in turn (round robin over the loop's senders, so each
 * sends at rate / senders), and sleeps until the next is due. Runs only on its loop. A message
 * carries the {@link System#nanoTime()} at which it was handed to its session, so client-side
 * queuing (a BOSH session waiting for a free request) counts in its latency; how late the pump
 * itself was against the schedule is recorded apart ({@link LoopStats#sendLag}).
 */
final class MessagePump implements Runnable {

    private final LoopContext ctx;
    private final ClientSession[] senders;
    private final RateSchedule schedule;
    private final CountDownLatch done;
    private long handled;
    private int turn;
    /** Due while their sender was down. */
    long skipped;

    MessagePump(LoopContext ctx, List<ClientSession> senders, RateSchedule schedule, CountDownLatch done) {
        this.ctx = ctx;
        this.senders = senders.toArray(new ClientSession[0]);
        this.schedule = schedule;
        this.done = done;
    }

    void start() {
        ctx.loop().schedule(this, Math.max(0, schedule.dueAt(0) - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void run() {
        LoopStats stats = ctx.stats;
        long due = schedule.dueBy(System.nanoTime());
        while (handled < due) {
            long dueAt = schedule.dueAt(handled++);
            ClientSession s = senders[turn];
            turn = turn + 1 == senders.length ? 0 : turn + 1;
            if (s.state() != ClientSession.State.READY) {
                skipped++;
                continue;
            }
            long now = System.nanoTime();
            stats.recordLatencyNanos(stats.sendLag, now - dueAt);
            stats.sent++;
            s.sendChat(s.takeSeq(), now);
        }
        if (handled >= schedule.count()) {
            done.countDown();
            return;
        }
        ctx.loop().schedule(this, Math.max(0, schedule.dueAt(handled) - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}
