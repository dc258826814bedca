package boshcm.protocol.sm;

/** What {@link InboundLedger#received} decided about an element from the server. */
public sealed interface Inbound {

    /** Queue it for the browser, or drop it. */
    boolean deliver();

    /** A stanza counted as the server's number {@code seq} (§4): deliver it. */
    record Counted(long seq) implements Inbound {
        @Override
        public boolean deliver() {
            return true;
        }
    }

    /** A nonza, or a stanza before {@code <enabled/>} (SM-3): deliver it; it is never acknowledged upstream. */
    record NotCounted() implements Inbound {
        @Override
        public boolean deliver() {
            return true;
        }
    }

    /**
     * After a resume, the server's retransmission of its stanza {@code seq}, which the browser already
     * has or will get from the CM's queue (SM-17): drop it.
     */
    record Duplicate(long seq, StanzaMark held) implements Inbound {
        @Override
        public boolean deliver() {
            return false;
        }
    }

    /**
     * After a resume, a retransmission in the place of stanza {@code seq} that does not look like the
     * stanza the CM holds under that number (SM-19): deliver it anyway, since a duplicate is better than
     * a loss, and report it. It is not counted: the number belongs to the held stanza.
     */
    record Mismatch(long seq, StanzaMark held, StanzaMark retransmitted) implements Inbound {
        @Override
        public boolean deliver() {
            return true;
        }
    }
}
