package boshcm.server.config;

import boshcm.protocol.body.ServerBody;
import boshcm.protocol.error.Condition;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * What a node does when it is told to stop (SIGTERM): it refuses new sessions, lets the open ones go
 * on for {@code timeout}, then ends the rest.
 *
 * @param timeout      how long open sessions may go on; zero ends them at once
 * @param successorUri where clients are sent meanwhile and at the end, like
 *                     {@code https://chat.example.com/http-bind}; empty sends none
 */
public record DrainConfig(Duration timeout, Optional<URI> successorUri) {

    /**
     * What a refused creation and every request still open at the end are answered (XEP-0124 §17.2):
     * {@code <body type='terminate' condition='see-other-uri'><uri>…</uri></body>} when a successor is
     * configured (B-17.2-3), else {@code condition='system-shutdown'} (B-17.2-5).
     */
    public ServerBody farewell() {
        return successorUri.map(uri -> ServerBody.seeOtherUri(uri.toString()))
                .orElseGet(() -> ServerBody.terminate(Condition.SYSTEM_SHUTDOWN));
    }
}
