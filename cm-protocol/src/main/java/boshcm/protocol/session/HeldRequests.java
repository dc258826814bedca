package boshcm.protocol.session;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The requests a session holds open, oldest first, each waiting for something to carry back to the
 * browser (XEP-0124 §8), and the rule for when the oldest must go: at once when it is urgent (a pause,
 * §10 B-10-4, or a missed response to report, §9.2 #report) or more than {@code hold} are held, as soon
 * as the server has data, and empty once its {@code wait} has passed. Not thread-safe; owned by its
 * {@link BoshSession}.
 */
final class HeldRequests {

    /** §9.2 #report: a response the client is missing, and how many milliseconds ago it was sent. */
    record Report(long rid, long millis) {}

    /** A processed request waiting for its response. {@code exchange} is null once the client left. */
    static final class Held {
        final long rid;
        /** When it is answered empty if nothing else came first: its arrival plus {@code wait}. */
        final long deadline;
        /** §10: it asked to pause the session, so it is answered at once and not kept for retransmission. */
        final boolean pause;
        final Optional<Report> report;
        ExchangeId exchange;

        Held(long rid, ExchangeId exchange, long deadline, boolean pause, Optional<Report> report) {
            this.rid = rid;
            this.exchange = exchange;
            this.deadline = deadline;
            this.pause = pause;
            this.report = report;
        }

        boolean urgent() {
            return pause || report.isPresent();
        }
    }

    private final ArrayDeque<Held> held = new ArrayDeque<>(2);

    void add(Held h) {
        held.addLast(h);
    }

    /**
     * The oldest held request if it must be answered now (XEP-0124 §8), taken out; null when every
     * held request may wait longer.
     *
     * @param hold        the negotiated {@code hold}: more than this many are never kept waiting
     * @param dataWaiting the server has something for the browser
     */
    Held nextDue(long now, int hold, boolean dataWaiting) {
        Held oldest = held.peekFirst();
        if (oldest == null) {
            return null;
        }
        if (anyUrgent() || held.size() > hold || dataWaiting || now >= oldest.deadline) {
            return held.pollFirst();
        }
        return null;
    }

    /** A loop rather than a stream: this runs on every event, and the pipeline allocated each time. */
    private boolean anyUrgent() {
        for (Held h : held) {
            if (h.urgent()) {
                return true;
            }
        }
        return false;
    }

    /** The held request for {@code rid}, or null (a retransmission of it: XEP-0124 §14.3). */
    Held withRid(long rid) {
        for (Held h : held) {
            if (h.rid == rid) {
                return h;
            }
        }
        return null;
    }

    /** The client left {@code exchange}: the held request it carried is taken out and returned, or null. */
    Held remove(ExchangeId exchange) {
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (exchange.equals(h.exchange)) {
                it.remove();
                h.exchange = null;
                return h;
            }
        }
        return null;
    }

    /** Every held request, oldest first; none is held any more. */
    List<Held> drain() {
        List<Held> all = new ArrayList<>(held);
        held.clear();
        return all;
    }

    /** When the oldest held request is due to be answered empty. Only while one is held. */
    long nextDeadline() {
        return held.getFirst().deadline;
    }

    boolean isEmpty() {
        return held.isEmpty();
    }

    int size() {
        return held.size();
    }
}
