package boshcm.protocol.sm;

import java.time.Duration;

/**
 * When the CM asks the server for an ack and how much it keeps unacknowledged (checklist SM-18).
 *
 * @param maxUnacked   stanzas sent upstream and not yet acknowledged before the session ends with
 *                     policy-violation (SM-18, S-10)
 * @param requestEvery send {@code <r/>} after this many stanzas since the last one (XEP-0198 #scenarios-efficient: "every 5 stanzas")
 * @param requestAfter … or when the oldest unacknowledged stanza (or the last {@code <r/>}) is this old
 */
public record AckPolicy(int maxUnacked, int requestEvery, Duration requestAfter) {

    public AckPolicy {
        if (maxUnacked < 1 || requestEvery < 1 || requestEvery > maxUnacked) {
            throw new IllegalArgumentException("maxUnacked=" + maxUnacked + ", requestEvery=" + requestEvery);
        }
        if (requestAfter.isNegative() || requestAfter.isZero()) {
            throw new IllegalArgumentException("requestAfter=" + requestAfter);
        }
    }

    /** 1000 unacknowledged, {@code <r/>} every 5 stanzas or 10 s (the checklist's example values). */
    public static AckPolicy defaults() {
        return new AckPolicy(1000, 5, Duration.ofSeconds(10));
    }
}
