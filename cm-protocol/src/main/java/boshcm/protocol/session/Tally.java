package boshcm.protocol.session;

/**
 * Something the session decided that the driver only counts (docs/metrics.md), like "this request was
 * queued ahead of a rid gap" or "this client hit the polling limit". The session says it with an
 * {@link Effect.Counted}; it changes nothing the driver does. Each value is a closed set whose wire name
 * is the metric tag, and each carries its own shared effect, so counting allocates nothing.
 */
public sealed interface Tally permits Tally.Request, Tally.Limit, Tally.Held {

    /** The metric tag, e.g. {@code in_order} or {@code rid-window}. */
    String wireName();

    /** The shared effect that reports this value. */
    Effect.Counted effect();

    /**
     * How a request naming an existing session was taken in (XEP-0124 §14). Session creation requests
     * are not counted here.
     */
    enum Request implements Tally {
        /** The next rid: processed at once (§14.2 #rids-order). */
        IN_ORDER("in_order"),
        /** Ahead of a gap in the rids: it waits until the gap fills (§14.2 #rids-order). */
        AHEAD("ahead"),
        /** A retransmission answered with the response already sent, from the response cache (§14.3, B-14.3-2). */
        REPLAYED("replayed"),
        /**
         * A retransmission of a rid still held or waiting ahead: it takes the place of its older connection,
         * which gets the recoverable {@code type='error'} (§14.3, B-14.3-3).
         */
        REPLACED("replaced"),
        /** The rid itself was refused and the session ended: see {@link Limit#RID_WINDOW}, {@link Limit#RESPONSE_CACHE}, {@link Limit#REPEATS}. */
        REFUSED("refused"),
        /** The session had already ended (or its end was waiting for a request): answered with the terminal body. */
        AFTER_END("after_end");

        private final String wireName;
        private final Effect.Counted effect = new Effect.Counted(this);

        Request(String wireName) {
            this.wireName = wireName;
        }

        @Override
        public String wireName() {
            return wireName;
        }

        @Override
        public Effect.Counted effect() {
            return effect;
        }
    }

    /**
     * A limit the client (or, for {@link #BUFFERED_BYTES}, the browser's pace) ran into inside a session.
     * Every one but {@link #STREAMS} ends the session.
     */
    enum Limit implements Tally {
        /** A rid beyond the window of {@code requests} (XEP-0124 §14.2, B-14.2-2): item-not-found. */
        RID_WINDOW("rid-window"),
        /** A rid asked for again after its response left the response cache (§14.3, B-14.3-5): item-not-found. */
        RESPONSE_CACHE("response-cache"),
        /** Too many retransmissions within the repeat window (§14.3, B-14.3-4): policy-violation. */
        REPEATS("repeats"),
        /** More simultaneous requests than allowed (§11 #overactive, B-11-3): policy-violation. */
        OVERACTIVITY("overactivity"),
        /** Empty requests faster than {@code polling} (§12 #poll, B-12-3): policy-violation. */
        POLLING("polling"),
        /** A {@code pause} above {@code maxpause} (§10, B-10-7): policy-violation. */
        PAUSE("pause"),
        /** A stream added beyond the streams allowed at once (§16 #multi-add): that stream is refused, the session goes on. */
        STREAMS("streams"),
        /** The CM's XEP-0198 unacknowledged queue is full (checklist SM-18): policy-violation. */
        SM_QUEUE("sm-queue"),
        /** Server data for the browser outgrew the session's buffer (checklist U-15, S-10): remote-connection-failed. */
        BUFFERED_BYTES("buffered-bytes");

        private final String wireName;
        private final Effect.Counted effect = new Effect.Counted(this);

        Limit(String wireName) {
            this.wireName = wireName;
        }

        @Override
        public String wireName() {
            return wireName;
        }

        @Override
        public Effect.Counted effect() {
            return effect;
        }
    }

    /** How a held request ended, where that is worth counting (XEP-0124 §8). */
    enum Held implements Tally {
        /** Nothing came for the browser within {@code wait}: the request was answered empty. */
        WAIT_EXPIRED("wait_expired");

        private final String wireName;
        private final Effect.Counted effect = new Effect.Counted(this);

        Held(String wireName) {
            this.wireName = wireName;
        }

        @Override
        public String wireName() {
            return wireName;
        }

        @Override
        public Effect.Counted effect() {
            return effect;
        }
    }
}
