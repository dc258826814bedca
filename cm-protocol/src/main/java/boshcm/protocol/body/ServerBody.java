package boshcm.protocol.body;

import boshcm.protocol.error.Condition;
import boshcm.protocol.xml.XmlOutput;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A response wrapper like {@code <body xmlns='http://jabber.org/protocol/httpbind' ack='1002'>...</body>}
 * or {@code <body type='terminate' condition='item-not-found' xmlns='http://jabber.org/protocol/httpbind'/>}.
 * Immutable. {@link BodyWriter} turns it into bytes.
 *
 * @param type       NONE, TERMINATE or ERROR
 * @param condition  the terminal condition, for TERMINATE; none for a plain terminate (XEP-0124 §13)
 * @param attributes every other attribute, written in {@link BodyAttribute} order
 * @param payloads   children, in client form
 */
public record ServerBody(BodyType type, Optional<Condition> condition, Map<BodyAttribute, String> attributes,
                         List<XmlPayload> payloads) {

    public ServerBody {
        if (condition.isPresent() && type != BodyType.TERMINATE) {
            throw new IllegalArgumentException("condition only on terminate");
        }
        attributes = copyOf(attributes);
        payloads = List.copyOf(payloads);
    }

    /** {@code <body xmlns='http://jabber.org/protocol/httpbind'/>}; immutable, so one serves every session. */
    private static final ServerBody EMPTY = new ServerBody(BodyType.NONE, Optional.empty(), Map.of(), List.of());

    public static ServerBody empty() {
        return EMPTY;
    }

    public static ServerBody terminate(Condition condition) {
        return new ServerBody(BodyType.TERMINATE, Optional.of(condition), Map.of(), List.of());
    }

    /** {@code <body type='terminate'/>} with no condition: a normal end (XEP-0124 §13). */
    public static ServerBody terminate() {
        return new ServerBody(BodyType.TERMINATE, Optional.empty(), Map.of(), List.of());
    }

    /**
     * XEP-0124 §17.2 see-other-uri, like {@code <body type='terminate' condition='see-other-uri'
     * xmlns='http://jabber.org/protocol/httpbind'><uri>https://cm2.example.com/http-bind</uri></body>}
     * (the spec's example 27): the client can try POSTing to {@code uri} instead (B-17.2-3). The
     * {@code <uri/>} child is in the body's own namespace, so it is written without a prefix or xmlns.
     */
    public static ServerBody seeOtherUri(String uri) {
        XmlOutput out = new XmlOutput(uri.length() + 16);
        out.ascii("<uri>").text(uri).ascii("</uri>");
        XmlPayload child = new XmlPayload(Namespaces.HTTPBIND, "uri", Map.of(), out.toByteArray());
        return terminate(Condition.SEE_OTHER_URI).withPayloads(List.of(child));
    }

    /** XEP-0124 §17.3: {@code <body type='error'/>}, recoverable. */
    public static ServerBody recoverableError() {
        return new ServerBody(BodyType.ERROR, Optional.empty(), Map.of(), List.of());
    }

    public ServerBody with(BodyAttribute attribute, String value) {
        EnumMap<BodyAttribute, String> copy = new EnumMap<>(BodyAttribute.class);
        copy.putAll(attributes);
        copy.put(attribute, value);
        return new ServerBody(type, condition, copy, payloads);
    }

    public ServerBody without(BodyAttribute attribute) {
        if (!attributes.containsKey(attribute)) {
            return this;
        }
        EnumMap<BodyAttribute, String> copy = new EnumMap<>(BodyAttribute.class);
        copy.putAll(attributes);
        copy.remove(attribute);
        return new ServerBody(type, condition, copy, payloads);
    }

    public ServerBody withPayloads(List<XmlPayload> newPayloads) {
        return new ServerBody(type, condition, attributes, newPayloads);
    }

    public Optional<String> attribute(BodyAttribute attribute) {
        return Optional.ofNullable(attributes.get(attribute));
    }

    public boolean isTerminal() {
        return type == BodyType.TERMINATE;
    }

    /**
     * An unmodifiable copy in {@link BodyAttribute} order, without type and condition. Most responses
     * carry no attribute at all: those share the empty map instead of a fresh EnumMap (about 200 bytes
     * per body, docs/benchmarks.md).
     */
    private static Map<BodyAttribute, String> copyOf(Map<BodyAttribute, String> attributes) {
        if (attributes.isEmpty()) {
            return Map.of();
        }
        EnumMap<BodyAttribute, String> copy = new EnumMap<>(BodyAttribute.class);
        copy.putAll(attributes);
        copy.remove(BodyAttribute.TYPE);
        copy.remove(BodyAttribute.CONDITION);
        return Collections.unmodifiableMap(copy);
    }
}
