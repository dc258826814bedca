package boshcm.bench.load.xml;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamFramerTest {

    private static final String STREAM = "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' id='s1' from='bench.test' version='1.0'>"
            + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism>"
            + "</mechanisms></stream:features><success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"
            + "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'"
            + " id='s2' version='1.0'> <message type='chat'><body>3 99</body></message></stream:stream>";

    private final RecordingListener events = new RecordingListener();
    private final StreamFramer framer = new StreamFramer(new XmlScanner(), new StanzaReader());

    @Test
    void aWholeStreamAtOnce() {
        framer.append(STREAM.getBytes(StandardCharsets.UTF_8));
        framer.drain(events);
        assertThat(events.events).containsExactly("open", "features [PLAIN] bind=false session=false", "success",
                "open", "chat 3 99", "close");
        assertThat(framer.pending()).isZero();
    }

    @Test
    void theSameStreamSplitAtEveryByte() {
        byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
        for (byte b : all) {
            framer.append(new byte[] {b});
            framer.drain(events);
        }
        assertThat(events.events).containsExactly("open", "features [PLAIN] bind=false session=false", "success",
                "open", "chat 3 99", "close");
    }

    @Test
    void anElementLargerThanTheInitialBufferGrowsIt() {
        String big = "<message type='chat'><body>5 6</body><x>" + "y".repeat(5000) + "</x></message>";
        framer.append("<stream:stream>".getBytes(StandardCharsets.UTF_8));
        framer.append(big.substring(0, 3000).getBytes(StandardCharsets.UTF_8));
        framer.drain(events);
        framer.append(big.substring(3000).getBytes(StandardCharsets.UTF_8));
        framer.drain(events);
        assertThat(events.events).containsExactly("open", "chat 5 6");
    }
}
