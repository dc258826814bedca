package boshcm.protocol.xmpp;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.xml.XmlOutput;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Bytes the CM itself writes on an upstream c2s stream. */
public final class StreamWriter {

    private static final byte[] CLOSE = ascii("</stream:stream>");
    private static final byte[] START_TLS = ascii("<starttls xmlns='" + Namespaces.TLS + "'/>");

    private StreamWriter() {}

    /**
     * {@code <?xml version='1.0'?><stream:stream to='example.com' xml:lang='en' version='1.0'
     * xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>} (RFC 6120 §4.7, checklist U-2).
     * Never an {@code id}. {@code from} only when {@code includeFrom} (U-3: not over a cleartext stream).
     * A header without {@code version} gets {@code version='1.0'} (checklist X-3-1).
     */
    public static byte[] header(StreamHeader header, boolean includeFrom) {
        XmlOutput out = new XmlOutput(192);
        out.ascii("<?xml version='1.0'?><stream:stream");
        header.to().ifPresent(to -> attribute(out, "to", to));
        if (includeFrom) {
            header.from().ifPresent(from -> attribute(out, "from", from));
        }
        header.lang().ifPresent(lang -> attribute(out, "xml:lang", lang));
        attribute(out, "version", header.version().orElse("1.0"));
        out.ascii(" xmlns='" + Namespaces.JABBER_CLIENT + "' xmlns:stream='" + Namespaces.STREAMS + "'>");
        return out.toByteArray();
    }

    /** {@code </stream:stream>}. */
    public static byte[] close() {
        return CLOSE.clone();
    }

    /** {@code <stream:error><CONDITION xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>}. */
    public static byte[] streamError(String condition) {
        XmlOutput out = new XmlOutput(96 + condition.length());
        out.ascii("<stream:error><").name(condition).ascii(" xmlns='" + Namespaces.XMPP_STREAMS + "'/></stream:error>");
        return out.toByteArray();
    }

    /** {@code <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>}. */
    public static byte[] startTls() {
        return START_TLS.clone();
    }

    /**
     * XEP-0206 §7 / RFC 6120 §8.3: the error a stanza gets when its recipient's BOSH session is gone,
     * in upstream form, addressed back to the sender: a message (not of type error) gets
     * {@code recipient-unavailable}, an iq get/set gets {@code service-unavailable}; presences,
     * errors and iq results get nothing (checklist X-7-1).
     *
     * <p>Like {@code <message type='error' to='sender@example.com/r' from='user@example.com/bosh' id='m1'>
     * <error type='cancel'><recipient-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>}:
     * {@code to}, {@code from} and {@code id} are the original's {@code from}, {@code to} and {@code id},
     * each only when the original had it (RFC 6120 §8.1.2.1: no {@code from} means the user's server).
     */
    public static Optional<XmlPayload> bounce(XmlPayload undelivered) {
        if (!Namespaces.JABBER_CLIENT.equals(undelivered.namespace())) {
            return Optional.empty();
        }
        String name = undelivered.localName();
        String type = undelivered.attribute("type").orElse(name.equals("message") ? "normal" : "");
        String condition;
        if (name.equals("message") && !type.equals("error")) {
            condition = "recipient-unavailable";
        } else if (name.equals("iq") && (type.equals("get") || type.equals("set"))) {
            condition = "service-unavailable";
        } else {
            return Optional.empty(); // RFC 6120 §8.3.1: never answer an error or a result; presence is dropped
        }
        Map<String, String> attributes = new LinkedHashMap<>(8);
        attributes.put("type", "error");
        undelivered.attribute("from").ifPresent(v -> attributes.put("to", v));
        undelivered.attribute("to").ifPresent(v -> attributes.put("from", v));
        undelivered.attribute("id").ifPresent(v -> attributes.put("id", v));

        XmlOutput out = new XmlOutput(160);
        out.ascii('<').ascii(name);
        attributes.forEach((k, v) -> attribute(out, k, v));
        out.ascii("><error type='cancel'><").ascii(condition)
                .ascii(" xmlns='" + Namespaces.XMPP_STANZAS + "'/></error></").ascii(name).ascii('>');
        return Optional.of(new XmlPayload(Namespaces.JABBER_CLIENT, name, attributes, out.toByteArray()));
    }

    private static void attribute(XmlOutput out, String name, String value) {
        out.ascii(' ').ascii(name).ascii("='").attributeValue(value).ascii('\'');
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
