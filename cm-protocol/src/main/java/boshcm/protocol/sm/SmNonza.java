package boshcm.protocol.sm;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * An XEP-0198 element the server sends on a stream whose SM the CM owns, read from its top-level
 * attributes. SM elements are nonzas: never counted (§1, checklist SM-2). Only {@code urn:xmpp:sm:3},
 * the namespace the CM enables.
 */
public sealed interface SmNonza {

    /** {@code <enabled/>} (§3): the inbound counter starts now (SM-3). */
    record Enabled(ResumeState state) implements SmNonza {}

    /** {@code <resumed previd='…' h='x'/>} (§5): the server handled x of our stanzas. */
    record Resumed(String previd, long h) implements SmNonza {}

    /** {@code <failed h='x'/>} (§5, §6; SM-7): the condition is a child and not read here; h when given. */
    record Failed(OptionalLong h) implements SmNonza {}

    /** {@code <r/>} (§4): answer at once with {@link InboundLedger#ack()} (SM-5). */
    record Request() implements SmNonza {}

    /** {@code <a h='x'/>} (§4): give x to {@link OutboundLedger#acknowledge(long)}. */
    record Ack(long h) implements SmNonza {}

    /**
     * An {@code <a/>} or {@code <resumed/>} without a usable {@code h}: §4 says an {@code <a/>} MUST
     * have one, so the CM treats the stream as broken.
     */
    record Invalid(String localName, String reason) implements SmNonza {}

    /** Anything else in the namespace ({@code <sm/>} inside features is not a top-level element). */
    record Other(String localName) implements SmNonza {}

    /** The element as an SM nonza; empty when it is not in {@code urn:xmpp:sm:3}. */
    public static Optional<SmNonza> parse(XmlPayload payload) {
        if (!Namespaces.SM.equals(payload.namespace())) {
            return Optional.empty();
        }
        String name = payload.localName();
        switch (name) {
            case "enabled":
                return Optional.of(new Enabled(ResumeState.fromEnabled(payload)));
            case "r":
                return Optional.of(new Request());
            case "a": {
                OptionalLong h = h(payload);
                return Optional.of(h.isPresent() ? new Ack(h.getAsLong()) : invalidH(payload));
            }
            case "resumed": {
                OptionalLong h = h(payload);
                Optional<String> previd = payload.attribute("previd");
                if (h.isEmpty() || previd.isEmpty()) {
                    return Optional.of(h.isEmpty() ? invalidH(payload) : new Invalid(name, "no previd"));
                }
                return Optional.of(new Resumed(previd.get(), h.getAsLong()));
            }
            case "failed":
                return Optional.of(new Failed(h(payload)));
            default:
                return Optional.of(new Other(name));
        }
    }

    private static OptionalLong h(XmlPayload payload) {
        return payload.attribute("h").map(SequenceNumber::parse).orElse(OptionalLong.empty());
    }

    private static Invalid invalidH(XmlPayload payload) {
        return new Invalid(payload.localName(), "h=" + payload.attribute("h").map(v -> "'" + v + "'").orElse("absent"));
    }
}
