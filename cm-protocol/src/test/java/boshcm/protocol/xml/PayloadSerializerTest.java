package boshcm.protocol.xml;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.xml.PayloadSerializer.Target;
import com.ctc.wstx.stax.WstxInputFactory;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;

/** The shared payload serializer, fed by Woodstox: namespace forms per target, escaping, UTF-8. */
class PayloadSerializerTest {

    private static final WstxInputFactory FACTORY = new WstxInputFactory();

    /** Serializes every child of the document element of {@code xml}. */
    static List<XmlPayload> children(String xml, Target target) throws XMLStreamException {
        XMLStreamReader r = FACTORY.createXMLStreamReader(new StringReader(xml));
        PayloadSerializer s = new PayloadSerializer(target, 16);
        List<XmlPayload> out = new ArrayList<>();
        int depth = 0;
        while (r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamConstants.START_ELEMENT) {
                if (++depth > 1) {
                    s.startElement(r);
                }
            } else if (ev == XMLStreamConstants.END_ELEMENT) {
                if (depth-- > 1) {
                    XmlPayload p = s.endElement();
                    if (p != null) {
                        out.add(p);
                    }
                }
            } else if (PayloadSerializer.isText(ev) && depth > 1) {
                s.characters(r);
            }
        }
        return out;
    }

    static String one(String xml, Target target) throws XMLStreamException {
        List<XmlPayload> ps = children(xml, target);
        assertThat(ps).hasSize(1);
        return ps.get(0).text();
    }

    private static String body(String inner) {
        return "<body xmlns='" + Namespaces.HTTPBIND + "' rid='1'>" + inner + "</body>";
    }

    private static String stream(String inner) {
        return "<stream:stream xmlns='jabber:client' xmlns:stream='" + Namespaces.STREAMS + "'>" + inner
                + "</stream:stream>";
    }

    @Test
    void X2_4_unqualifiedClientStanzaGoesUpstreamAsJabberClientWithoutXmlns() throws Exception {
        List<XmlPayload> ps = children(body("<message to='p@example.com'><body>x</body></message>"), Target.UPSTREAM);
        assertThat(ps).hasSize(1);
        XmlPayload p = ps.get(0);
        assertThat(p.text()).isEqualTo("<message to='p@example.com'><body>x</body></message>");
        assertThat(p.namespace()).isEqualTo(Namespaces.JABBER_CLIENT);
        assertThat(p.localName()).isEqualTo("message");
        assertThat(p.isStanza()).isTrue();
        assertThat(p.attributes()).isEqualTo(Map.of("to", "p@example.com"));
    }

    @Test
    void X2_4_prefixedClientStanzaIsUnprefixedUpstream() throws Exception {
        assertThat(one(body("<c:message xmlns:c='jabber:client' to='p@example.com'><c:body>x</c:body></c:message>"),
                Target.UPSTREAM)).isEqualTo("<message to='p@example.com'><body>x</body></message>");
    }

    @Test
    void U12_explicitJabberClientIsDroppedUpstream() throws Exception {
        assertThat(one(body("<presence xmlns='jabber:client'/>"), Target.UPSTREAM)).isEqualTo("<presence/>");
    }

    @Test
    void U12_prefixDeclaredOnBodyIsRedeclaredOnPayload() throws Exception {
        String xml = "<body xmlns='" + Namespaces.HTTPBIND + "' xmlns:e='urn:ex' rid='1'>"
                + "<message xmlns='jabber:client'><e:x e:a='1'><e:y/></e:x><e:z/></message></body>";
        assertThat(one(xml, Target.UPSTREAM))
                .isEqualTo("<message><e:x xmlns:e='urn:ex' e:a='1'><e:y/></e:x><e:z xmlns:e='urn:ex'/></message>");
    }

    @Test
    void B6_6_foreignNamespacesKeptAndSelfContained() throws Exception {
        String xml = body("<message xmlns='jabber:client' to='p@example.com'><x xmlns='urn:example:q' a='1'><y/></x>"
                + "<body>back in client</body></message>");
        assertThat(one(xml, Target.UPSTREAM)).isEqualTo("<message to='p@example.com'><x xmlns='urn:example:q' a='1'>"
                + "<y/></x><body>back in client</body></message>");
        assertThat(one(xml, Target.CLIENT)).isEqualTo("<message xmlns='jabber:client' to='p@example.com'>"
                + "<x xmlns='urn:example:q' a='1'><y/></x><body>back in client</body></message>");
    }

    @Test
    void U12_declarationsCarriedByThePayloadAreKept() throws Exception {
        assertThat(one(body("<message xmlns='jabber:client' xmlns:q='urn:q'><body>q:name</body></message>"),
                Target.UPSTREAM)).isEqualTo("<message xmlns:q='urn:q'><body>q:name</body></message>");
    }

    @Test
    void X2_3_serverStanzaGetsExplicitJabberClientNamespace() throws Exception {
        List<XmlPayload> ps = children(stream("<message from='p@example.com' to='u@example.com/r'><body>hi</body></message>"),
                Target.CLIENT);
        assertThat(ps.get(0).text()).isEqualTo(
                "<message xmlns='jabber:client' from='p@example.com' to='u@example.com/r'><body>hi</body></message>");
        assertThat(ps.get(0).namespace()).isEqualTo(Namespaces.JABBER_CLIENT);
    }

    @Test
    void X2_2_streamElementsUseStreamPrefixDeclaredOnTheElement() throws Exception {
        String xml = stream("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                + "<mechanism>PLAIN</mechanism></mechanisms></stream:features>");
        assertThat(one(xml, Target.CLIENT)).isEqualTo("<stream:features xmlns:stream='" + Namespaces.STREAMS + "'>"
                + "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>"
                + "</stream:features>");
        // Whatever prefix the server chose, the client sees stream:.
        String other = "<s:stream xmlns='jabber:client' xmlns:s='" + Namespaces.STREAMS + "'><s:error>"
                + "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></s:error></s:stream>";
        assertThat(one(other, Target.CLIENT)).isEqualTo("<stream:error xmlns:stream='" + Namespaces.STREAMS + "'>"
                + "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
    }

    @Test
    void attributePrefixClashingWithStreamPrefixIsRenamed() throws Exception {
        String xml = "<r xmlns:s='" + Namespaces.STREAMS + "' xmlns:stream='urn:other'>"
                + "<s:features stream:a='1'/></r>";
        assertThat(one(xml, Target.CLIENT)).isEqualTo("<stream:features xmlns:stream='" + Namespaces.STREAMS
                + "' xmlns:ns0='urn:other' ns0:a='1'/>");
    }

    @Test
    void elementInNoNamespaceUndeclaresTheDefault() throws Exception {
        assertThat(one(body("<message xmlns='jabber:client'><x xmlns=''/></message>"), Target.UPSTREAM))
                .isEqualTo("<message><x xmlns=''/></message>");
        assertThat(one("<r><x/></r>", Target.UPSTREAM)).isEqualTo("<x xmlns=''/>");
    }

    @Test
    void xmlPrefixIsNeverDeclared() throws Exception {
        assertThat(one(body("<message xml:lang='en'><body xml:lang='fr'>x</body></message>"), Target.CLIENT))
                .isEqualTo("<message xml:lang='en'><body xml:lang='fr'>x</body></message>");
    }

    @Test
    void B6_2_textAndAttributesAreEscaped() throws Exception {
        String xml = body("<message xmlns='jabber:client' id='a&apos;b&quot;c&lt;&amp;>' x='t&#9;n&#10;r&#13;'>"
                + "<body>&lt; &amp; ]]&gt; &#13; \u2028 \uD83D\uDE00 <![CDATA[<cdata & ]]]]><![CDATA[>]]></body></message>");
        assertThat(one(xml, Target.UPSTREAM)).isEqualTo("<message id='a&apos;b\"c&lt;&amp;>' x='t&#9;n&#10;r&#13;'>"
                + "<body>&lt; &amp; ]]&gt; &#13; \u2028 \uD83D\uDE00 &lt;cdata &amp; ]]&gt;</body></message>");
    }

    @Test
    void bytesAreUtf8() throws Exception {
        XmlPayload p = children(body("<message xmlns='jabber:client'><body>é€\uD83D\uDE00</body></message>"),
                Target.UPSTREAM).get(0);
        assertThat(p.bytes()).isEqualTo("<message><body>é€\uD83D\uDE00</body></message>".getBytes(StandardCharsets.UTF_8));
        assertThat(p.size()).isEqualTo(p.bytes().length);
    }

    @Test
    void serializerIsReusableAcrossPayloads() throws Exception {
        List<XmlPayload> ps = children(body("<a xmlns='urn:a'><b/></a> <presence/><iq type='get' id='1'/>"), Target.UPSTREAM);
        assertThat(ps).extracting(XmlPayload::text)
                .containsExactly("<a xmlns='urn:a'><b/></a>", "<presence/>", "<iq type='get' id='1'/>");
    }

    @Test
    void outputReparsesToTheSameNamespacedTree() throws Exception {
        String xml = body("<c:message xmlns:c='jabber:client' xmlns:e='urn:e' to='x'><e:x e:a='1' xml:lang='en'>"
                + "<c:body>t</c:body><y xmlns='urn:y'><e:z/></y></e:x></c:message>");
        String up = one(xml, Target.UPSTREAM);
        // Wrapped in an upstream stream, the payload parses to the same names it had in the body.
        String again = one(stream(up), Target.UPSTREAM);
        assertThat(again).isEqualTo(up);
        String client = one(xml, Target.CLIENT);
        assertThat(one(body(client), Target.UPSTREAM)).isEqualTo(up);
    }

    @Test
    void markAndTruncateDropAnElementDecidedOnItsText() throws Exception {
        XMLStreamReader r = FACTORY.createXMLStreamReader(new StringReader(
                "<m xmlns='urn:sasl'><mechanism>A</mechanism><mechanism>B-PLUS</mechanism><mechanism>C</mechanism></m>"));
        PayloadSerializer s = new PayloadSerializer(Target.CLIENT);
        XmlPayload result = null;
        int mark = -1;
        StringBuilder text = new StringBuilder();
        while (r.hasNext()) {
            int ev = r.next();
            if (ev == XMLStreamConstants.START_ELEMENT) {
                if (r.getLocalName().equals("mechanism")) {
                    mark = s.mark();
                    text.setLength(0);
                }
                s.startElement(r);
            } else if (ev == XMLStreamConstants.CHARACTERS) {
                text.append(r.getText());
                s.characters(r);
            } else if (ev == XMLStreamConstants.END_ELEMENT) {
                result = s.endElement();
                if (r.getLocalName().equals("mechanism") && text.toString().endsWith("-PLUS")) {
                    s.truncate(mark);
                }
            }
        }
        assertThat(result.text()).isEqualTo("<m xmlns='urn:sasl'><mechanism>A</mechanism><mechanism>C</mechanism></m>");
    }

    @Test
    void sizeIsTrackedWhileWriting() throws Exception {
        XMLStreamReader r = FACTORY.createXMLStreamReader(new StringReader("<a xmlns='urn:a'>é</a>"));
        PayloadSerializer s = new PayloadSerializer(Target.UPSTREAM);
        r.next();
        s.startElement(r);
        assertThat(s.size()).isEqualTo("<a xmlns='urn:a'".length());
        r.next();
        s.characters(r);
        assertThat(s.size()).isEqualTo("<a xmlns='urn:a'>é".getBytes(StandardCharsets.UTF_8).length);
        assertThat(s.depth()).isEqualTo(1);
        assertThat(s.endElement().size()).isEqualTo("<a xmlns='urn:a'>é</a>".getBytes(StandardCharsets.UTF_8).length);
        assertThat(s.size()).isZero();
        assertThat(s.depth()).isZero();
    }

    /** The top element's unprefixed attributes, at every count the map builder treats apart (0 to 5, then more). */
    @Test
    void topAttributesAtEveryCount() throws Exception {
        for (int n = 0; n <= 7; n++) {
            StringBuilder xml = new StringBuilder("<message xmlns='jabber:client' xml:lang='en'");
            Map<String, String> expected = new java.util.HashMap<>();
            for (int i = 0; i < n; i++) {
                xml.append(" a").append(i).append("='v").append(i).append('\'');
                expected.put("a" + i, "v" + i);
            }
            XmlPayload p = children(body(xml + "><x a='child'/></message>"), Target.UPSTREAM).get(0);
            assertThat(p.attributes()).as("%d attributes", n).isEqualTo(expected);
        }
    }

    /** Names are unique in well-formed XML; were one repeated, the last value wins, as with a HashMap. */
    @Test
    void repeatedAttributeNameKeepsTheLastValue() {
        String[] pairs = {"id", "a", "to", "b", "id", "c"};
        assertThat(PayloadSerializer.attributeMap(pairs, 3)).isEqualTo(Map.of("id", "c", "to", "b"));
    }
}
