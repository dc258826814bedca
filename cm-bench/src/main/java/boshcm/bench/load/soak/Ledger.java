package boshcm.bench.load.soak;

import java.util.EnumMap;
import java.util.Map;

/**
 * Where every message of the soak went. A pair's two sessions live for one <em>epoch</em>: from
 * their pairing to the end of both. When an epoch is over, each direction is closed with what its
 * sender sent, what its receiver received, and how many bounces ({@code type='error'}) came back to
 * the sender. What is left, {@code sent − received − bounced}, is put down according to how the
 * epoch ended:
 * <ul>
 *   <li>{@link End#CUT}: one session's upstream TCP connection was reset on purpose. Messages in
 *       flight through the cut session at that moment are gone (no XEP-0198 with {@code --sm
 *       passthrough}); they are "lost in cuts", which is expected and reported apart.</li>
 *   <li>{@link End#LOST}: a session ended that nobody ended on purpose. Its residue is flagged.</li>
 *   <li>{@link End#LOGOUT}, {@link End#RUN_END}: both sessions logged out after their messages had
 *       drained, so nothing may be left: any residue is "unexplained", and flagged.</li>
 * </ul>
 * A negative residue (more received or bounced than sent: a duplicate) is "excess", also flagged.
 * So {@code sent = received + bounced + lostInCuts + lostInUnexpectedEnds + unexplained − excess},
 * always. Thread-safe.
 */
public final class Ledger {

    /** How an epoch ended. */
    public enum End {
        /** Both logged out after a drain (clients coming and going). */
        LOGOUT,
        /** A session's upstream connection was cut on purpose. */
        CUT,
        /** A session ended unexpectedly. */
        LOST,
        /** The run ended; everyone logged out after a drain. */
        RUN_END
    }

    /** One direction of one pair over one epoch. */
    public record Flow(long sent, long received, long bounced) {

        /** What is neither received nor bounced; negative when more came back than was sent. */
        public long residue() {
            return sent - received - bounced;
        }
    }

    /** The sums over every closed epoch. */
    public record Totals(long sent, long received, long bounced, long lostInCuts, long lostInUnexpectedEnds,
                         long unexplained, long excess, Map<End, Long> epochs) {

        /** Whether every message is accounted for without anything flagged. */
        public boolean clean() {
            return lostInUnexpectedEnds == 0 && unexplained == 0 && excess == 0;
        }

        /** The equation the report ends with. */
        public String equation() {
            StringBuilder sb = new StringBuilder();
            sb.append("sent ").append(sent).append(" = received ").append(received).append(" + bounced ").append(bounced)
                    .append(" + lost in cuts ").append(lostInCuts);
            if (lostInUnexpectedEnds != 0) {
                sb.append(" + lost in unexpected session ends ").append(lostInUnexpectedEnds);
            }
            if (unexplained != 0) {
                sb.append(" + UNEXPLAINED ").append(unexplained);
            }
            if (excess != 0) {
                sb.append(" − EXCESS (duplicates) ").append(excess);
            }
            return sb.toString();
        }
    }

    private long sent;
    private long received;
    private long bounced;
    private long lostInCuts;
    private long lostInUnexpectedEnds;
    private long unexplained;
    private long excess;
    private final Map<End, Long> epochs = new EnumMap<>(End.class);

    /** Closes one epoch: both directions of its pair. */
    public synchronized void close(End end, Flow ab, Flow ba) {
        add(end, ab);
        add(end, ba);
        epochs.merge(end, 1L, Long::sum);
    }

    private void add(End end, Flow f) {
        sent += f.sent();
        received += f.received();
        bounced += f.bounced();
        long r = f.residue();
        if (r < 0) {
            excess -= r;
        } else if (r > 0) {
            switch (end) {
                case CUT -> lostInCuts += r;
                case LOST -> lostInUnexpectedEnds += r;
                case LOGOUT, RUN_END -> unexplained += r;
            }
        }
    }

    public synchronized Totals totals() {
        Map<End, Long> copy = new EnumMap<>(End.class);
        for (End e : End.values()) {
            copy.put(e, epochs.getOrDefault(e, 0L));
        }
        return new Totals(sent, received, bounced, lostInCuts, lostInUnexpectedEnds, unexplained, excess, copy);
    }
}
