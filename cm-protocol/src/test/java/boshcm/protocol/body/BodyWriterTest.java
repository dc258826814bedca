package boshcm.protocol.body;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.error.Condition;
import com.ctc.wstx.stax.WstxInputFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.junit.jupiter.api.Test;

/** XEP-0124 §6 response bodies; checklist B-6-1, B-6-2, X-2-2, X-4-2. */
class BodyWriterTest {

    private static final String OPEN = "<body xmlns='http://jabber.org/protocol/httpbind'";

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static XmlPayload payload(String ns, String name, String xml) {
        return new XmlPayload(ns, name, Map.of(), xml.getBytes(StandardCharsets.UTF_8));
    }

    /** B-6-1: a strict, namespace-aware parse; returns "{ns}local" of every element, in document order. */
    static List<String> strictParse(byte[] xml) throws Exception {
        WstxInputFactory f = new WstxInputFactory();
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        XMLStreamReader r = f.createXMLStreamReader(new ByteArrayInputStream(xml));
        List<String> names = new ArrayList<>();
        int roots = 0;
        int depth = 0;
        while (r.hasNext()) {
            int ev = r.next();
            assertThat(ev).isNotIn(XMLStreamConstants.COMMENT, XMLStreamConstants.PROCESSING_INSTRUCTION,
                    XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE);
            if (ev == XMLStreamConstants.START_ELEMENT) {
                if (depth++ == 0) {
                    roots++;
                }
                names.add("{" + r.getNamespaceURI() + "}" + r.getLocalName());
            } else if (ev == XMLStreamConstants.END_ELEMENT) {
                depth--;
            } else if (ev == XMLStreamConstants.CHARACTERS && depth == 1) {
                throw new AssertionError("B-6-4: text directly inside <body/>");
            }
        }
        assertThat(roots).isEqualTo(1);
        assertThat(names.get(0)).isEqualTo("{" + Namespaces.HTTPBIND + "}body");
        return names;
    }

    @Test
    void B6_1_emptyBodySelfClosesAndParsesStrictly() throws Exception {
        byte[] out = BodyWriter.write(ServerBody.empty());
        assertThat(s(out)).isEqualTo(OPEN + "/>");
        strictParse(out);
    }

    @Test
    void terminateCarriesTypeAndConditionFirst() throws Exception {
        assertThat(s(BodyWriter.write(ServerBody.terminate(Condition.ITEM_NOT_FOUND).with(BodyAttribute.ACK, "5"))))
                .isEqualTo(OPEN + " type='terminate' condition='item-not-found' ack='5'/>");
        assertThat(s(BodyWriter.write(ServerBody.terminate()))).isEqualTo(OPEN + " type='terminate'/>");
        assertThat(s(BodyWriter.write(ServerBody.recoverableError()))).isEqualTo(OPEN + " type='error'/>");
    }

    /**
     * XEP-0124 §17.2 (B-17.2-3): see-other-uri carries the target in a {@code <uri/>} child, in the
     * body's own namespace, its text escaped (example 27).
     */
    @Test
    void B17_2_3_seeOtherUriCarriesTheUriChild() throws Exception {
        byte[] out = BodyWriter.write(ServerBody.seeOtherUri("https://cm2.example.com/http-bind?a=1&b=<2>"));
        assertThat(s(out)).isEqualTo(OPEN + " type='terminate' condition='see-other-uri'>"
                + "<uri>https://cm2.example.com/http-bind?a=1&amp;b=&lt;2&gt;</uri></body>");
        assertThat(strictParse(out)).containsExactly("{" + Namespaces.HTTPBIND + "}body", "{" + Namespaces.HTTPBIND + "}uri");
        assertThat(ServerBody.seeOtherUri("https://x").condition()).contains(Condition.SEE_OTHER_URI);
    }

    @Test
    void X4_2_creationResponseDeclaresXmppPrefix() throws Exception {
        ServerBody b = ServerBody.empty()
                .with(BodyAttribute.XMPP_RESTARTLOGIC, "true")
                .with(BodyAttribute.XMPP_VERSION, "1.0")
                .with(BodyAttribute.VER, "1.11")
                .with(BodyAttribute.SID, "n1-abc")
                .with(BodyAttribute.WAIT, "60")
                .with(BodyAttribute.HOLD, "1")
                .with(BodyAttribute.REQUESTS, "2")
                .with(BodyAttribute.INACTIVITY, "30")
                .with(BodyAttribute.POLLING, "5")
                .with(BodyAttribute.MAXPAUSE, "120")
                .with(BodyAttribute.FROM, "example.com")
                .with(BodyAttribute.ACK, "1000");
        byte[] out = BodyWriter.write(b);
        assertThat(s(out)).isEqualTo(OPEN + " xmlns:xmpp='urn:xmpp:xbosh' sid='n1-abc' wait='60' requests='2' hold='1'"
                + " inactivity='30' polling='5' maxpause='120' ver='1.11' ack='1000' from='example.com'"
                + " xmpp:version='1.0' xmpp:restartlogic='true'/>");
        strictParse(out);
    }

    @Test
    void X2_2_streamPayloadDeclaresStreamPrefixOnBody() throws Exception {
        XmlPayload features = payload(Namespaces.STREAMS, "features", "<stream:features xmlns:stream='"
                + Namespaces.STREAMS + "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>");
        byte[] out = BodyWriter.write(ServerBody.empty().with(BodyAttribute.XMPP_VERSION, "1.0")
                .withPayloads(List.of(features)));
        assertThat(s(out)).isEqualTo(OPEN + " xmlns:xmpp='urn:xmpp:xbosh' xmlns:stream='" + Namespaces.STREAMS
                + "' xmpp:version='1.0'>" + features.text() + "</body>");
        assertThat(strictParse(out)).containsExactly("{" + Namespaces.HTTPBIND + "}body",
                "{" + Namespaces.STREAMS + "}features", "{urn:ietf:params:xml:ns:xmpp-bind}bind");
    }

    @Test
    void X6_1_remoteStreamErrorBody() throws Exception {
        XmlPayload m = payload(Namespaces.JABBER_CLIENT, "message", "<message xmlns='jabber:client'><body>x</body></message>");
        XmlPayload err = payload(Namespaces.STREAMS, "error", "<stream:error xmlns:stream='" + Namespaces.STREAMS
                + "'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
        byte[] out = BodyWriter.write(ServerBody.terminate(Condition.REMOTE_STREAM_ERROR).withPayloads(List.of(m, err)));
        assertThat(s(out)).isEqualTo(OPEN + " xmlns:stream='" + Namespaces.STREAMS + "' type='terminate'"
                + " condition='remote-stream-error'>" + m.text() + err.text() + "</body>");
        strictParse(out);
    }

    @Test
    void payloadBytesAreCopiedVerbatim() {
        XmlPayload a = payload(Namespaces.JABBER_CLIENT, "message", "<message xmlns='jabber:client'>\uD83D\uDE00</message>");
        XmlPayload b = payload(Namespaces.JABBER_CLIENT, "presence", "<presence xmlns='jabber:client'/>");
        byte[] out = BodyWriter.write(ServerBody.empty().withPayloads(List.of(a, b)));
        assertThat(s(out)).isEqualTo(OPEN + ">" + a.text() + b.text() + "</body>");
    }

    @Test
    void B6_2_attributeValuesAreEscaped() throws Exception {
        byte[] out = BodyWriter.write(ServerBody.empty().with(BodyAttribute.AUTHID, "a'b<c&d\"e\u2028\uD83D\uDE00"));
        assertThat(s(out)).isEqualTo(OPEN + " authid='a&apos;b&lt;c&amp;d\"e\u2028\uD83D\uDE00'/>");
        strictParse(out);
    }

    /** B-6-2: client-visible output of a hostile message never contains markup it should not. */
    @Test
    void B6_2_escapedMessageReachesTheClientWithoutRestrictedMarkup() throws Exception {
        var tokenizer = new boshcm.protocol.xmpp.StreamTokenizer(boshcm.protocol.xmpp.TokenizerOptions.defaults());
        String stream = "<stream:stream xmlns='jabber:client' xmlns:stream='" + Namespaces.STREAMS + "'>"
                + "<message from='p@example.com'><body>&lt;!-- &lt;?pi?&gt; &lt;!DOCTYPE x&gt; &amp;amp; &lt; &amp; ]]&gt;"
                + " \u2028 \uD83D\uDE00 <![CDATA[<&>]]></body></message>";
        List<XmlPayload> payloads = new ArrayList<>();
        for (var e : tokenizer.feed(java.nio.ByteBuffer.wrap(stream.getBytes(StandardCharsets.UTF_8)))) {
            if (e instanceof boshcm.protocol.xmpp.StreamEvent.Element el) {
                payloads.add(el.payload());
            }
        }
        byte[] out = BodyWriter.write(ServerBody.empty().withPayloads(payloads));
        String text = s(out);
        assertThat(text).doesNotContain("<!--").doesNotContain("<?").doesNotContain("<!DOCTYPE");
        assertThat(Pattern.compile("&(?!(lt|gt|amp|quot|apos);)").matcher(text).find()).isFalse();
        assertThat(text).contains("\u2028 \uD83D\uDE00 &lt;&amp;&gt;");
        strictParse(out);
        // And the client reads back exactly what the server meant.
        WstxInputFactory f = new WstxInputFactory();
        XMLStreamReader r = f.createXMLStreamReader(new ByteArrayInputStream(out));
        StringBuilder body = new StringBuilder();
        while (r.hasNext()) {
            if (r.next() == XMLStreamConstants.CHARACTERS) {
                body.append(r.getText());
            }
        }
        assertThat(body.toString()).isEqualTo("<!-- <?pi?> <!DOCTYPE x> &amp; < & ]]> \u2028 \uD83D\uDE00 <&>");
    }

    @Test
    void writtenBodyParsesBackAsAClientBody() {
        XmlPayload m = payload(Namespaces.JABBER_CLIENT, "message", "<message xmlns='jabber:client' to='a@b'/>");
        byte[] out = BodyWriter.write(ServerBody.empty().with(BodyAttribute.SID, "s").withPayloads(List.of(m)));
        String withRid = s(out).replace("<body ", "<body rid='1' ");
        ParseOutcome parsed = new BodyParser(BodyLimits.defaults()).parse(withRid.getBytes(StandardCharsets.UTF_8));
        ClientBody b = ((ParseOutcome.Parsed) parsed).body();
        assertThat(b.sid()).isEqualTo(Optional.of("s"));
        assertThat(b.payloads()).extracting(XmlPayload::text).containsExactly("<message to='a@b'/>");
    }
}
