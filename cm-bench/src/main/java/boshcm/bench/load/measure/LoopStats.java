package boshcm.bench.load.measure;

import org.HdrHistogram.Histogram;

/**
 * The counters and histograms of one client event loop: written only by that loop's thread, read
 * by the runner only through a task run on the loop ({@link #copy()}), then merged
 * ({@link #add(LoopStats)}). Latencies are in microseconds, 1 µs to 1 h, 3 significant digits.
 */
public final class LoopStats {

    private static final long HIGHEST_MICROS = 3_600_000_000L;

    public final Histogram messageLatency = new Histogram(HIGHEST_MICROS, 3);
    public final Histogram loginLatency = new Histogram(HIGHEST_MICROS, 3);
    /** How late the sender got to messages after they were due (the generator's own lag). */
    public final Histogram sendLag = new Histogram(HIGHEST_MICROS, 3);
    public long sent;
    public long received;
    public long afterGap;
    public long late;
    public long messageErrors;
    public long loggedIn;
    public long loginFailures;
    public long sessionsLost;
    /** TCP connections the client opened (BOSH keeps them alive, so few after login). */
    public long connects;
    /**
     * Messages received during this phase that were sent before it began (stamped before
     * {@link #messagesSince}): the tail of an earlier phase, typically one that overloaded the
     * target. They are counted here and nowhere else, so that they neither hide a loss nor add to
     * the latency of the phase they arrive in.
     */
    public long stale;
    /** {@link System#nanoTime()} at the last {@link #resetMessages()}: where this phase's messages begin. */
    public long messagesSince = System.nanoTime();

    public void recordLatencyNanos(Histogram histogram, long nanos) {
        histogram.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1000)));
    }

    /** Clears the login numbers (after an unmeasured warm-up login). */
    public void resetLogin() {
        loginLatency.reset();
        loggedIn = 0;
        loginFailures = 0;
        sessionsLost = 0;
        connects = 0;
    }

    /** Clears the message-phase numbers (not the login ones). */
    public void resetMessages() {
        messageLatency.reset();
        sendLag.reset();
        sent = 0;
        received = 0;
        afterGap = 0;
        late = 0;
        messageErrors = 0;
        connects = 0;
        stale = 0;
        messagesSince = System.nanoTime();
    }

    public LoopStats copy() {
        LoopStats c = new LoopStats();
        c.add(this);
        return c;
    }

    public void add(LoopStats o) {
        messageLatency.add(o.messageLatency);
        loginLatency.add(o.loginLatency);
        sendLag.add(o.sendLag);
        sent += o.sent;
        received += o.received;
        afterGap += o.afterGap;
        late += o.late;
        messageErrors += o.messageErrors;
        loggedIn += o.loggedIn;
        loginFailures += o.loginFailures;
        sessionsLost += o.sessionsLost;
        connects += o.connects;
        stale += o.stale;
        messagesSince = Math.max(messagesSince, o.messagesSince);
    }
}
