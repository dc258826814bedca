package boshcm.protocol.session;

import boshcm.protocol.body.ClientBody;
import java.time.Duration;

/**
 * The pace of a session's client: when it last sent a new request and was last answered, how long it
 * may then stay silent (XEP-0124 §10 {@code inactivity}, or the {@code pause} it asked for), and whether
 * it polls faster than allowed (§12 #poll, §11 #overactive). Times are {@code System.nanoTime()} values.
 * Not thread-safe; owned by its {@link BoshSession}.
 */
final class ClientActivity {

    private final SessionPolicy policy;
    private final SessionParams params;

    private long lastResponseAt;
    private long lastArrivalAt;
    private boolean lastNewRequestEmpty;
    /** The last two new requests arrived less than {@code polling} apart (XEP-0124 §11). */
    private boolean lastGapShort;
    private Duration inactivity;

    ClientActivity(SessionPolicy policy, SessionParams params, long now) {
        this.policy = policy;
        this.params = params;
        this.inactivity = params.inactivity();
        this.lastResponseAt = now;
        this.lastArrivalAt = now;
    }

    /** A response went out, or an exchange was given up as answered. */
    void responded(long now) {
        lastResponseAt = now;
    }

    /** §10: a request ends any pause (B-10-5); the negotiated inactivity applies again. */
    void resume() {
        inactivity = params.inactivity();
    }

    /** §10 #pause (B-10-4): the client may stay silent for {@code pause} instead. */
    void pause(Duration pause) {
        inactivity = pause;
    }

    /**
     * §12 #poll (B-12-3): in a polling session, an empty request after an empty one, sooner than
     * {@code polling}. The caller also checks that the previous response was empty.
     */
    boolean pollsTooSoon(ClientBody body, long now) {
        return params.pollingSession() && body.isEmpty() && lastNewRequestEmpty
                && now - lastArrivalAt < params.pollingInterval().toNanos();
    }

    /** A new request (not a pause or terminate) was processed. */
    void arrived(ClientBody body, long now) {
        lastGapShort = now - lastArrivalAt < params.pollingInterval().toNanos();
        lastArrivalAt = now;
        lastNewRequestEmpty = body.isEmpty();
    }

    /**
     * XEP-0124 §11 #overactive. Too many simultaneous requests (B-11-1) cannot happen here: held
     * requests beyond {@code hold} are answered at once and the rid window (B-14.2-2) bounds the rest,
     * so a request past {@code requests} is refused as item-not-found before this rule could apply.
     * Counting reordered requests against the client would kill exactly the sessions a lossy network
     * reorders. What remains is the rate rule (B-11-3), off unless configured strict because clients
     * send a spare empty request after their own timeouts.
     */
    boolean overactive(int held, boolean waitingAhead) {
        if (!policy.strictOveractivity() || params.pollingSession()) {
            return false;
        }
        return !waitingAhead && held >= params.requests() && lastNewRequestEmpty && lastGapShort;
    }

    /**
     * §10 (B-10-1): when the client counts as gone if no request is held. While requests wait ahead of
     * a gap the client is clearly there; it gets a {@code wait} longer.
     */
    long inactiveAt(boolean waitingAhead) {
        return lastActivity() + limit(waitingAhead).toNanos();
    }

    boolean inactive(long now, boolean waitingAhead) {
        return now - lastActivity() >= limit(waitingAhead).toNanos();
    }

    /** An end caused upstream waits this long after the last response for a request to carry it. */
    long pendingEndExpiresAt() {
        return lastResponseAt + params.inactivity().toNanos();
    }

    boolean pendingEndExpired(long now) {
        return now - lastResponseAt >= params.inactivity().toNanos();
    }

    private long lastActivity() {
        return Math.max(lastResponseAt, lastArrivalAt);
    }

    private Duration limit(boolean waitingAhead) {
        return waitingAhead ? inactivity.plus(params.waitPeriod()) : inactivity;
    }
}
