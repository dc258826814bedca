package boshcm.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.TokenizerOptions;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ByteBuf → StreamEvent over the tokenizer: any chunking gives the same events, and no buffer escapes or leaks. */
class XmppStreamDecoderTest {

    private static final String STREAM = FakeXmppServer.header("s1")
            + FakeXmppServer.featuresSasl()
            + "<message from='juliet@xmpp.test/balcony' to='romeo@xmpp.test' id='m1'><body>h\u00e9llo \u2603 \uD83D\uDE00</body></message>"
            + " "
            + "<iq type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>romeo@xmpp.test/r</jid></bind></iq>"
            + "</stream:stream>";
    private static final byte[] BYTES = STREAM.getBytes(StandardCharsets.UTF_8);

    @Test
    void wholeStreamGivesOpenedFeaturesElementsAndClosed() {
        List<StreamEvent> events = decode(List.of(BYTES));
        assertThat(events).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("Opened", "Features", "Element", "Element", "Closed");
        assertThat(((StreamEvent.Opened) events.get(0)).header().id()).contains("s1");
        assertThat(((StreamEvent.Element) events.get(3)).boundJid()).contains("romeo@xmpp.test/r");
    }

    /** Bytes may arrive split anywhere, including inside a multi-byte UTF-8 character. */
    @Test
    void everySplitOffsetGivesTheSameEvents() {
        List<StreamEvent> whole = decode(List.of(BYTES));
        for (int at = 1; at < BYTES.length; at++) {
            List<StreamEvent> split = decode(List.of(Arrays.copyOfRange(BYTES, 0, at), Arrays.copyOfRange(BYTES, at, BYTES.length)));
            assertThat(split).as("split at %d", at).isEqualTo(whole);
        }
    }

    @Test
    void oneByteAtATimeGivesTheSameEvents() {
        List<byte[]> chunks = new ArrayList<>();
        for (byte b : BYTES) {
            chunks.add(new byte[] {b});
        }
        assertThat(decode(chunks)).isEqualTo(decode(List.of(BYTES)));
    }

    @Test
    void compositeBuffersAreFedPartByPart() {
        EmbeddedChannel channel = new EmbeddedChannel(new XmppStreamDecoder(TokenizerOptions.defaults()));
        int third = BYTES.length / 3;
        CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(BYTES, 0, third)));
        composite.addComponent(true, Unpooled.directBuffer().writeBytes(Arrays.copyOfRange(BYTES, third, 2 * third)));
        composite.addComponent(true, Unpooled.wrappedBuffer(Arrays.copyOfRange(BYTES, 2 * third, BYTES.length)));
        channel.writeInbound(composite);
        assertThat(composite.refCnt()).as("input released").isZero();
        assertThat(readAll(channel)).isEqualTo(decode(List.of(BYTES)));
        assertFalse(channel.finishAndReleaseAll());
    }

    /** RFC 6120 §4.3.3: after a restart the parser expects a fresh stream header. */
    @Test
    void resetStartsANewStream() {
        XmppStreamDecoder decoder = new XmppStreamDecoder(TokenizerOptions.defaults());
        EmbeddedChannel channel = new EmbeddedChannel(decoder);
        channel.writeInbound(utf8(FakeXmppServer.header("s1") + FakeXmppServer.featuresSasl()
                + "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"));
        assertThat(readAll(channel)).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("Opened", "Features", "Element");
        decoder.reset();
        channel.writeInbound(utf8(FakeXmppServer.header("s2") + FakeXmppServer.featuresBind()));
        List<StreamEvent> after = readAll(channel);
        assertThat(after).extracting(e -> e.getClass().getSimpleName()).containsExactly("Opened", "Features");
        assertThat(((StreamEvent.Opened) after.get(0)).header().id()).contains("s2");
        assertFalse(channel.finishAndReleaseAll());
    }

    @Test
    void notWellFormedInputIsMalformedNotAnException() {
        EmbeddedChannel channel = new EmbeddedChannel(new XmppStreamDecoder(TokenizerOptions.defaults()));
        channel.writeInbound(utf8(FakeXmppServer.header("s1") + "<message><body></message>"));
        List<StreamEvent> events = readAll(channel);
        assertThat(events.get(events.size() - 1)).isInstanceOf(StreamEvent.Malformed.class);
        assertFalse(channel.finishAndReleaseAll());
    }

    private static List<StreamEvent> decode(List<byte[]> chunks) {
        EmbeddedChannel channel = new EmbeddedChannel(new XmppStreamDecoder(TokenizerOptions.defaults()));
        for (byte[] chunk : chunks) {
            ByteBuf buf = Unpooled.directBuffer(chunk.length).writeBytes(chunk);
            channel.writeInbound(buf);
            assertThat(buf.refCnt()).as("input released").isZero();
        }
        List<StreamEvent> events = readAll(channel);
        assertFalse(channel.finishAndReleaseAll());
        return events;
    }

    private static List<StreamEvent> readAll(EmbeddedChannel channel) {
        List<StreamEvent> events = new ArrayList<>();
        for (Object o; (o = channel.readInbound()) != null; ) {
            assertThat(o).as("only StreamEvents leave the decoder").isInstanceOf(StreamEvent.class);
            events.add((StreamEvent) o);
        }
        return events;
    }

    private static ByteBuf utf8(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.UTF_8);
    }
}
