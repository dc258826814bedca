package boshcm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.error.Condition;
import java.io.ByteArrayInputStream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;

/** Checklist B-6-1: the HTTP layer's own answers are exactly one namespace-well-formed httpbind {@code <body/>}. */
class TerminateBodyTest {

    @Test
    void B61_everyTerminateBodyIsOneHttpbindBodyElement() throws Exception {
        XMLInputFactory factory = XMLInputFactory.newFactory();
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        for (Condition c : Condition.values()) {
            XMLStreamReader r = factory.createXMLStreamReader(new ByteArrayInputStream(TerminateBody.of(c)));
            assertThat(r.nextTag()).isEqualTo(XMLStreamConstants.START_ELEMENT);
            assertThat(r.getLocalName()).isEqualTo("body");
            assertThat(r.getNamespaceURI()).isEqualTo("http://jabber.org/protocol/httpbind");
            assertThat(r.getAttributeValue(null, "type")).isEqualTo("terminate");
            assertThat(r.getAttributeValue(null, "condition")).isEqualTo(c.wireName());
            assertThat(r.nextTag()).isEqualTo(XMLStreamConstants.END_ELEMENT);
            assertThat(r.next()).isEqualTo(XMLStreamConstants.END_DOCUMENT);
        }
    }

    @Test
    void copiesAreIndependent() {
        byte[] a = TerminateBody.of(Condition.BAD_REQUEST);
        a[0] = 'x';
        assertThat(TerminateBody.of(Condition.BAD_REQUEST)[0]).isEqualTo((byte) '<');
    }
}
