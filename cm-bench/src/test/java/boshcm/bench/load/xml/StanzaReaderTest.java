package boshcm.bench.load.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the reader makes of the elements Prosody and boshcm actually send during a login and a chat. */
class StanzaReaderTest {

    private final XmlScanner scanner = new XmlScanner();
    private final StanzaReader reader = new StanzaReader();
    private final RecordingListener listener = new RecordingListener();

    private void read(String xml) {
        byte[] b = xml.getBytes(StandardCharsets.UTF_8);
        scanner.reset(b, 0, b.length);
        assertThat(reader.read(scanner, scanner.next(), listener)).isTrue();
    }

    @Test
    void featuresBeforeAuthenticationListMechanisms() {
        read("<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                + "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>");
        assertThat(listener.features.mechanisms()).containsExactly("SCRAM-SHA-1", "PLAIN");
        assertThat(listener.features.bind()).isFalse();
    }

    @Test
    void featuresAfterAuthenticationOfferBindAndAnOptionalSession() {
        read("<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind>"
                + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"
                + "<sm xmlns='urn:xmpp:sm:3'/></stream:features>");
        assertThat(listener.features.bind()).isTrue();
        assertThat(listener.features.sessionRequired()).isFalse();
    }

    @Test
    void aSessionFeatureWithoutOptionalIsRequired() {
        read("<features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></features>");
        assertThat(listener.features.sessionRequired()).isTrue();
    }

    @Test
    void bindResultCarriesTheFullJid() {
        read("<iq id='bind_1' type='result' xmlns='jabber:client'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>u1@bench.test/abc</jid></bind></iq>");
        assertThat(listener.events).containsExactly("iq-result bind_1 u1@bench.test/abc");
    }

    @Test
    void iqErrorNamesItsCondition() {
        read("<iq id='bind_1' type='error'><error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>");
        assertThat(listener.events).containsExactly("iq-error bind_1 conflict");
    }

    @Test
    void benchmarkMessageYieldsItsNumbers() {
        read("<message from='u1@bench.test/a' to='u2@bench.test/b' type='chat' xmlns='jabber:client'>"
                + "<body>42 123456789</body></message>");
        assertThat(listener.events).containsExactly("chat 42 123456789");
    }

    @Test
    void aMessageWithoutNumbersIsIgnoredAndABounceCounted() {
        read("<message type='chat'><body>hello</body></message>");
        read("<message type='error'><body>1 2</body><error type='cancel'><service-unavailable/></error></message>");
        assertThat(listener.events).containsExactly("message-error");
    }

    @Test
    void saslOutcomesAndStreamErrors() {
        read("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        read("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>");
        read("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                + "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Replaced</text></stream:error>");
        assertThat(listener.events).containsExactly("success", "failure not-authorized", "stream-error conflict");
    }

    @Test
    void presenceIsSkipped() {
        read("<presence from='x@y/z'><priority>1</priority></presence>");
        assertThat(listener.events).isEmpty();
    }
}
