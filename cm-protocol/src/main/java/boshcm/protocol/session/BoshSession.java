package boshcm.protocol.session;

import boshcm.protocol.body.ClientBody;
import boshcm.protocol.xmpp.StreamEvent;

/**
 * One BOSH session (XEP-0124) carrying one XMPP c2s stream (XEP-0206): the state machine behind a
 * {@code sid}. Sans-I/O: every call takes the current {@code System.nanoTime()} and returns the
 * {@link Step} of effects for the driver to carry out. Not thread-safe: each session is confined to
 * one event loop (design.md §2).
 */
public final class BoshSession {

    private final String sid;
    private final SessionPolicy policy;

    public BoshSession(String sid, SessionPolicy policy) {
        this.sid = sid;
        this.policy = policy;
    }

    public String sid() {
        return sid;
    }

    /** The session creation request (no {@code sid}). Called once, first. */
    public Step onCreate(ClientBody body, ExchangeId exchange, long nowNanos) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** A later request naming this session's sid. */
    public Step onRequest(ClientBody body, ExchangeId exchange, long nowNanos) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** Something happened on the upstream stream. */
    public Step onUpstream(StreamEvent event, long nowNanos) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** A deadline asked for with {@link Effect.WakeAt} came due (or the driver woke early). */
    public Step onTimer(long nowNanos) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** The HTTP exchange went away unanswered (client closed it, or the backstop timeout fired). */
    public Step onExchangeGone(ExchangeId exchange, long nowNanos) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** The connection manager is shutting down: answer everything with system-shutdown. */
    public Step onShutdown(long nowNanos) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
