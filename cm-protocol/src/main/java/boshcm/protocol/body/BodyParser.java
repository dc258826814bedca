package boshcm.protocol.body;

/**
 * Parses one complete HTTP request body into a {@link ClientBody} with a hardened StAX reader
 * (Woodstox, instantiated explicitly): no DTD, no entity expansion, bounded depth, attributes and
 * text (checklist B-6-3, S-2, S-3). Thread-safe; one instance serves every request.
 *
 * <p>Payload children are written out once, here, in upstream form (see {@link XmlPayload}).
 */
public final class BodyParser {

    private final BodyLimits limits;

    public BodyParser(BodyLimits limits) {
        this.limits = limits;
    }

    public BodyLimits limits() {
        return limits;
    }

    /** Parses {@code bytes[offset .. offset+length)} as a UTF-8 {@code <body/>} document. */
    public ParseOutcome parse(byte[] bytes, int offset, int length) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    public ParseOutcome parse(byte[] bytes) {
        return parse(bytes, 0, bytes.length);
    }
}
