package boshcm.protocol.rid;

/** Where a request's {@code rid} falls relative to the session's window (XEP-0124 §14.2 #rids-order). */
public sealed interface RidDecision {

    /** The next rid: process it now. */
    record InOrder(long rid) implements RidDecision {}

    /** Inside the window but after a gap: hold it until the gap fills (#rids-order). */
    record Ahead(long rid) implements RidDecision {}

    /** Already processed: a retransmission (XEP-0124 §14.3 #rids-broken). */
    record Replay(long rid) implements RidDecision {}

    /** Beyond the window: terminate with item-not-found (#rids-order). */
    record OutOfWindow(long rid, long first, long last) implements RidDecision {}
}
