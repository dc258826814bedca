package boshcm.protocol.xmpp;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the CM writes upstream: RFC 6120 §4.7 headers (U-2, U-3), close, errors, X-7-1 bounces. */
class StreamWriterTest {

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static XmlPayload stanza(String name, String... kv) {
        Map<String, String> attrs = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            attrs.put(kv[i], kv[i + 1]);
        }
        return new XmlPayload(Namespaces.JABBER_CLIENT, name, attrs, "<x/>".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void U2_headerHasNoIdAndFromOnlyWhenAsked() {
        StreamHeader h = new StreamHeader(Optional.of("example.com"), Optional.of("u@example.com"), Optional.of("ignored"),
                Optional.of("en"), Optional.of("1.0"));
        assertThat(s(StreamWriter.header(h, false))).isEqualTo("<?xml version='1.0'?><stream:stream to='example.com'"
                + " xml:lang='en' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
        assertThat(s(StreamWriter.header(h, true))).isEqualTo("<?xml version='1.0'?><stream:stream to='example.com'"
                + " from='u@example.com' xml:lang='en' version='1.0' xmlns='jabber:client'"
                + " xmlns:stream='http://etherx.jabber.org/streams'>");
    }

    @Test
    void U3_fromIsLeftOutOfCleartextHeaders() {
        StreamHeader h = StreamHeader.initiating("example.com", Optional.of("u@example.com"), Optional.empty(), "1.0");
        assertThat(s(StreamWriter.header(h, false))).doesNotContain("from=").doesNotContain("u@example.com");
        assertThat(s(StreamWriter.header(h, true))).contains(" from='u@example.com'");
    }

    @Test
    void X3_1_versionDefaultsTo1_0AndValuesAreEscaped() {
        StreamHeader h = new StreamHeader(Optional.of("ex'ample.com"), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
        assertThat(s(StreamWriter.header(h, true))).isEqualTo("<?xml version='1.0'?><stream:stream to='ex&apos;ample.com'"
                + " version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>");
    }

    @Test
    void headerParsesBackWithTheTokenizer() {
        StreamHeader h = StreamHeader.initiating("example.com", Optional.empty(), Optional.of("de"), "1.0");
        List<StreamEvent> events = new StreamTokenizer(TokenizerOptions.defaults())
                .feed(ByteBuffer.wrap(StreamWriter.header(h, true)));
        assertThat(events).containsExactly(new StreamEvent.Opened(h));
    }

    @Test
    void closeErrorAndStartTls() {
        assertThat(s(StreamWriter.close())).isEqualTo("</stream:stream>");
        assertThat(s(StreamWriter.streamError("restricted-xml"))).isEqualTo(
                "<stream:error><restricted-xml xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
        assertThat(s(StreamWriter.startTls())).isEqualTo("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
    }

    @Test
    void X7_1_messageBouncesWithRecipientUnavailable() {
        XmlPayload bounce = StreamWriter.bounce(stanza("message", "from", "p@example.com/r", "to", "u@example.com/bosh",
                "id", "m'1", "type", "chat")).orElseThrow();
        assertThat(bounce.text()).isEqualTo("<message type='error' to='p@example.com/r' from='u@example.com/bosh'"
                + " id='m&apos;1'><error type='cancel'><recipient-unavailable"
                + " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
        assertThat(bounce.isStanza()).isTrue();
        assertThat(bounce.attribute("to")).contains("p@example.com/r");
        assertThat(StreamWriter.bounce(stanza("message", "from", "p@example.com"))).isPresent();
    }

    @Test
    void X7_1_iqGetOrSetBouncesWithServiceUnavailable() {
        for (String type : new String[] {"get", "set"}) {
            XmlPayload bounce = StreamWriter.bounce(stanza("iq", "from", "example.com", "id", "p1", "type", type))
                    .orElseThrow();
            assertThat(bounce.text()).isEqualTo("<iq type='error' to='example.com' id='p1'><error type='cancel'>"
                    + "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
        }
    }

    @Test
    void X7_1_presenceErrorsAndResultsAreNotAnswered() {
        assertThat(StreamWriter.bounce(stanza("presence", "from", "p@example.com"))).isEmpty();
        assertThat(StreamWriter.bounce(stanza("message", "from", "p@example.com", "type", "error"))).isEmpty();
        assertThat(StreamWriter.bounce(stanza("iq", "from", "p@example.com", "type", "result"))).isEmpty();
        assertThat(StreamWriter.bounce(stanza("iq", "from", "p@example.com", "type", "error"))).isEmpty();
        assertThat(StreamWriter.bounce(new XmlPayload("urn:xmpp:sm:3", "r", Map.of(), new byte[0]))).isEmpty();
    }
}
