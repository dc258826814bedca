package boshcm.protocol.body;

import boshcm.protocol.xml.XmlOutput;
import java.util.Optional;
import java.util.OptionalInt;

/** Writes a {@link ClientBody} as a client would send it: every attribute it has, its payloads as they are. For tests. */
final class ClientBodies {

    private ClientBodies() {}

    static byte[] write(ClientBody b) {
        XmlOutput out = new XmlOutput(256);
        out.ascii("<body xmlns='").ascii(Namespaces.HTTPBIND).ascii("' xmlns:xmpp='").ascii(Namespaces.XBOSH).ascii("'");
        attribute(out, "rid", Optional.of(Long.toString(b.rid())));
        attribute(out, "sid", b.sid());
        attribute(out, "type", b.isTerminate() ? Optional.of("terminate") : Optional.empty());
        attribute(out, "ack", b.ack().isPresent() ? Optional.of(Long.toString(b.ack().getAsLong())) : Optional.empty());
        attribute(out, "pause", number(b.pause()));
        attribute(out, "xmpp:restart", b.restart() ? Optional.of("true") : Optional.empty());
        attribute(out, "key", b.key());
        attribute(out, "newkey", b.newKey());
        attribute(out, "stream", b.stream());
        attribute(out, "to", b.to());
        attribute(out, "from", b.from());
        attribute(out, "route", b.route());
        attribute(out, "xml:lang", b.lang());
        attribute(out, "ver", b.ver().map(BoshVersion::toString));
        attribute(out, "wait", number(b.waitSeconds()));
        attribute(out, "hold", number(b.hold()));
        attribute(out, "content", b.content());
        attribute(out, "xmpp:version", b.xmppVersion());
        if (b.payloads().isEmpty()) {
            return out.ascii("/>").toByteArray();
        }
        out.ascii('>');
        for (XmlPayload p : b.payloads()) {
            out.bytes(p.bytes());
        }
        return out.ascii("</body>").toByteArray();
    }

    private static Optional<String> number(OptionalInt n) {
        return n.isPresent() ? Optional.of(Integer.toString(n.getAsInt())) : Optional.empty();
    }

    private static void attribute(XmlOutput out, String name, Optional<String> value) {
        value.ifPresent(v -> out.ascii(' ').ascii(name).ascii("='").attributeValue(v).ascii('\''));
    }
}
