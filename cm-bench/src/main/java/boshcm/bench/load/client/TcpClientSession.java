package boshcm.bench.load.client;

import boshcm.bench.load.xml.ChatFormat;
import boshcm.bench.load.xml.StreamFramer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * A raw c2s XMPP client session over plain TCP (RFC 6120; loopback, no TLS, so that TLS costs do
 * not skew the comparison): the floor every BOSH target is measured against. One connection, a
 * {@link StreamFramer} on the way in, each stanza written and flushed as it is sent.
 */
public final class TcpClientSession extends ClientSession implements StreamFramer.Events {

    private static final byte[] CLOSE = "</stream:stream>".getBytes(StandardCharsets.US_ASCII);

    private final TcpEndpoint endpoint;
    private final byte[] header;
    private final StreamFramer framer;
    private Channel channel;
    private boolean closed;

    public TcpClientSession(LoopContext ctx, int index, Credentials credentials, TcpEndpoint endpoint) {
        super(ctx, index, credentials);
        this.endpoint = endpoint;
        this.framer = new StreamFramer(ctx.scanner, ctx.stanzaReader);
        this.header = ("<?xml version='1.0'?><stream:stream to='" + ChatFormat.escape(credentials.domain())
                + "' version='1.0' xml:lang='en' xmlns='jabber:client'"
                + " xmlns:stream='http://etherx.jabber.org/streams'>").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void connect() {
        ctx.stats.connects++;
        ChannelFuture f = ctx.bootstrap.clone().handler(new Handler()).connect(endpoint.address());
        channel = f.channel();
        f.addListener(done -> {
            if (!done.isSuccess()) {
                closed = true;
                fail("connect: " + done.cause());
                return;
            }
            write(header);
        });
    }

    private void write(byte[] bytes) {
        ByteBuf buf = ctx.alloc.buffer(bytes.length);
        buf.writeBytes(bytes);
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    @Override
    public void send(byte[] element) {
        write(element);
    }

    @Override
    public void restartStream() {
        write(header); // RFC 6120 §6.4.6: a new stream header on the same connection
    }

    @Override
    public void sendChat(long seq, long stampNanos) {
        if (state != State.READY) {
            return;
        }
        ByteBuf buf = ctx.alloc.buffer(ChatFormat.maxLength(peerPrefix));
        ChatFormat.write(buf, peerPrefix, seq, stampNanos);
        channel.writeAndFlush(buf, channel.voidPromise());
    }

    @Override
    public void close() {
        if (state == State.READY || state == State.LOGGING_IN) {
            state = State.CLOSING;
            if (channel != null && channel.isActive()) {
                write(CLOSE); // the server answers with its own </stream:stream>, then we close
                return;
            }
        }
        abort();
    }

    @Override
    protected void abort() {
        if (channel != null) {
            channel.close();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    // --- StreamFramer.Events ----------------------------------------------------------------------

    @Override
    public void onStreamOpened() {
        // the features that follow drive the login
    }

    @Override
    public void onStreamClosed() {
        if (state == State.CLOSING) {
            channel.close();
        } else {
            fail("server closed the stream");
        }
    }

    /** Reads the connection into the framer. Runs on the session's loop, like everything else. */
    private final class Handler extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                framer.append(in);
            } finally {
                in.release();
            }
            framer.drain(TcpClientSession.this);
        }

        @Override
        public void channelInactive(ChannelHandlerContext c) {
            closed = true;
            if (state == State.CLOSING) {
                state = State.CLOSED;
            } else {
                fail("connection closed");
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            c.close();
        }
    }
}
