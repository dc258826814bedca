package boshcm.protocol.body;

import boshcm.protocol.error.Condition;
import boshcm.protocol.xml.XmlOutput;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link ServerBody} as the UTF-8 bytes of one {@code <body/>} element in the httpbind
 * namespace (XEP-0124 §6, checklist B-6-1, B-6-2): attributes escaped, payload bytes copied as they
 * are, {@code xmlns:xmpp} declared when an {@code urn:xmpp:xbosh} attribute is present, and
 * {@code xmlns:stream} declared when a payload is in the streams namespace (XEP-0206 §2, X-2-2).
 *
 * <p>Like {@code <body xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh'
 * sid='s1' wait='60' xmpp:version='1.0'>...</body>}: no XML declaration; {@code type} and
 * {@code condition} first, then the other attributes in {@link BodyAttribute} order; self-closed when
 * there is no payload. The output array is sized exactly before anything is written.
 */
public final class BodyWriter {

    private static final String OPEN = "<body xmlns='" + Namespaces.HTTPBIND + "'";
    private static final String XMPP_DECL = " xmlns:xmpp='" + Namespaces.XBOSH + "'";
    private static final String STREAM_DECL = " xmlns:stream='" + Namespaces.STREAMS + "'";
    private static final String CLOSE = "</body>";

    private BodyWriter() {}

    public static byte[] write(ServerBody body) {
        Map<BodyAttribute, String> attributes = body.attributes();
        List<XmlPayload> payloads = body.payloads();
        String type = body.type().wireName().orElse(null);
        String condition = body.condition().map(Condition::wireName).orElse(null);

        boolean xbosh = false;
        int length = OPEN.length();
        for (Map.Entry<BodyAttribute, String> e : attributes.entrySet()) {
            BodyAttribute a = e.getKey();
            xbosh |= !a.namespace().isEmpty();
            length += attributeLength(prefixOf(a), a.localName(), e.getValue());
        }
        boolean streams = false;
        int payloadBytes = 0;
        for (XmlPayload p : payloads) {
            streams |= Namespaces.STREAMS.equals(p.namespace());
            payloadBytes += p.size();
        }
        length += xbosh ? XMPP_DECL.length() : 0;
        length += streams ? STREAM_DECL.length() : 0;
        length += type == null ? 0 : attributeLength("", "type", type);
        length += condition == null ? 0 : attributeLength("", "condition", condition);
        length += payloads.isEmpty() ? 2 : 1 + payloadBytes + CLOSE.length();

        XmlOutput out = new XmlOutput(length);
        out.ascii(OPEN);
        if (xbosh) {
            out.ascii(XMPP_DECL);
        }
        if (streams) {
            out.ascii(STREAM_DECL);
        }
        if (type != null) {
            attribute(out, "", "type", type);
        }
        if (condition != null) {
            attribute(out, "", "condition", condition);
        }
        for (Map.Entry<BodyAttribute, String> e : attributes.entrySet()) { // EnumMap: declaration order
            attribute(out, prefixOf(e.getKey()), e.getKey().localName(), e.getValue());
        }
        if (payloads.isEmpty()) {
            out.ascii("/>");
        } else {
            out.ascii('>');
            for (XmlPayload p : payloads) {
                out.bytes(p.bytes());
            }
            out.ascii(CLOSE);
        }
        assert out.size() == length : "sized " + length + ", wrote " + out.size();
        return out.toByteArrayExact();
    }

    private static String prefixOf(BodyAttribute a) {
        return a.namespace().isEmpty() ? "" : "xmpp";
    }

    private static int attributeLength(String prefix, String name, String value) {
        // ' ' prefix ':' name "='" value "'"
        return 1 + (prefix.isEmpty() ? 0 : prefix.length() + 1) + XmlOutput.nameLength(name) + 2
                + XmlOutput.attributeValueLength(value) + 1;
    }

    private static void attribute(XmlOutput out, String prefix, String name, String value) {
        out.ascii(' ');
        if (!prefix.isEmpty()) {
            out.ascii(prefix).ascii(':');
        }
        out.name(name).ascii("='").attributeValue(value).ascii('\'');
    }
}
