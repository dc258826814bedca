package boshcm.bench.load.client;

import boshcm.bench.load.measure.LoopStats;
import boshcm.bench.load.measure.Sequence;
import boshcm.bench.load.xml.ChatFormat;
import boshcm.bench.load.xml.Features;
import boshcm.bench.load.xml.StanzaListener;

/**
 * One simulated XMPP user, logged in over one transport ({@link BoshClientSession},
 * {@link TcpClientSession}). It logs in ({@link LoginFlow}), then sends numbered chat messages to
 * one peer when the phase tells it to, and records the latency of the ones it receives in its
 * loop's {@link LoopStats}. Every method runs on the session's event loop; none blocks.
 */
public abstract class ClientSession implements StanzaListener, LoginFlow.Actions {

    /** Where a session stands. */
    public enum State {
        NEW, LOGGING_IN, READY, FAILED, CLOSING, CLOSED
    }

    protected final LoopContext ctx;
    protected final int index;
    protected final Credentials credentials;
    protected final LoginFlow login;
    protected final Sequence inbound = new Sequence();
    protected SessionEvents events = SessionEvents.NONE;
    protected State state = State.NEW;
    protected String fullJid;
    protected String failure;
    private long loginStartNanos;
    protected byte[] peerPrefix;
    protected long nextSeq;
    /** Benchmark messages this session received, stale ones included (the soak's accounting). */
    private long chatsReceived;
    /** {@code type='error'} messages it received: bounces of what it sent (the soak's accounting). */
    private long bounces;

    protected ClientSession(LoopContext ctx, int index, Credentials credentials) {
        this.ctx = ctx;
        this.index = index;
        this.credentials = credentials;
        this.login = new LoginFlow(credentials);
    }

    public int index() {
        return index;
    }

    public LoopContext loop() {
        return ctx;
    }

    public State state() {
        return state;
    }

    /** The full JID bound at login (RFC 6120 §7), null before. */
    public String fullJid() {
        return fullJid;
    }

    public String failure() {
        return failure;
    }

    /** Starts the login; {@code events} hears how it went. Call on the loop. */
    public final void start(SessionEvents events) {
        this.events = events;
        state = State.LOGGING_IN;
        loginStartNanos = System.nanoTime();
        connect();
    }

    /** Opens the transport and begins the XMPP stream. */
    protected abstract void connect();

    /**
     * Sends benchmark message {@code seq} to the peer, stamped with {@code stampNanos} (the
     * {@link System#nanoTime()} its latency is measured from).
     */
    public abstract void sendChat(long seq, long stampNanos);

    /** Ends the session politely (BOSH terminate, {@code </stream:stream>}); call on the loop. */
    public abstract void close();

    /** Whether every connection of the session is closed. */
    public abstract boolean isClosed();

    /**
     * Makes {@code peerJid} the receiver of this session's messages, and starts expecting numbers
     * from 0 from whoever sends here. Call on the loop, before the first {@link #sendChat}.
     */
    public void pairWith(String peerJid) {
        peerPrefix = ChatFormat.prefix(peerJid);
        nextSeq = 0;
        inbound.expect(0);
    }

    /** The next sequence number this session will send. */
    public long takeSeq() {
        return nextSeq++;
    }

    public long sentCount() {
        return nextSeq;
    }

    /** Benchmark messages received over the session's life, whichever phase sent them. Read on the loop. */
    public long chatsReceived() {
        return chatsReceived;
    }

    /** Message errors received over the session's life: bounces of its own messages. Read on the loop. */
    public long bounces() {
        return bounces;
    }

    // --- LoginFlow.Actions ------------------------------------------------------------------------

    @Override
    public void loggedIn(String jid) {
        fullJid = jid;
        state = State.READY;
        LoopStats stats = ctx.stats;
        stats.recordLatencyNanos(stats.loginLatency, System.nanoTime() - loginStartNanos);
        stats.loggedIn++;
        events.loggedIn(this);
    }

    @Override
    public void loginFailed(String reason) {
        fail(reason);
    }

    /** Marks the session broken, tells the phase once, and closes the transport. */
    protected void fail(String reason) {
        if (state == State.FAILED || state == State.CLOSED || state == State.CLOSING) {
            return;
        }
        State was = state;
        state = State.FAILED;
        failure = reason;
        if (was == State.READY) {
            ctx.stats.sessionsLost++;
            events.lost(this, reason);
        } else {
            ctx.stats.loginFailures++;
            events.loginFailed(this, reason);
        }
        abort();
    }

    /** Drops the transport at once. */
    protected abstract void abort();

    // --- StanzaListener ---------------------------------------------------------------------------

    @Override
    public void onFeatures(Features features) {
        login.onFeatures(features, this);
    }

    @Override
    public void onSaslSuccess() {
        login.onSaslSuccess(this);
    }

    @Override
    public void onSaslFailure(String condition) {
        login.onSaslFailure(condition, this);
    }

    @Override
    public void onIqResult(String id, String boundJid) {
        login.onIqResult(id, boundJid, this);
    }

    @Override
    public void onIqError(String id, String condition) {
        login.onIqError(id, condition, this);
    }

    @Override
    public void onChat(long seq, long sentNanos) {
        chatsReceived++;
        LoopStats stats = ctx.stats;
        if (sentNanos - stats.messagesSince < 0) {
            // Sent in an earlier phase: neither this phase's delivery nor its latency.
            stats.stale++;
            inbound.arrived(seq);
            return;
        }
        stats.recordLatencyNanos(stats.messageLatency, System.nanoTime() - sentNanos);
        stats.received++;
        switch (inbound.arrived(seq)) {
            case AFTER_GAP -> stats.afterGap++;
            case LATE -> stats.late++;
            default -> { }
        }
    }

    @Override
    public void onMessageError() {
        bounces++;
        ctx.stats.messageErrors++;
    }

    @Override
    public void onStreamError(String condition) {
        fail("stream error " + condition);
    }
}
