package boshcm.protocol.sm;

/** What an {@code h} from the server did to the {@link OutboundLedger} (XEP-0198 §4, §5). */
public sealed interface AckOutcome {

    /**
     * A valid ack: {@code newlyAcked} stanzas left the queue (possibly none), and {@code h} is now the
     * last acknowledged count, in the CM's numbering.
     */
    record Acked(int newlyAcked, long h) implements AckOutcome {}

    /**
     * §4 (checklist SM-4): the server acknowledged more than was sent. Nothing changed; send
     * {@link SmElements#handledCountTooHigh(long, long)} with these values and close the stream.
     */
    record TooHigh(long h, long sendCount) implements AckOutcome {}
}
