package boshcm.protocol.rid;

import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Recently sent responses, kept so that a retransmitted request gets the same answer again
 * (XEP-0124 §14.3 #rids-broken; checklist B-14.3-1). Pause responses and binding errors are never
 * stored (B-14.3-1, B-14.3-7). Not thread-safe.
 *
 * <p>How many: the spec's SHOULD is {@code requests}, or every unacknowledged response when the client
 * sends acks. A client that sends no acks can still be missing an older response while its other
 * request slots move on (a response lost, its retransmission pending), so "the last {@code requests}"
 * would drop exactly the one it will ask for again. We keep the last {@code cap} responses (never
 * fewer than {@code requests}), bounded by {@code maxBytes}; with acks, those the client confirmed
 * are dropped early.
 *
 * <p>And for how long: a response older than {@code maxAgeNanos} is dropped too (never below
 * {@code requests}). A client asks for a response again when its request failed or timed out, within
 * its HTTP timeout (a little over {@code wait}); the session sets the age to twice {@code wait} plus
 * {@code inactivity}. Without it, a session idle for hours kept its login responses and one empty
 * response per {@code wait} until {@code cap} of them: about 5 KB per long-idle session.
 */
public final class ResponseBuffer {

    /** A response as it was sent, and when. */
    public record Sent(long rid, ServerBody body, long sentAtNanos, long bytes) {}

    private final TreeMap<Long, Sent> byRid = new TreeMap<>();
    private final int requests;
    private final int cap;
    private final long maxBytes;
    private final long maxAgeNanos;
    private long acknowledged;
    private long bytes;
    /** The time of the latest {@link #put}, for trims that come without a time. */
    private long latest;

    public ResponseBuffer(int requests, int cap, long maxBytes, long maxAgeNanos) {
        this.requests = requests;
        this.cap = Math.max(cap, requests);
        this.maxBytes = maxBytes;
        this.maxAgeNanos = maxAgeNanos;
    }

    public void put(long rid, ServerBody body, long nowNanos) {
        long size = 0;
        for (XmlPayload p : body.payloads()) {
            size += p.size();
        }
        Sent previous = byRid.put(rid, new Sent(rid, body, nowNanos, size));
        if (previous != null) {
            bytes -= previous.bytes();
        }
        bytes += size;
        latest = nowNanos;
        trim();
    }

    public Optional<Sent> get(long rid) {
        return Optional.ofNullable(byRid.get(rid));
    }

    /** The client has every response up to and including {@code rid} (§9.2 response acknowledgements). */
    public void acknowledge(long rid) {
        acknowledged = Math.max(acknowledged, rid);
        trim();
    }

    /** The highest rid answered so far, or 0. */
    public long lastRid() {
        return byRid.isEmpty() ? 0 : byRid.lastKey();
    }

    public int size() {
        return byRid.size();
    }

    private void trim() {
        while (byRid.size() > requests) {
            Map.Entry<Long, Sent> first = byRid.firstEntry();
            if (first.getKey() > acknowledged && byRid.size() <= cap && bytes <= maxBytes
                    && latest - first.getValue().sentAtNanos() < maxAgeNanos) {
                break;
            }
            byRid.pollFirstEntry();
            bytes -= first.getValue().bytes();
        }
    }
}
