package boshcm.protocol.xmpp;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Turns the bytes of one upstream XMPP stream into {@link StreamEvent}s, incrementally, over Aalto's
 * non-blocking {@code AsyncXMLStreamReader}: bytes may arrive split at any offset, including inside a
 * multi-byte UTF-8 character. Not thread-safe: one instance per upstream connection, used on that
 * connection's event loop.
 *
 * <p>Each top-level element (depth 1 below {@code <stream:stream>}) is written out once, in client
 * form (see {@link boshcm.protocol.body.XmlPayload}). After a {@link StreamEvent.Malformed} or
 * {@link StreamEvent.Closed} the tokenizer yields nothing more.
 */
public final class StreamTokenizer {

    private final TokenizerOptions options;

    public StreamTokenizer(TokenizerOptions options) {
        this.options = options;
    }

    /** Consumes every remaining byte of {@code chunk}; the caller may reuse it after the call returns. */
    public List<StreamEvent> feed(ByteBuffer chunk) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Starts over for a new stream on the same connection (RFC 6120 §4.3.3: after STARTTLS or SASL):
     * a fresh reader that expects a new {@code <stream:stream>}.
     */
    public void reset() {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
