package boshcm.server.upstream;

import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.session.CloseMode;
import boshcm.protocol.xmpp.StreamHeader;
import java.util.List;
import java.util.Optional;

/**
 * One c2s TCP connection to the XMPP server for one BOSH session. Every method must be called on the
 * session's event loop and never blocks. Writes issued before the stream is ready (TCP connect, TLS,
 * STARTTLS) are queued and sent in order once it is.
 */
public interface UpstreamConnection {

    /** Writes payloads (already in upstream form) in order, flushing once. */
    void send(List<XmlPayload> payloads);

    /**
     * XEP-0206 §5 / RFC 6120 §4.3.3: resets the parser and sends a new stream header on this connection;
     * {@code hideSm} says whether the new stream's features hide {@code <sm/>} from the client.
     */
    void restart(StreamHeader header, boolean hideSm);

    /** Ends the stream (see {@link CloseMode}); a stream error condition is sent first when given. Idempotent. */
    void close(CloseMode mode, Optional<String> streamError);

    /**
     * Stops ({@code false}) or resumes ({@code true}) reading from the server: backpressure when the
     * browser falls behind (checklist U-15, S-10). It applies to the open stream; negotiation (TLS, the
     * stream header) and a graceful close read anyway. Idempotent.
     */
    default void reading(boolean on) {}

    /** True once TLS is in place on this connection (STARTTLS done, or direct TLS). */
    boolean encrypted();
}
