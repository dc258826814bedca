package boshcm.server.upstream;

import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamTokenizer;
import boshcm.protocol.xmpp.TokenizerOptions;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the bytes of an upstream c2s stream into {@link StreamEvent}s, one {@code fireChannelRead}
 * per event, through a {@link StreamTokenizer}. Received {@link ByteBuf}s are fed and released here;
 * none travels further up the pipeline.
 *
 * <pre>
 *  [SslHandler] → XmppStreamDecoder → NettyUpstreamConnection
 *     ByteBuf        StreamEvent
 * </pre>
 *
 * <p>Not a {@code ByteToMessageDecoder}: the tokenizer keeps its own state across chunks, so no
 * cumulation buffer (and no copy) is needed. {@link #reset()} starts a new stream on the same
 * connection (RFC 6120 §4.3.3). Restarts inside one read are the tokenizer's business: it restarts
 * itself right after SASL {@code <success/>}, and reads nothing after {@code <proceed/>} until reset,
 * so cleartext that follows {@code <proceed/>} never reaches the secured stream.
 */
final class XmppStreamDecoder extends ChannelInboundHandlerAdapter {

    private static final Logger WIRE = LoggerFactory.getLogger("boshcm.wire");

    private final StreamTokenizer tokenizer;
    private final String label;

    XmppStreamDecoder(TokenizerOptions options) {
        this(options, "upstream");
    }

    /** @param label names the stream in wire logs, like the XMPP domain */
    XmppStreamDecoder(TokenizerOptions options, String label) {
        this.tokenizer = new StreamTokenizer(options);
        this.label = label;
    }

    /** Expect a new {@code <stream:stream>}: after {@code <proceed/>} or SASL success. */
    /** See {@link StreamTokenizer#hideSm}. */
    void hideSm(boolean hide) {
        tokenizer.hideSm(hide);
    }

    void reset() {
        tokenizer.reset();
    }

    /** See {@link StreamTokenizer#hibernate}: the stream has been quiet a while; its XML reader may go. */
    boolean hibernate() {
        return tokenizer.hibernate();
    }

    boolean hibernating() {
        return tokenizer.hibernating();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf in = (ByteBuf) msg;
        List<StreamEvent> events;
        try {
            if (WIRE.isTraceEnabled()) {
                WIRE.trace("<< {} {}", label, in.toString(StandardCharsets.UTF_8));
            }
            ByteBuffer[] parts = in.nioBuffers();
            events = parts.length == 1 ? tokenizer.feed(parts[0]) : feedAll(parts);
        } finally {
            in.release();
        }
        for (StreamEvent event : events) {
            ctx.fireChannelRead(event);
        }
    }

    private List<StreamEvent> feedAll(ByteBuffer[] parts) {
        List<StreamEvent> events = new ArrayList<>();
        for (ByteBuffer part : parts) {
            events.addAll(tokenizer.feed(part));
        }
        return events;
    }
}
