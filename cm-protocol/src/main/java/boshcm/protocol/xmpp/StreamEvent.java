package boshcm.protocol.xmpp;

import boshcm.protocol.body.XmlPayload;
import java.util.Optional;

/**
 * Something that happened on an upstream XMPP stream: produced by {@link StreamTokenizer} from bytes,
 * or by the transport ({@link Lost}).
 */
public sealed interface StreamEvent {

    /** The server's {@code <stream:stream>} open tag. */
    record Opened(StreamHeader header) implements StreamEvent {}

    /**
     * {@code <stream:features/>}.
     *
     * @param clientView the element as the browser may see it: starttls, compression, SCRAM-*-PLUS
     *                   and sasl-channel-binding removed (checklist U-6, X-2-5, X-4-4); sm removed
     *                   too when the tokenizer was told the CM owns SM
     * @param offered    what the server offered, unfiltered
     */
    record Features(XmlPayload clientView, FeatureSet offered) implements StreamEvent {}

    /**
     * Any other top-level element: a stanza, a SASL or TLS element, an SM nonza.
     *
     * @param boundJid the {@code <jid/>} of an {@code <iq type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>}
     *                 (RFC 6120 §7.6.1), when this element is one
     */
    record Element(XmlPayload payload, Optional<String> boundJid) implements StreamEvent {
        public Element(XmlPayload payload) {
            this(payload, Optional.empty());
        }
    }

    /**
     * {@code <stream:error/>} (RFC 6120 §4.9).
     *
     * @param clientView the whole element with its children and {@code xmlns:stream} declared (X-6-1)
     * @param condition  the defined condition's local name, like {@code conflict}; "undefined-condition"
     *                   when none could be found
     */
    record StreamError(XmlPayload clientView, String condition) implements StreamEvent {}

    /** {@code </stream:stream>}. */
    record Closed() implements StreamEvent {}

    /**
     * The server sent something a c2s stream must not carry: not well-formed XML, restricted XML
     * (comments, PIs, DTDs, entity references: RFC 6120 §11.1), or a stanza over the size limit.
     *
     * @param streamErrorCondition what to answer upstream with: {@code not-well-formed},
     *                             {@code restricted-xml}, {@code unsupported-encoding} or {@code policy-violation}
     */
    record Malformed(String streamErrorCondition, String reason) implements StreamEvent {}

    /** The TCP connection could not be made or secured, or it ended without {@code </stream:stream>}. */
    record Lost(String reason) implements StreamEvent {}
}
