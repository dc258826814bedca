package boshcm.protocol.sm;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Payloads for SM tests, built by hand in the form the tokenizer or body parser would give them. */
final class Xml {

    private Xml() {}

    static XmlPayload message(String id) {
        return stanza("message", "chat", id, "<body>" + id + "</body>");
    }

    /** What MongooseIM resends: the same stanza with a {@code <delay/>} child, so different bytes. */
    static XmlPayload delayed(String id) {
        return stanza("message", "chat", id, "<body>" + id + "</body>"
                + "<delay xmlns='urn:xmpp:delay' stamp='2024-01-01T00:00:00Z'/>");
    }

    static XmlPayload presence() {
        return new XmlPayload(Namespaces.JABBER_CLIENT, "presence", Map.of(), utf8("<presence/>"));
    }

    static XmlPayload iq(String id) {
        return stanza("iq", "get", id, "<ping xmlns='urn:xmpp:ping'/>");
    }

    static XmlPayload stanza(String name, String type, String id, String children) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("type", type);
        attributes.put("id", id);
        return new XmlPayload(Namespaces.JABBER_CLIENT, name, attributes,
                utf8("<" + name + " type='" + type + "' id='" + id + "'>" + children + "</" + name + ">"));
    }

    static XmlPayload sm(String name, Map<String, String> attributes) {
        StringBuilder sb = new StringBuilder("<").append(name).append(" xmlns='urn:xmpp:sm:3'");
        attributes.forEach((k, v) -> sb.append(' ').append(k).append("='").append(v).append('\''));
        return new XmlPayload(Namespaces.SM, name, attributes, utf8(sb.append("/>").toString()));
    }

    /** XEP-0352 {@code <active/>}: a nonza. */
    static XmlPayload csiActive() {
        return new XmlPayload("urn:xmpp:csi:0", "active", Map.of(), utf8("<active xmlns='urn:xmpp:csi:0'/>"));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
