package boshcm.protocol.sm;

import boshcm.protocol.body.XmlPayload;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;

/**
 * The CM's inbound {@code h} on an upstream stream whose SM it owns (XEP-0198 §4; checklist SM-17):
 * {@code H_in}, the number of server stanzas the <em>browser</em> has acknowledged at the BOSH layer,
 * so that the server keeps responsibility for everything the browser has not seen.
 *
 * <p>A stanza is acknowledged when the BOSH response that carried it has a rid at or below the highest
 * rid the browser acknowledged. The session reports, in order: every stanza it queues for the browser
 * ({@link #received}), how many stanzas each response took from that queue ({@link #carried}), and the
 * acknowledged rid ({@link #acknowledgedUpTo}). Stanzas still queued, or in a response not yet
 * acknowledged, are not counted in {@code H_in}. Counting starts at 0 when {@code <enabled/>} is
 * received (SM-3); stanzas before it are delivered and never counted.
 *
 * <p>After a drop, {@link #resumeSent()} gives the {@code h} for {@code <resume/>} and notes which
 * stanzas the server will retransmit that the CM already holds; after {@code <resumed/>} those are
 * dropped by count ({@link ResumeDeduper}, SM-17, SM-19). Lives as long as the SM session. Not
 * thread-safe.
 */
public final class InboundLedger {

    /** A response that carried {@code counted} counted stanzas. */
    private record Carried(long rid, int counted) {}

    private boolean counting;
    /** N: stanzas counted since {@code <enabled/>}, modulo 2^32. */
    private long received;
    /** H_in. */
    private long handled;
    /** Stanzas queued for the browser and not yet in a response, oldest first; true = counted. */
    private final ArrayDeque<Boolean> queued = new ArrayDeque<>();
    /** Responses with counted stanzas, not yet acknowledged, in the order they were built. */
    private final ArrayDeque<Carried> inFlight = new ArrayDeque<>();
    /** Marks of the counted stanzas H_in + 1 … N, oldest first. */
    private final ArrayDeque<StanzaMark> unhandled = new ArrayDeque<>();
    private long ackedRid = Long.MIN_VALUE;
    /** Taken when {@code <resume/>} is sent; becomes {@link #deduper} on {@code <resumed/>}. */
    private Optional<ResumeDeduper> resumePending = Optional.empty();
    private Optional<ResumeDeduper> deduper = Optional.empty();

    /** {@code <enabled/>} was received: the inbound count starts at 0 (SM-3). */
    public void enabled() {
        enabledAt(0);
    }

    /** As {@link #enabled()}, with the count starting at {@code start}: for wrap tests (SM-4). */
    void enabledAt(long start) {
        if (counting) {
            throw new IllegalStateException("SM already enabled on this session (SM-1)");
        }
        if (!SequenceNumber.isValid(start)) {
            throw new IllegalArgumentException("start " + start);
        }
        counting = true;
        received = start;
        handled = start;
    }

    /**
     * An element from the server that the session would queue for the browser: SM nonzas are the
     * session's own business and need not come here. Deliver it when the answer says so.
     */
    public Inbound received(XmlPayload payload) {
        if (!payload.isStanza()) {
            return new Inbound.NotCounted();            // SM-2: nonzas are not counted, nor carried
        }
        if (!counting) {
            queued.addLast(Boolean.FALSE);              // SM-3: before <enabled/>
            return new Inbound.NotCounted();
        }
        if (deduper.isPresent()) {
            ResumeDeduper d = deduper.get();
            Optional<Inbound> verdict = d.check(payload);
            if (d.remaining() == 0) {
                deduper = Optional.empty();
            }
            if (verdict.isPresent()) {
                if (verdict.get().deliver()) {
                    queued.addLast(Boolean.FALSE);      // SM-19: delivered, its number is the held stanza's
                }
                return verdict.get();
            }
        }
        received = SequenceNumber.next(received);
        queued.addLast(Boolean.TRUE);
        unhandled.addLast(StanzaMark.of(payload));
        return new Inbound.Counted(received);
    }

    /** A stanza the CM itself put in the browser's queue: carried like the others, never counted. */
    public void queuedLocally(XmlPayload stanza) {
        if (stanza.isStanza()) {
            queued.addLast(Boolean.FALSE);
        }
    }

    /**
     * A response to the request {@code rid} was built with the {@code stanzas} oldest queued stanzas
     * (message, presence, iq: {@link XmlPayload#isStanza()}). Responses are expected in rid order; one
     * out of order only delays {@code H_in}.
     */
    public void carried(long rid, int stanzas) {
        if (stanzas < 0 || stanzas > queued.size()) {
            throw new IllegalStateException("response " + rid + " carried " + stanzas + " stanzas, " + queued.size() + " queued");
        }
        int counted = 0;
        for (int i = 0; i < stanzas; i++) {
            if (queued.removeFirst()) {
                counted++;
            }
        }
        if (counted > 0) {
            inFlight.addLast(new Carried(rid, counted));
        }
    }

    /** As {@link #carried(long, int)}, counting the stanzas among a response's payloads. */
    public void carried(long rid, List<XmlPayload> payloads) {
        int stanzas = 0;
        for (XmlPayload p : payloads) {
            if (p.isStanza()) {
                stanzas++;
            }
        }
        carried(rid, stanzas);
    }

    /**
     * The browser has every response up to {@code rid} (XEP-0124 §9: its {@code ack}, or r − 1 for a
     * client that opted in, or r − {@code requests} otherwise; the session decides). Lower values than
     * before change nothing. Returns {@code H_in}.
     */
    public long acknowledgedUpTo(long rid) {
        ackedRid = Math.max(ackedRid, rid);
        while (!inFlight.isEmpty() && inFlight.peekFirst().rid() <= ackedRid) {
            int n = inFlight.removeFirst().counted();
            handled = SequenceNumber.add(handled, n);
            for (int i = 0; i < n; i++) {
                unhandled.removeFirst();
            }
        }
        return handled;
    }

    /**
     * {@code <a xmlns='urn:xmpp:sm:3' h='H_in'/>}: the answer to the server's {@code <r/>}, written at
     * once (§4, SM-5), and the last element before {@code </stream:stream>} when the BOSH session ends (SM-16).
     */
    public XmlPayload ack() {
        return SmElements.ack(handled);
    }

    /**
     * The upstream stream is gone and {@code <resume h='…'/>} is being written: returns that {@code h}
     * (H_in now) and remembers the N − H_in held stanzas the server will send again (SM-12 step 4).
     */
    public long resumeSent() {
        if (!counting) {
            throw new IllegalStateException("resume without <enabled/>");
        }
        resumePending = Optional.of(new ResumeDeduper(handled, List.copyOf(unhandled)));
        deduper = Optional.empty();                       // the old stream's retransmissions are over
        return handled;
    }

    /** {@code <resumed/>} was received: the next N − H stanzas are retransmissions (SM-17). */
    public void resumed() {
        ResumeDeduper d = resumePending.orElseThrow(() -> new IllegalStateException("<resumed/> before resumeSent()"));
        resumePending = Optional.empty();
        deduper = d.remaining() > 0 ? Optional.of(d) : Optional.empty();
    }

    /** H_in: what {@link #ack()} reports. */
    public long handled() {
        return handled;
    }

    /** N: stanzas counted since {@code <enabled/>}, modulo 2^32. */
    public long receivedCount() {
        return received;
    }

    /** Stanzas counted and not yet acknowledged by the browser (N − H_in): the ack lag, for metrics (SM-17). */
    public int unhandledDepth() {
        return unhandled.size();
    }

    /** Retransmissions still to be dropped after the last resume. */
    public int duplicatesExpected() {
        return deduper.map(ResumeDeduper::remaining).orElse(0);
    }
}
