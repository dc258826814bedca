package boshcm.protocol.rid;

import boshcm.protocol.body.ServerBody;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Recently sent responses, kept so that a retransmitted request gets the same answer again
 * (XEP-0124 §14.3 #rids-broken; checklist B-14.3-1). Keeps the last {@code requests} responses; while
 * the client acknowledges responses (§9.2), keeps every unacknowledged one too, up to {@code cap}.
 * Pause responses and binding errors are never stored (B-14.3-1, B-14.3-7). Not thread-safe.
 */
public final class ResponseBuffer {

    /** A response as it was sent, and when. */
    public record Sent(long rid, ServerBody body, long sentAtNanos) {}

    private final TreeMap<Long, Sent> byRid = new TreeMap<>();
    private final int requests;
    private final int cap;
    private long acknowledged;

    public ResponseBuffer(int requests, int cap) {
        this.requests = requests;
        this.cap = Math.max(cap, requests);
    }

    public void put(long rid, ServerBody body, long nowNanos) {
        byRid.put(rid, new Sent(rid, body, nowNanos));
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
        while (byRid.size() > cap) {
            byRid.pollFirstEntry();
        }
        // Beyond the last `requests` responses, keep only those the client has not acknowledged.
        while (byRid.size() > requests) {
            Map.Entry<Long, Sent> first = byRid.firstEntry();
            if (first.getKey() > acknowledged) {
                break;
            }
            byRid.pollFirstEntry();
        }
    }
}
