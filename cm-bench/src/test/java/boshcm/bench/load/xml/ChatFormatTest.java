package boshcm.bench.load.xml;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ChatFormatTest {

    @Test
    void writesTheMessageTheReaderReadsBack() {
        ByteBuf buf = Unpooled.buffer();
        byte[] prefix = ChatFormat.prefix("u2@bench.test/o'k");
        ChatFormat.write(buf, prefix, 0, 9_876_543_210L);
        String xml = buf.toString(StandardCharsets.UTF_8);
        assertThat(xml).isEqualTo("<message to='u2@bench.test/o&apos;k' type='chat' xmlns='jabber:client'>"
                + "<body>0 9876543210</body></message>");
        assertThat(buf.readableBytes()).isLessThanOrEqualTo(ChatFormat.maxLength(prefix));

        RecordingListener listener = new RecordingListener();
        XmlScanner scanner = new XmlScanner();
        byte[] bytes = xml.getBytes(StandardCharsets.UTF_8);
        scanner.reset(bytes, 0, bytes.length);
        new StanzaReader().read(scanner, scanner.next(), listener);
        assertThat(listener.events).containsExactly("chat 0 9876543210");
        buf.release();
    }

    @Test
    void decimalsOfEveryLength() {
        for (long v : new long[] {0, 7, 10, 99, 100, 123456789012345678L, Long.MAX_VALUE}) {
            ByteBuf buf = Unpooled.buffer();
            ChatFormat.writeDecimal(buf, v);
            assertThat(buf.toString(StandardCharsets.US_ASCII)).isEqualTo(Long.toString(v));
            buf.release();
        }
    }
}
