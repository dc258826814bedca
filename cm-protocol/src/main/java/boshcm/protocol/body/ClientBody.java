package boshcm.protocol.body;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A client request wrapper like
 * {@code <body rid='1573741820' sid='SomeSID' xmlns='http://jabber.org/protocol/httpbind'/>},
 * with its attributes already typed and range-checked by {@link BodyParser}. Immutable.
 *
 * <p>Attributes that only mean something on the session creation request ({@code to}, {@code wait},
 * {@code hold}, ...) are carried whenever present; the session ignores them on later requests
 * (checklist B-7.1-9).
 *
 * @param rid          XEP-0124 §14: 1 .. 2^53-1
 * @param sid          absent on a session creation request (XEP-0124 §7.1)
 * @param type         {@link BodyType#TERMINATE} for {@code type='terminate'}, else NONE
 * @param ack          on creation, {@code ack='1'} asks for acks (§9.1); later, the highest rid the
 *                     client has received every response up to (§9.2)
 * @param pause        §10 {@code pause}, seconds
 * @param restart      XEP-0206 §5 {@code xmpp:restart} in {@code urn:xmpp:xbosh}, true or 1
 * @param key          §15 key sequencing
 * @param newKey       §15 key sequencing
 * @param stream       §16 stream name
 * @param to           §7.1 target domain
 * @param from         §7.1 originator identity
 * @param route        §7.1 {@code proto:host:port}, raw
 * @param lang         {@code xml:lang}
 * @param ver          §7.1 highest BOSH version the client supports; absent means a legacy client
 * @param waitSeconds  §7.1; already clamped to 0..65535
 * @param hold         §7.1; already clamped to 0..255
 * @param content      §7.1 requested response Content-Type
 * @param xmppVersion  XEP-0206 {@code xmpp:version}
 * @param payloads     the child elements, in order, in upstream form
 */
public record ClientBody(
        long rid,
        Optional<String> sid,
        BodyType type,
        OptionalLong ack,
        OptionalInt pause,
        boolean restart,
        Optional<String> key,
        Optional<String> newKey,
        Optional<String> stream,
        Optional<String> to,
        Optional<String> from,
        Optional<String> route,
        Optional<String> lang,
        Optional<BoshVersion> ver,
        OptionalInt waitSeconds,
        OptionalInt hold,
        Optional<String> content,
        Optional<String> xmppVersion,
        List<XmlPayload> payloads) {

    /** XEP-0124 §14.1: rids stay below 2^53 so that JavaScript clients can count them exactly. */
    public static final long MAX_RID = (1L << 53) - 1;

    public ClientBody {
        if (rid < 1 || rid > MAX_RID) {
            throw new IllegalArgumentException("rid " + rid);
        }
        payloads = List.copyOf(payloads);
    }

    public boolean isCreation() {
        return sid.isEmpty();
    }

    public boolean isTerminate() {
        return type == BodyType.TERMINATE;
    }

    public boolean isEmpty() {
        return payloads.isEmpty();
    }

    /** Payload bytes in total. */
    public long payloadBytes() {
        long n = 0;
        for (XmlPayload p : payloads) {
            n += p.size();
        }
        return n;
    }
}
