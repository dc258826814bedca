package boshcm.protocol.sm;

import boshcm.protocol.body.XmlPayload;
import java.util.Optional;

/**
 * What the CM remembers of an inbound stanza the browser has not acknowledged yet, like
 * {@code message type='chat' id='m4'}: enough to sanity-check the server's retransmission of it after
 * a resume (checklist SM-17, SM-19). Never the bytes: MongooseIM adds {@code <delay/>} to what it resends.
 */
public record StanzaMark(String localName, Optional<String> type, Optional<String> id) {

    public static StanzaMark of(XmlPayload stanza) {
        return new StanzaMark(stanza.localName(), stanza.attribute("type"), stanza.attribute("id"));
    }

    /**
     * Whether {@code retransmission} can be this stanza sent again: same element name, and the
     * {@code type} and {@code id} this one carried, unchanged (a retransmission that drops one is
     * suspect too).
     */
    public boolean matches(StanzaMark retransmission) {
        return localName.equals(retransmission.localName)
                && (type.isEmpty() || type.equals(retransmission.type))
                && (id.isEmpty() || id.equals(retransmission.id));
    }

    @Override
    public String toString() {
        return localName + type.map(t -> " type='" + t + "'").orElse("") + id.map(i -> " id='" + i + "'").orElse("");
    }
}
