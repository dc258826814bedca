package boshcm.bench.load.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/1.1 keep-alive connection of a {@link BoshClientSession}: at most one request in flight
 * (no pipelining: a held BOSH request would block the ones behind it), so a session with
 * {@code requests='2'} uses up to two of these, like a browser. Opened on first use, on the
 * session's event loop, and kept for the session's life.
 *
 * <p>Pipeline: {@code HttpClientCodec} → {@code HttpObjectAggregator} → this.
 */
final class BoshConnection extends SimpleChannelInboundHandler<FullHttpResponse> {

    private static final int MAX_RESPONSE_BYTES = 4 << 20;

    private final BoshClientSession session;
    private Channel channel;
    private boolean connecting;
    private boolean busy;
    /** A request written before the connection was up. */
    private FullHttpRequest waiting;
    private boolean closed;

    BoshConnection(BoshClientSession session) {
        this.session = session;
    }

    /** Whether a request may be sent on this connection now. */
    boolean idle() {
        return !busy && !closed;
    }

    boolean closed() {
        return closed;
    }

    /** Sends {@code request}; the response comes back through {@link BoshClientSession#onResponse}. */
    void send(FullHttpRequest request) {
        busy = true;
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(request, channel.voidPromise());
            return;
        }
        waiting = request;
        if (!connecting) {
            connect();
        }
    }

    private void connect() {
        connecting = true;
        session.ctx.stats.connects++;
        ChannelFuture f = session.ctx.bootstrap.clone().handler(this).connect(session.endpoint.address());
        channel = f.channel();
        f.addListener(done -> {
            connecting = false;
            if (!done.isSuccess()) {
                release();
                closed = true;
                session.onConnectionFailed(this, "connect: " + done.cause());
                return;
            }
            FullHttpRequest request = waiting;
            waiting = null;
            if (request != null) {
                channel.writeAndFlush(request, channel.voidPromise());
            }
        });
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().addBefore(ctx.name(), "http", new HttpClientCodec());
        ctx.pipeline().addBefore(ctx.name(), "aggregate", new HttpObjectAggregator(MAX_RESPONSE_BYTES));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
        busy = false;
        session.onResponse(this, response);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        release();
        if (busy) {
            busy = false;
            session.onConnectionFailed(this, "connection closed with a request in flight");
        } else {
            session.onConnectionClosed(this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // channelInactive reports it
    }

    void close() {
        if (channel != null) {
            channel.close();
        } else {
            closed = true;
        }
    }

    private void release() {
        if (waiting != null) {
            ReferenceCountUtil.release(waiting);
            waiting = null;
        }
    }
}
