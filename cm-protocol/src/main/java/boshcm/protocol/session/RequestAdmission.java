package boshcm.protocol.session;

import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.error.Condition;
import boshcm.protocol.rid.ResponseBuffer;
import boshcm.protocol.rid.RidDecision;
import boshcm.protocol.rid.RidWindow;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Which of a session's requests are processed, and in what order (XEP-0124 §14). A rid inside the
 * {@link RidWindow} is processed when every lower rid was; one that arrives ahead of a gap waits until
 * the gap fills (§14.2 #rids-order). A rid already processed is a retransmission (§14.3 #rids-broken):
 * it gets the response already sent from the {@link ResponseBuffer}, or takes the place of its older
 * connection while it is still held, within a repeat limit (B-14.3-4). This class decides; the session
 * acts on the {@link Admission}. Not thread-safe; owned by its {@link BoshSession}.
 */
final class RequestAdmission {

    /** What to do with a request just received. */
    sealed interface Admission {}

    /** It is the next rid: process it now, then whatever {@link #nextInOrder} gives. */
    record InOrder() implements Admission {}

    /**
     * It waits: ahead of a gap (#rids-order), or, a retransmission of a rid still held, in place of its
     * older connection. That older connection, if still open, gets the recoverable error (B-14.3-3).
     *
     * @param retransmission the rid was already held or waiting ahead (B-14.3-3), so this one replaces it
     */
    record Queued(Optional<ExchangeId> displaced, boolean retransmission) implements Admission {}

    /** A retransmission: answer with the response already sent; its payloads are not forwarded again (B-14.3-2). */
    record Resend(ServerBody response) implements Admission {}

    /**
     * A terminal binding condition for the session: item-not-found for a rid beyond the window (B-14.2-2)
     * or one too old to answer (B-14.3-5), policy-violation for too many repeats (B-14.3-4). {@code limit}
     * says which of the three, for the metrics.
     */
    record Refused(Condition condition, Tally.Limit limit) implements Admission {}

    /** A request admitted ahead of a gap in the rids. {@code exchange} is null once the client left. */
    record Ahead(ClientBody body, ExchangeId exchange) {}

    private final RidWindow window;
    private final SessionPolicy policy;
    private final ResponseBuffer responses;
    private final HeldRequests held;
    private final TreeMap<Long, Ahead> ahead = new TreeMap<>();
    /** When answered rids were asked for again, within {@code repeatWindow}. */
    private final ArrayDeque<Long> repeats = new ArrayDeque<>(2);

    RequestAdmission(long creationRid, int requests, SessionPolicy policy, ResponseBuffer responses, HeldRequests held) {
        this.window = new RidWindow(creationRid, requests);
        this.policy = policy;
        this.responses = responses;
        this.held = held;
    }

    /**
     * Admits one request. A request that is {@link InOrder} counts as processed from here on.
     *
     * @param pauseOrTerminate the request pauses or terminates, so one more rid is allowed (B-11-2)
     */
    Admission admit(ClientBody body, ExchangeId exchange, boolean pauseOrTerminate, long now) {
        RidDecision decision = window.classify(body.rid(), pauseOrTerminate);
        if (decision instanceof RidDecision.Replay) {
            return replay(body.rid(), exchange, now);
        } else if (decision instanceof RidDecision.OutOfWindow) {
            return new Refused(Condition.ITEM_NOT_FOUND, Tally.Limit.RID_WINDOW);   // §14.2 #rids-order, B-14.2-2
        } else if (decision instanceof RidDecision.Ahead) {
            Ahead previous = ahead.put(body.rid(), new Ahead(body, exchange));
            // B-14.3-3: the older connection for a repeated, still-unanswered rid gets the recoverable error.
            return new Queued(Optional.ofNullable(previous).map(Ahead::exchange), previous != null);
        }
        window.advance(body.rid());
        return new InOrder();
    }

    /** XEP-0124 §14.3 #rids-broken: a rid already processed. */
    private Admission replay(long rid, ExchangeId exchange, long now) {
        Optional<ResponseBuffer.Sent> cached = responses.get(rid);
        if (cached.isPresent()) {
            repeats.addLast(now);
            while (!repeats.isEmpty() && now - repeats.peekFirst() > policy.repeatWindow().toNanos()) {
                repeats.pollFirst();
            }
            if (repeats.size() > policy.maxRepeats()) {
                return new Refused(Condition.POLICY_VIOLATION, Tally.Limit.REPEATS);         // B-14.3-4
            }
            return new Resend(cached.get().body());                        // B-14.3-2
        }
        HeldRequests.Held h = held.withRid(rid);
        if (h != null) {
            Optional<ExchangeId> older = Optional.ofNullable(h.exchange);  // B-14.3-3
            h.exchange = exchange;                                          // future data goes to the new connection
            return new Queued(older, true);
        }
        return new Refused(Condition.ITEM_NOT_FOUND, Tally.Limit.RESPONSE_CACHE);    // B-14.3-5
    }

    /** The request waiting for the rid that is next now, taken out and counted as processed; null if none. */
    Ahead nextInOrder() {
        Ahead next = ahead.remove(window.last() + 1);
        if (next != null) {
            window.advance(next.body().rid());
        }
        return next;
    }

    /** The client left {@code exchange}: a request waiting ahead of a gap on it stays, with nowhere to answer. */
    void gone(ExchangeId exchange) {
        ahead.replaceAll((rid, a) -> exchange.equals(a.exchange()) ? new Ahead(a.body(), null) : a);
    }

    /** The session ends: the requests waiting ahead of a gap are dropped; their open connections, lowest rid first. */
    List<ExchangeId> dropWaiting() {
        List<ExchangeId> open = new ArrayList<>();
        for (Ahead a : ahead.values()) {
            if (a.exchange() != null) {
                open.add(a.exchange());
            }
        }
        ahead.clear();
        return open;
    }

    /** Requests wait ahead of a gap, so the client is clearly there (XEP-0124 §10). */
    boolean hasWaiting() {
        return !ahead.isEmpty();
    }

    int waiting() {
        return ahead.size();
    }

    /** The highest rid processed with every lower one processed too: the value of {@code ack} (§9.1). */
    long lastInOrder() {
        return window.last();
    }
}
