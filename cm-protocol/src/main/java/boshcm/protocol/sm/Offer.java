package boshcm.protocol.sm;

/** What {@link OutboundLedger#offer} did with an element about to be written upstream. */
public sealed interface Offer {

    /** A nonza (SM, CSI, SASL, …: checklist SM-2): write it; nothing is counted or kept. */
    record NotCounted() implements Offer {}

    /** A stanza, queued until acknowledged as number {@code seq} (the {@code h} that acknowledges it): write it. */
    record Counted(long seq) implements Offer {}

    /**
     * The unacknowledged queue is at its cap (SM-18): the stanza was not queued and must not be
     * written; end the session with policy-violation.
     */
    record Full(int maxUnacked) implements Offer {}
}
