package boshcm.protocol.session;

import boshcm.protocol.body.BodyType;
import boshcm.protocol.body.BoshVersion;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/** Test builder for {@link ClientBody}: {@code Req.create(1000).hold(2).build()}, {@code Req.rid(1001).payload(msg("a"))}. */
final class Req {
    private long rid;
    private Optional<String> sid = Optional.empty();
    private BodyType type = BodyType.NONE;
    private OptionalLong ack = OptionalLong.empty();
    private OptionalInt pause = OptionalInt.empty();
    private boolean restart;
    private Optional<String> key = Optional.empty();
    private Optional<String> newKey = Optional.empty();
    private Optional<String> to = Optional.empty();
    private Optional<String> from = Optional.empty();
    private Optional<String> route = Optional.empty();
    private Optional<String> lang = Optional.empty();
    private Optional<BoshVersion> ver = Optional.empty();
    private OptionalInt wait = OptionalInt.empty();
    private OptionalInt hold = OptionalInt.empty();
    private Optional<String> content = Optional.empty();
    private Optional<String> stream = Optional.empty();
    private Optional<String> xmppVersion = Optional.empty();
    private final List<XmlPayload> payloads = new ArrayList<>();

    /** The reference creation request of the conformance checklist (RC): to=example.com, ver 1.11, wait 5, hold 1. */
    static Req create(long rid) {
        Req r = new Req();
        r.rid = rid;
        r.to = Optional.of("example.com");
        r.lang = Optional.of("en");
        r.ver = Optional.of(BoshVersion.V1_11);
        r.wait = OptionalInt.of(5);
        r.hold = OptionalInt.of(1);
        return r;
    }

    static Req rid(long rid) {
        Req r = new Req();
        r.rid = rid;
        r.sid = Optional.of("S");
        return r;
    }

    Req ack(long v) { ack = OptionalLong.of(v); return this; }
    Req pause(int s) { pause = OptionalInt.of(s); return this; }
    Req terminate() { type = BodyType.TERMINATE; return this; }
    Req restart() { restart = true; return this; }
    Req key(String k) { key = Optional.of(k); return this; }
    Req newKey(String k) { newKey = Optional.of(k); return this; }
    Req to(String v) { to = Optional.ofNullable(v); return this; }
    Req from(String v) { from = Optional.of(v); return this; }
    Req route(String v) { route = Optional.of(v); return this; }
    Req lang(String v) { lang = Optional.of(v); return this; }
    Req ver(String v) { ver = Optional.ofNullable(v).map(BoshVersion::parse); return this; }
    Req noVer() { ver = Optional.empty(); return this; }
    Req waitSecs(Integer v) { wait = v == null ? OptionalInt.empty() : OptionalInt.of(v); return this; }
    Req hold(Integer v) { hold = v == null ? OptionalInt.empty() : OptionalInt.of(v); return this; }
    Req content(String v) { content = Optional.of(v); return this; }
    Req payload(XmlPayload p) { payloads.add(p); return this; }
    Req stream(String v) { stream = Optional.of(v); return this; }
    Req xmppVersion(String v) { xmppVersion = Optional.of(v); return this; }

    ClientBody build() {
        return new ClientBody(rid, sid, type, ack, pause, restart, key, newKey, stream, to, from, route,
                lang, ver, wait, hold, content, xmppVersion, payloads);
    }

    /** {@code M(id)} of the checklist, in upstream form. */
    static XmlPayload msg(String id) {
        String xml = "<message to='peer@example.com' id='" + id + "' type='chat'><body>" + id + "</body></message>";
        return new XmlPayload(Namespaces.JABBER_CLIENT, "message", Map.of("to", "peer@example.com", "id", id, "type", "chat"),
                xml.getBytes(StandardCharsets.UTF_8));
    }

    /** A message from the server, in client form. */
    static XmlPayload serverMsg(String id) {
        String xml = "<message xmlns='jabber:client' from='peer@example.com/x' to='u@example.com/r' id='" + id
                + "' type='chat'><body>" + id + "</body></message>";
        return new XmlPayload(Namespaces.JABBER_CLIENT, "message",
                Map.of("from", "peer@example.com/x", "to", "u@example.com/r", "id", id, "type", "chat"),
                xml.getBytes(StandardCharsets.UTF_8));
    }

    static XmlPayload features() {
        String xml = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms></stream:features>";
        return new XmlPayload(Namespaces.STREAMS, "features", Map.of(), xml.getBytes(StandardCharsets.UTF_8));
    }

    static XmlPayload element(String ns, String name) {
        return new XmlPayload(ns, name, Map.of(), ("<" + name + " xmlns='" + ns + "'/>").getBytes(StandardCharsets.UTF_8));
    }
}
