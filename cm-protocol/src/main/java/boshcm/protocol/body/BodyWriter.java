package boshcm.protocol.body;

/**
 * Writes a {@link ServerBody} as the UTF-8 bytes of one {@code <body/>} element in the httpbind
 * namespace (XEP-0124 §6, checklist B-6-1, B-6-2): attributes escaped, payload bytes copied as they
 * are, {@code xmlns:xmpp} declared when an {@code urn:xmpp:xbosh} attribute is present, and
 * {@code xmlns:stream} declared when a payload is in the streams namespace (XEP-0206 §2, X-2-2).
 */
public final class BodyWriter {

    private BodyWriter() {}

    public static byte[] write(ServerBody body) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
