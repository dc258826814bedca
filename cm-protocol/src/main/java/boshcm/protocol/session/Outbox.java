package boshcm.protocol.session;

import boshcm.protocol.body.BodyAttribute;
import boshcm.protocol.body.ServerBody;
import java.util.ArrayList;
import java.util.List;

/**
 * The effects of the event a session is handling, in the order the driver must carry them out; taken
 * as that event's {@link Step}. Also the one place an HTTP exchange is answered: with the session's
 * Content-Type (XEP-0124 §7.1 {@code content}, B-7.1-3) and, for a client that sent no {@code ver},
 * the legacy HTTP status of §17.1. Not thread-safe; owned by its {@link BoshSession}.
 */
final class Outbox {

    private final List<Effect> effects = new ArrayList<>();
    /** Null until session creation succeeded: the defaults apply until then. */
    private SessionParams params;

    /** Creation succeeded: later responses use the negotiated Content-Type and version. */
    void negotiated(SessionParams params) {
        this.params = params;
    }

    /** An event begins: nothing left over from an event that did not finish counts. */
    void begin() {
        effects.clear();
    }

    void add(Effect effect) {
        effects.add(effect);
    }

    /**
     * Sends a body on an exchange (none once the client left it), with the legacy HTTP status where
     * XEP-0124 §17.1 calls for it: never for a terminate body naming a stream, which ends only that
     * stream (§16 #multi-error).
     */
    void respond(ExchangeId exchange, ServerBody body) {
        if (exchange == null) {
            return;
        }
        int status = 200;
        if (params != null && params.legacy() && body.condition().isPresent()
                && body.condition().get().legacyHttpStatus() != 0 && body.attribute(BodyAttribute.STREAM).isEmpty()) {
            status = body.condition().get().legacyHttpStatus();
        }
        String contentType = params != null ? params.contentType() : Negotiation.DEFAULT_CONTENT_TYPE;
        effects.add(new Effect.Respond(exchange, body, status, contentType));
    }

    /** Whether this event already answered {@code exchange}. */
    boolean answered(ExchangeId exchange) {
        for (Effect e : effects) {
            if (e instanceof Effect.Respond r && r.exchange().equals(exchange)) {
                return true;
            }
        }
        return false;
    }

    /** The effects so far, as the event's step; the outbox is empty again. */
    Step take() {
        Step step = Step.of(effects);
        effects.clear();
        return step;
    }
}
