package boshcm.protocol.body;

import boshcm.protocol.error.Condition;
import java.util.Optional;

/** What {@link BodyParser} made of a request: a typed body, or the reason it was refused. */
public sealed interface ParseOutcome {

    record Parsed(ClientBody body) implements ParseOutcome {}

    /**
     * The request cannot be processed.
     *
     * @param sid       the {@code sid} attribute if it could be read from the start tag, so that the
     *                  session it names can be terminated and answered in its own content type
     * @param condition BAD_REQUEST for malformed input; POLICY_VIOLATION for a limit exceeded
     * @param reason    for logs; never echoed to the client
     */
    record Rejected(Optional<String> sid, Condition condition, String reason) implements ParseOutcome {}
}
