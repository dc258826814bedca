package boshcm.protocol.session;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Elements from the server waiting for a request to carry them to the browser (XEP-0124 §8), in
 * arrival order, with their total size so the session can bound it (checklist U-15, S-10).
 *
 * <p>Batches follow XEP-0206 §2 (checklist X-2-1): stream features and SASL elements travel alone;
 * stanzas and other elements are batched up to a count and byte limit.
 */
final class OutboundQueue {

    private final ArrayDeque<XmlPayload> queue = new ArrayDeque<>(2);
    private long bytes;

    void add(XmlPayload payload) {
        queue.addLast(payload);
        bytes += payload.size();
    }

    boolean isEmpty() {
        return queue.isEmpty();
    }

    long bytes() {
        return bytes;
    }

    /** The next response's worth of payloads; empty when nothing waits. */
    List<XmlPayload> takeBatch(int maxPayloads, int maxBytes) {
        List<XmlPayload> batch = new ArrayList<>(Math.min(queue.size(), maxPayloads)); // usually 1, not the default 10
        long taken = 0;
        while (!queue.isEmpty() && batch.size() < maxPayloads) {
            XmlPayload next = queue.peekFirst();
            boolean solo = travelsAlone(next);
            if (!batch.isEmpty() && (solo || taken + next.size() > maxBytes)) {
                break;
            }
            queue.pollFirst();
            bytes -= next.size();
            taken += next.size();
            batch.add(next);
            if (solo) {
                break;
            }
        }
        return batch;
    }

    List<XmlPayload> drainAll() {
        List<XmlPayload> all = new ArrayList<>(queue);
        queue.clear();
        bytes = 0;
        return all;
    }

    static boolean travelsAlone(XmlPayload p) {
        return p.is(Namespaces.STREAMS, "features") || p.namespace().equals(Namespaces.SASL)
                || p.namespace().equals(Namespaces.SASL2);
    }
}
