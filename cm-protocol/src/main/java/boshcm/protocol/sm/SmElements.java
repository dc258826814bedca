package boshcm.protocol.sm;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.xml.XmlOutput;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The XEP-0198 elements the connection manager writes on its upstream stream in managed mode
 * (checklist SM-11 B), in upstream form: the SM namespace declared on the element, the
 * {@code stream:} prefix left to the stream header, as {@link boshcm.protocol.xmpp.StreamWriter} does.
 */
public final class SmElements {

    private static final XmlPayload REQUEST = build("r", Map.of());

    private SmElements() {}

    /** {@code <r xmlns='urn:xmpp:sm:3'/>}: §4, no attributes. */
    public static XmlPayload request() {
        return REQUEST;
    }

    /** {@code <a xmlns='urn:xmpp:sm:3' h='5'/>}: §4, the answer to {@code <r/>} (SM-5) and the last word before a close (SM-16). */
    public static XmlPayload ack(long h) {
        return build("a", Map.of("h", SequenceNumber.toWire(h)));
    }

    /**
     * {@code <enable xmlns='urn:xmpp:sm:3' resume='true' max='300'/>}: §3; {@code max} is the CM's
     * preferred resumption time in whole seconds (SM-8), left out when empty.
     */
    public static XmlPayload enable(boolean resume, Optional<Duration> max) {
        Map<String, String> attributes = new LinkedHashMap<>(4);
        if (resume) {
            attributes.put("resume", "true");
        }
        max.ifPresent(d -> {
            if (d.getSeconds() < 1) {
                throw new IllegalArgumentException("max must be at least one second: " + d);
            }
            attributes.put("max", Long.toString(d.getSeconds()));
        });
        return build("enable", attributes);
    }

    /**
     * {@code <resume xmlns='urn:xmpp:sm:3' previd='some-long-sm-id' h='3'/>}: §5, sent after SASL
     * and the stream restart, before any bind (SM-6); {@code h} is {@link InboundLedger#resumeSent()}.
     */
    public static XmlPayload resume(String previd, long h) {
        Map<String, String> attributes = new LinkedHashMap<>(4);
        attributes.put("previd", previd);
        attributes.put("h", SequenceNumber.toWire(h));
        return build("resume", attributes);
    }

    /**
     * §4: the stream error for an ack of more stanzas than were sent (checklist SM-4), like
     * {@code <stream:error><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>
     * <handled-count-too-high xmlns='urn:xmpp:sm:3' h='9' send-count='2'/></stream:error>}.
     */
    public static XmlPayload handledCountTooHigh(long h, long sendCount) {
        String hValue = SequenceNumber.toWire(h);
        String sent = SequenceNumber.toWire(sendCount);
        XmlOutput out = new XmlOutput(192);
        out.ascii("<stream:error><undefined-condition xmlns='" + Namespaces.XMPP_STREAMS + "'/>")
                .ascii("<handled-count-too-high xmlns='" + Namespaces.SM + "' h='").ascii(hValue)
                .ascii("' send-count='").ascii(sent).ascii("'/></stream:error>");
        return new XmlPayload(Namespaces.STREAMS, "error", Map.of(), out.toByteArray());
    }

    private static XmlPayload build(String name, Map<String, String> attributes) {
        XmlOutput out = new XmlOutput(64);
        out.ascii('<').ascii(name).ascii(" xmlns='" + Namespaces.SM + "'");
        attributes.forEach((k, v) -> out.ascii(' ').ascii(k).ascii("='").attributeValue(v).ascii('\''));
        out.ascii("/>");
        return new XmlPayload(Namespaces.SM, name, attributes, out.toByteArray());
    }
}
