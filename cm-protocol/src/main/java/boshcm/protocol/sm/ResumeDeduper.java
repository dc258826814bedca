package boshcm.protocol.sm;

import boshcm.protocol.body.XmlPayload;
import java.util.List;
import java.util.Optional;

/**
 * Drops the server's retransmissions of stanzas the browser already holds, after a resume (XEP-0198
 * §5; checklist SM-17, SM-19).
 *
 * <p>With N inbound stanzas counted on the old stream and {@code H} sent in {@code <resume h='H'/>},
 * the server retransmits from H + 1; its first N − H retransmissions are stanzas H + 1 … N, which sit
 * in the CM's queue or in responses the browser has not acknowledged yet. They are discarded <em>by
 * count</em>, never by byte equality (MongooseIM adds {@code <delay/>}). Each is compared with what the
 * CM holds under its number; one that does not look the same is delivered rather than dropped and
 * reported ({@link Inbound.Mismatch}). Only stanzas go through here: nonzas take no place in the count.
 * Not thread-safe.
 */
public final class ResumeDeduper {

    private final long resumedAt;
    private final List<StanzaMark> held;
    private int next;

    /**
     * @param resumedAt the {@code h} sent in {@code <resume/>}
     * @param held      the stanzas numbered {@code resumedAt + 1} … N, oldest first (N − H of them)
     */
    public ResumeDeduper(long resumedAt, List<StanzaMark> held) {
        if (!SequenceNumber.isValid(resumedAt)) {
            throw new IllegalArgumentException("h " + resumedAt);
        }
        this.resumedAt = resumedAt;
        this.held = List.copyOf(held);
    }

    /**
     * The next stanza from the resumed stream: a {@link Inbound.Duplicate} or {@link Inbound.Mismatch}
     * while it falls among the N − H the CM holds; empty once past them (a new stanza: count it).
     */
    public Optional<Inbound> check(XmlPayload stanza) {
        if (!stanza.isStanza()) {
            throw new IllegalArgumentException("not a stanza: " + stanza.localName());
        }
        if (next == held.size()) {
            return Optional.empty();
        }
        StanzaMark expected = held.get(next);
        long seq = SequenceNumber.add(resumedAt, next + 1L);
        next++;
        StanzaMark actual = StanzaMark.of(stanza);
        return Optional.of(expected.matches(actual)
                ? new Inbound.Duplicate(seq, expected)
                : new Inbound.Mismatch(seq, expected, actual));
    }

    /** Retransmissions still expected to be duplicates. */
    public int remaining() {
        return held.size() - next;
    }

    /** The {@code h} the resume was sent with. */
    public long resumedAt() {
        return resumedAt;
    }
}
