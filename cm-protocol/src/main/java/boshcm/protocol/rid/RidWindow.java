package boshcm.protocol.rid;

/**
 * The rid window of a session (XEP-0124 §14.2 #rids-order): the connection manager accepts rids from
 * {@code last + 1} to {@code last + requests}, where {@code last} is the highest rid processed with
 * every lower rid also processed. One more is allowed for a request that pauses or terminates
 * (XEP-0124 §11 #overactive; checklist B-11-2). Not thread-safe.
 */
public final class RidWindow {

    private final int requests;
    private long last;

    public RidWindow(long creationRid, int requests) {
        if (requests < 1) {
            throw new IllegalArgumentException("requests " + requests);
        }
        this.last = creationRid;
        this.requests = requests;
    }

    public RidDecision classify(long rid, boolean pauseOrTerminate) {
        if (rid <= last) {
            return new RidDecision.Replay(rid);
        }
        long limit = last + requests + (pauseOrTerminate ? 1 : 0);
        if (rid > limit) {
            return new RidDecision.OutOfWindow(rid, last + 1, limit);
        }
        return rid == last + 1 ? new RidDecision.InOrder(rid) : new RidDecision.Ahead(rid);
    }

    /** Marks the next rid processed. */
    public void advance(long rid) {
        if (rid != last + 1) {
            throw new IllegalStateException("advance to " + rid + " after " + last);
        }
        last = rid;
    }

    /** The highest rid processed with every lower one processed too: the value of {@code ack} (§9.1). */
    public long last() {
        return last;
    }
}
