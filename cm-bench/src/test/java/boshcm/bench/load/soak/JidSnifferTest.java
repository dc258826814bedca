package boshcm.bench.load.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JidSnifferTest {

    private static final String STREAM = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' id='x' from='bench.test'"
            + " version='1.0' xmlns:stream='http://etherx.jabber.org/streams'><stream:features><bind"
            + " xmlns='urn:ietf:params:xml:ns:xmpp-bind'><required/></bind></stream:features>"
            + "<iq id='bind_1' type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>u7@bench.test/Ab-12</jid>"
            + "</bind></iq><message to='u7@bench.test/Ab-12'><body><jid>not this</jid></body></message>";

    @Test
    void theBoundJidIsFoundInOneRead() {
        JidSniffer s = new JidSniffer();
        byte[] b = STREAM.getBytes(StandardCharsets.UTF_8);
        assertThat(s.feed(b, 0, b.length)).isEqualTo("u7@bench.test/Ab-12");
        assertThat(s.done()).isTrue();
        assertThat(s.feed(b, 0, b.length)).isNull();
    }

    @Test
    void itIsFoundWhereverTheBytesAreSplit() {
        byte[] b = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= 13; chunk++) {
            JidSniffer s = new JidSniffer();
            String found = null;
            for (int off = 0; off < b.length && found == null; off += chunk) {
                found = s.feed(b, off, Math.min(chunk, b.length - off));
            }
            assertThat(found).as("chunks of %d", chunk).isEqualTo("u7@bench.test/Ab-12");
        }
    }

    @Test
    void multiByteCharactersAndEntitiesComeOutRight() {
        byte[] b = "<iq><bind><jid>caf\u00e9&amp;co@bench.test/r\u00e9s</jid></bind></iq>".getBytes(StandardCharsets.UTF_8);
        JidSniffer s = new JidSniffer();
        String found = null;
        for (int off = 0; off < b.length && found == null; off++) {
            found = s.feed(b, off, 1);
        }
        assertThat(found).isEqualTo("caf\u00e9&co@bench.test/r\u00e9s");
    }

    @Test
    void itGivesUpAfterTheLimit() {
        JidSniffer s = new JidSniffer();
        byte[] filler = new byte[JidSniffer.LIMIT + 10];
        java.util.Arrays.fill(filler, (byte) 'a');
        assertThat(s.feed(filler, 0, filler.length)).isNull();
        assertThat(s.done()).isTrue();
        byte[] late = "<jid>u1@bench.test/x</jid>".getBytes(StandardCharsets.UTF_8);
        assertThat(s.feed(late, 0, late.length)).isNull();
    }
}
