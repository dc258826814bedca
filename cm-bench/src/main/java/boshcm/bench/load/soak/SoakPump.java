package boshcm.bench.load.soak;

import boshcm.bench.load.client.ClientSession;
import boshcm.bench.load.client.LoopContext;
import boshcm.bench.load.measure.LoopStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of the soak's steady message rate, open loop (message k of this loop is
 * due at {@code start + k / rate}), handed round robin to the loop's senders that may send. The
 * set of senders changes all the time: a sender joins when its pair is logged in, and stops as
 * soon as {@link SoakRun.Member#sending} is false (it is then dropped from the list). Runs only on
 * its loop. When the loop falls more than a second behind, the rest is skipped rather than sent in
 * one burst.
 */
final class SoakPump implements Runnable {

    private final LoopContext ctx;
    private final double perSecond;
    private final List<SoakRun.Member> senders = new ArrayList<>();
    private long startNanos;
    private long handled;
    private int turn;
    private boolean stopped;
    /** Due while no sender could send (all of this loop's pairs busy logging in or out). */
    long skipped;

    SoakPump(LoopContext ctx, double perSecond) {
        this.ctx = ctx;
        this.perSecond = perSecond;
    }

    /** Adds a sender; call on the loop. */
    void add(SoakRun.Member m) {
        senders.add(m);
    }

    /** Starts sending; call on the loop. */
    void start() {
        startNanos = System.nanoTime();
        ctx.loop().execute(this);
    }

    /** Stops for good; call on the loop. */
    void stop() {
        stopped = true;
    }

    private long dueAt(long k) {
        return startNanos + (long) Math.ceil(k * 1e9 / perSecond);
    }

    @Override
    public void run() {
        if (stopped) {
            return;
        }
        long now = System.nanoTime();
        long due = (long) Math.floor((now - startNanos) * perSecond / 1e9) + 1;
        long behind = due - handled;
        if (behind > perSecond + 1) {
            long skip = behind - (long) perSecond;
            skipped += skip;
            handled += skip;
        }
        LoopStats stats = ctx.stats;
        while (handled < due) {
            long dueAt = dueAt(handled++);
            SoakRun.Member m = next();
            if (m == null) {
                skipped++;
                continue;
            }
            stats.recordLatencyNanos(stats.sendLag, now - dueAt);
            stats.sent++;
            ClientSession s = m.session;
            s.sendChat(s.takeSeq(), now);
        }
        ctx.loop().schedule(this, Math.max(0, dueAt(handled) - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** The next sender in turn that may send now, dropping those that stopped for good; null if none. */
    private SoakRun.Member next() {
        for (int tries = senders.size(); tries > 0; tries--) {
            if (turn >= senders.size()) {
                turn = 0;
            }
            SoakRun.Member m = senders.get(turn);
            if (!m.sending) {
                // Stopped: its pair is logging out or was cut. A member never starts again.
                int last = senders.size() - 1;
                senders.set(turn, senders.get(last));
                senders.remove(last);
                continue;
            }
            turn++;
            if (m.session.state() == ClientSession.State.READY) {
                return m;
            }
        }
        return null;
    }
}
