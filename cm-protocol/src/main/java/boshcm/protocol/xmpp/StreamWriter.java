package boshcm.protocol.xmpp;

import boshcm.protocol.body.XmlPayload;
import java.util.Optional;

/** Bytes the CM itself writes on an upstream c2s stream. */
public final class StreamWriter {

    private StreamWriter() {}

    /**
     * {@code <?xml version='1.0'?><stream:stream to='example.com' xml:lang='en' version='1.0'
     * xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>} (RFC 6120 §4.7, checklist U-2).
     * Never an {@code id}. {@code from} only when {@code includeFrom} (U-3: not over a cleartext stream).
     */
    public static byte[] header(StreamHeader header, boolean includeFrom) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** {@code </stream:stream>}. */
    public static byte[] close() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** {@code <stream:error><CONDITION xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>}. */
    public static byte[] streamError(String condition) {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /** {@code <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>}. */
    public static byte[] startTls() {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * XEP-0206 §7 / RFC 6120 §8.3: the error a stanza gets when its recipient's BOSH session is gone,
     * in upstream form, addressed back to the sender: a message (not of type error) gets
     * {@code recipient-unavailable}, an iq get/set gets {@code service-unavailable}; presences,
     * errors and iq results get nothing (checklist X-7-1).
     */
    public static Optional<XmlPayload> bounce(XmlPayload undelivered) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
