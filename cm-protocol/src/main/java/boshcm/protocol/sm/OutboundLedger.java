package boshcm.protocol.sm;

import boshcm.protocol.body.XmlPayload;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The stanzas the CM has written upstream and the server has not yet acknowledged (XEP-0198 §4;
 * checklist SM-18), each paired with its sequence number, so that they can be retransmitted after
 * {@code <resumed h='x'/>} (§5, SM-12 step 5). Lives as long as the SM session: it carries over a
 * resume to the next stream. Not thread-safe; one per upstream SM session.
 *
 * <p>Create it when {@code <enable/>} is written: the outbound count starts at 0 then (§4, SM-3).
 * Only stanzas count (SM-2). Stanzas are numbered from 1 after the count at creation, so stanza
 * {@code seq} is acknowledged by any {@code h} at or past {@code seq}, with 2^32 wrap (SM-4).
 *
 * <p>MongooseIM's counter wraps from 2^32−2 straight to 0, one step early (SM-4). Once our count has
 * reached 2^32−1, an ack one beyond what was sent is read as that skew rather than as
 * handled-count-too-high, and every later {@code h} is taken one lower. Until the server shows its
 * skew that way, an ack that is valid in both readings is taken in ours, which can acknowledge one
 * stanza too many; the cost of a server merely wrong by one after the wrap is one stanza retransmitted
 * twice. Either needs 2^32 stanzas on one SM session.
 */
public final class OutboundLedger {

    private record Entry(long seq, XmlPayload payload, long sentAtNanos) {}

    private final AckPolicy policy;
    private final long requestAfterNanos;
    private final ArrayDeque<Entry> unacked = new ArrayDeque<>();
    /** The count of stanzas sent: the {@code h} that would acknowledge all of them. */
    private long sent;
    /** The last {@code h} the server gave, in our numbering. */
    private long acked;
    /** 1 once MongooseIM's early wrap has been seen. */
    private long skew;
    /** Our count has been 2^32−1: from then on a server that wraps early is one ahead. */
    private boolean reachedMax;
    private int sinceRequest;
    private boolean requested;
    private long lastRequestAtNanos;

    public OutboundLedger(AckPolicy policy) {
        this(policy, 0);
    }

    /** A ledger whose count starts at {@code initial} rather than 0: for wrap tests (SM-4). */
    OutboundLedger(AckPolicy policy, long initial) {
        if (!SequenceNumber.isValid(initial)) {
            throw new IllegalArgumentException("initial count " + initial);
        }
        this.policy = policy;
        this.requestAfterNanos = policy.requestAfter().toNanos();
        this.sent = initial;
        this.acked = initial;
    }

    /**
     * Records an element about to be written upstream. Every element the CM writes on the stream
     * goes through here, including stanzas the CM makes itself (bounces): a stanza is counted and
     * queued; a nonza is not (SM-2); at the cap nothing is queued (SM-18).
     */
    public Offer offer(XmlPayload payload, long nowNanos) {
        if (!payload.isStanza()) {
            return new Offer.NotCounted();
        }
        if (unacked.size() >= policy.maxUnacked()) {
            return new Offer.Full(policy.maxUnacked());
        }
        sent = SequenceNumber.next(sent);
        reachedMax |= sent == SequenceNumber.MAX;
        unacked.addLast(new Entry(sent, payload, nowNanos));
        sinceRequest++;
        return new Offer.Counted(sent);
    }

    /**
     * An {@code h} from {@code <a/>}, {@code <resumed/>} or {@code <failed/>} (§4, §5): drops the
     * stanzas it covers. An {@code h} outside [last ack, sent] changes nothing and is
     * {@link AckOutcome.TooHigh} (SM-4).
     */
    public AckOutcome acknowledge(long h) {
        if (!SequenceNumber.isValid(h)) {
            throw new IllegalArgumentException("h " + h);
        }
        long ours = (h - skew) & SequenceNumber.MAX;
        if (!SequenceNumber.within(acked, ours, sent)) {
            if (!earlyWrap(h)) {
                return new AckOutcome.TooHigh(h, sent);
            }
            skew = 1;
            ours = SequenceNumber.previous(h);
        }
        int n = (int) SequenceNumber.distance(acked, ours);
        for (int i = 0; i < n; i++) {
            unacked.removeFirst();
        }
        acked = ours;
        return new AckOutcome.Acked(n, ours);
    }

    /**
     * MongooseIM's count reads {@code h} where ours is {@code h − 1}, because it skipped 2^32−1:
     * possible once our count has reached 2^32−1.
     */
    private boolean earlyWrap(long h) {
        return skew == 0 && reachedMax && SequenceNumber.within(acked, SequenceNumber.previous(h), sent);
    }

    /**
     * The stanzas to retransmit, oldest first: after {@code <resumed h='x'/>} and a successful
     * {@link #acknowledge(long) acknowledge(x)}, exactly those after x (§5, SM-9). They stay queued
     * under their numbers: the server counts the retransmissions from x + 1.
     */
    public List<XmlPayload> unacked() {
        List<XmlPayload> out = new ArrayList<>(unacked.size());
        for (Entry e : unacked) {
            out.add(e.payload());
        }
        return out;
    }

    /**
     * Whether to write {@code <r/>} now (SM-18): stanzas are waiting for an ack and either
     * {@code requestEvery} were sent since the last {@code <r/>}, or the oldest waiting stanza (or the
     * last {@code <r/>}, whichever is later) is {@code requestAfter} old, so a silent server is asked again.
     */
    public boolean shouldRequestAck(long nowNanos) {
        if (unacked.isEmpty()) {
            return false;
        }
        return sinceRequest >= policy.requestEvery() || nowNanos - timerBase() >= requestAfterNanos;
    }

    /** When {@link #shouldRequestAck} turns true by time alone, for the session's wake-up; empty with nothing unacknowledged. */
    public OptionalLong requestDueAt() {
        return unacked.isEmpty() ? OptionalLong.empty() : OptionalLong.of(timerBase() + requestAfterNanos);
    }

    /** An {@code <r/>} was written. */
    public void requestSent(long nowNanos) {
        sinceRequest = 0;
        requested = true;
        lastRequestAtNanos = nowNanos;
    }

    private long timerBase() {
        long oldest = unacked.getFirst().sentAtNanos();
        return requested && lastRequestAtNanos - oldest > 0 ? lastRequestAtNanos : oldest;
    }

    /** Stanzas waiting for an ack; a gauge for metrics. */
    public int depth() {
        return unacked.size();
    }

    /** The outbound count: what {@code send-count} reports and an ack of everything would say. */
    public long sentCount() {
        return sent;
    }

    /** The last acknowledged count, in the CM's numbering. */
    public long ackedCount() {
        return acked;
    }
}
