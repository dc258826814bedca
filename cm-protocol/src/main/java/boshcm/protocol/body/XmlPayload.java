package boshcm.protocol.body;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * One complete XML element travelling through the connection manager, like
 * {@code <message to='p@example.com' id='a1'><body>hi</body></message>}, kept as the UTF-8 bytes
 * that will be written to its destination. It is parsed once at the edge and never re-parsed or
 * re-serialised (design.md §2).
 *
 * <p>The bytes are already in the form the destination needs: toward the XMPP server a jabber:client
 * stanza is unprefixed and inherits the stream's default namespace (RFC 6120 §4.8, checklist U-12);
 * toward the browser it carries an explicit {@code xmlns='jabber:client'} (XEP-0206 §2, X-2-3).
 * {@code namespace} and {@code localName} name the element as the connection manager understood it
 * (a client stanza written without xmlns inside {@code <body/>} counts as jabber:client, X-2-4);
 * {@code attributes} are the unprefixed attributes of the top element only (type, id, from, to, ...).
 */
public record XmlPayload(String namespace, String localName, Map<String, String> attributes, byte[] bytes) {

    public XmlPayload {
        if (namespace == null || localName == null || bytes == null) {
            throw new IllegalArgumentException("namespace, localName and bytes are required");
        }
        attributes = Map.copyOf(attributes);
    }

    /** The value of an unprefixed attribute of the top element. */
    public Optional<String> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /** RFC 6120 §8: a top-level message, presence or iq in the jabber:client namespace. */
    public boolean isStanza() {
        return Namespaces.JABBER_CLIENT.equals(namespace)
                && (localName.equals("message") || localName.equals("presence") || localName.equals("iq"));
    }

    public boolean is(String ns, String name) {
        return namespace.equals(ns) && localName.equals(name);
    }

    public int size() {
        return bytes.length;
    }

    /** The payload as text; for tests and TRACE logging only. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof XmlPayload p && namespace.equals(p.namespace) && localName.equals(p.localName)
                && attributes.equals(p.attributes) && Arrays.equals(bytes, p.bytes);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * namespace.hashCode() + localName.hashCode()) + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "XmlPayload[" + text() + "]";
    }
}
