package boshcm.server.metrics;

import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.session.ExchangeId;
import boshcm.protocol.xmpp.StreamEvent;
import io.micrometer.core.instrument.Timer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The per-session half of {@link SessionMetrics}: remembers when each open request reached the session
 * and when each server element arrived, so that a response can observe how long its request was held
 * ({@code bosh_request_hold_duration_seconds}) and how long each element it carries waited for it
 * ({@code bosh_delivery_latency_seconds}). Confined to the session's event loop, like its driver; no
 * locks, and no allocation per request or per element once the small arrays have grown.
 *
 * <p>Requests: a session has few open at once (at most {@code requests}, plus retransmissions and a
 * few ahead of a gap), so they sit in two parallel arrays searched linearly.
 *
 * <p>Elements: a ring of (element, arrival time) in arrival order. An element is recognised in a
 * response by identity: the session hands on the very {@link XmlPayload} it got from the
 * {@link StreamEvent.Element}. Responses carry elements in arrival order, so an entry older than one
 * delivered will never be delivered (the session consumed it, as with XEP-0198 acks it owns, or
 * bounced or dropped it) and is discarded then. The ring holds at most {@value #MAX_STAMPS} entries;
 * beyond that the oldest are dropped unobserved. With several streams (XEP-0124 §16) one stream's
 * delivery may discard another stream's older entries: those go unobserved, which only thins the sample.
 */
public final class SessionTimings {

    /** A bound well above what the session buffers ({@code session.max-buffered-bytes}) for a live browser. */
    static final int MAX_STAMPS = 1024;

    private final Timer hold;
    private final Timer delivery;

    private ExchangeId[] exchanges = new ExchangeId[4];
    private long[] exchangeSince = new long[4];
    private int exchangeCount;

    private Object[] stamped = new Object[8];
    private long[] stampedAt = new long[8];
    private int head;
    private int size;

    SessionTimings(Timer hold, Timer delivery) {
        this.hold = hold;
        this.delivery = delivery;
    }

    /** A request reached the session on {@code exchange} at {@code now} (nanoTime). */
    public void requestArrived(ExchangeId exchange, long now) {
        if (exchangeCount == exchanges.length) {
            exchanges = Arrays.copyOf(exchanges, exchangeCount * 2);
            exchangeSince = Arrays.copyOf(exchangeSince, exchangeCount * 2);
        }
        exchanges[exchangeCount] = exchange;
        exchangeSince[exchangeCount] = now;
        exchangeCount++;
    }

    /** The request on {@code exchange} went away unanswered: it is not observed. */
    public void requestGone(ExchangeId exchange) {
        int i = indexOf(exchange);
        if (i >= 0) {
            removeExchange(i);
        }
    }

    /** Events of one upstream read arrived at {@code now}: their elements are stamped. */
    public void upstreamArrived(List<StreamEvent> events, long now) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof StreamEvent.Element e) {
                stamp(e.payload(), now);
            }
        }
    }

    /**
     * A response carrying {@code payloads} was handed to the exchange at {@code now}: the request's hold
     * time is observed if the request was tracked, and each carried element's delivery latency if it
     * was stamped.
     */
    public void responded(ExchangeId exchange, List<XmlPayload> payloads, long now) {
        int i = indexOf(exchange);
        if (i >= 0) {
            hold.record(Math.max(0, now - exchangeSince[i]), TimeUnit.NANOSECONDS);
            removeExchange(i);
        }
        for (int p = 0; p < payloads.size() && size > 0; p++) {
            delivered(payloads.get(p), now);
        }
    }

    /** Requests tracked now; for tests. */
    int openRequests() {
        return exchangeCount;
    }

    /** Elements stamped and not delivered yet; for tests. */
    int stampedElements() {
        return size;
    }

    private int indexOf(ExchangeId exchange) {
        for (int i = 0; i < exchangeCount; i++) {
            if (exchanges[i].equals(exchange)) {
                return i;
            }
        }
        return -1;
    }

    private void removeExchange(int i) {
        exchangeCount--;
        exchanges[i] = exchanges[exchangeCount];
        exchangeSince[i] = exchangeSince[exchangeCount];
        exchanges[exchangeCount] = null;
    }

    private void stamp(XmlPayload payload, long now) {
        if (size == stamped.length) {
            if (size < MAX_STAMPS) {
                grow();
            } else {
                drop(1);                                            // the oldest goes unobserved
            }
        }
        int slot = (head + size) & (stamped.length - 1);
        stamped[slot] = payload;
        stampedAt[slot] = now;
        size++;
    }

    /** Finds {@code payload} by identity from the oldest entry on; observes it and drops it and everything older. */
    private void delivered(XmlPayload payload, long now) {
        int mask = stamped.length - 1;
        for (int k = 0; k < size; k++) {
            int slot = (head + k) & mask;
            if (stamped[slot] == payload) {
                delivery.record(Math.max(0, now - stampedAt[slot]), TimeUnit.NANOSECONDS);
                drop(k + 1);
                return;
            }
        }
    }

    private void drop(int n) {
        int mask = stamped.length - 1;
        for (int k = 0; k < n; k++) {
            stamped[(head + k) & mask] = null;
        }
        head = (head + n) & mask;
        size -= n;
    }

    /** Doubles the ring (its length stays a power of two), oldest entry first. */
    private void grow() {
        int n = stamped.length;
        Object[] s = new Object[n * 2];
        long[] a = new long[n * 2];
        for (int k = 0; k < size; k++) {
            s[k] = stamped[(head + k) & (n - 1)];
            a[k] = stampedAt[(head + k) & (n - 1)];
        }
        stamped = s;
        stampedAt = a;
        head = 0;
    }
}
