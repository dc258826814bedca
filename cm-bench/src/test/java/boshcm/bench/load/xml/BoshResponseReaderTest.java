package boshcm.bench.load.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** XEP-0124 §7.2 creation responses, §8 payloads, §13/§17 terminate: as the client reads them. */
class BoshResponseReaderTest {

    private final RecordingListener events = new RecordingListener();
    private final BoshResponseReader reader = new BoshResponseReader(new XmlScanner(), new StanzaReader());

    private boolean read(String xml, boolean creation) {
        byte[] b = xml.getBytes(StandardCharsets.UTF_8);
        return reader.read(b, 0, b.length, creation, events);
    }

    @Test
    void creationResponseGivesSidRequestsAndFeatures() {
        assertThat(read("<body xmlns='http://jabber.org/protocol/httpbind' xmlns:stream='http://etherx.jabber.org/streams'"
                + " sid='abc' wait='60' requests='2' hold='1' inactivity='60' ver='1.6' from='bench.test'>"
                + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
                + "</mechanisms></stream:features></body>", true)).isTrue();
        assertThat(events.events).containsExactly("created abc 2", "features [PLAIN] bind=false session=false");
    }

    @Test
    void emptyResponse() {
        assertThat(read("<body xmlns='http://jabber.org/protocol/httpbind'/>", false)).isTrue();
        assertThat(events.events).isEmpty();
    }

    @Test
    void severalStanzasInOneResponse() {
        read("<body xmlns='http://jabber.org/protocol/httpbind'><message type='chat' xmlns='jabber:client'><body>1 10</body>"
                + "</message><message type='chat' xmlns='jabber:client'><body>2 20</body></message></body>", false);
        assertThat(events.events).containsExactly("chat 1 10", "chat 2 20");
    }

    @Test
    void terminateWithCondition() {
        read("<body type='terminate' condition='item-not-found' xmlns='http://jabber.org/protocol/httpbind'/>", false);
        assertThat(events.events).containsExactly("terminate item-not-found");
    }

    @Test
    void somethingElseIsNotABody() {
        assertThat(read("<html><body>502</body></html>", false)).isFalse();
    }
}
