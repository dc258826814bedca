package boshcm.server.upstream;

import boshcm.server.logging.SessionMdc;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The head of an upstream pipeline: puts the session's redacted sid in the MDC around every inbound
 * event, so that what the handlers behind it log (TLS, the stream decoder's wire trace, the
 * connection, and the session step the events lead to) names the session. Netty calls the pipeline
 * straight from the event loop, which many sessions share, so nothing else would set it there.
 *
 * <pre>
 *  session-mdc: this → [tls: SslHandler] → xmpp-decoder → [keepalive] → xmpp-stream
 * </pre>
 *
 * <p>Inbound only: outbound operations come from the session's own code, which runs with the MDC set.
 * One per connection (it holds that session's label), so not {@code @Sharable}.
 */
final class SessionMdcHandler extends ChannelInboundHandlerAdapter {

    static final String NAME = "session-mdc";

    private final String label;

    SessionMdcHandler(String label) {
        this.label = label;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        String outer = SessionMdc.enter(label);
        try {
            ctx.fireChannelRead(msg);
        } finally {
            SessionMdc.exit(outer);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        String outer = SessionMdc.enter(label);
        try {
            ctx.fireChannelReadComplete();
        } finally {
            SessionMdc.exit(outer);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        String outer = SessionMdc.enter(label);
        try {
            ctx.fireChannelInactive();
        } finally {
            SessionMdc.exit(outer);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        String outer = SessionMdc.enter(label);
        try {
            ctx.fireUserEventTriggered(evt);
        } finally {
            SessionMdc.exit(outer);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        String outer = SessionMdc.enter(label);
        try {
            ctx.fireChannelWritabilityChanged();
        } finally {
            SessionMdc.exit(outer);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String outer = SessionMdc.enter(label);
        try {
            ctx.fireExceptionCaught(cause);
        } finally {
            SessionMdc.exit(outer);
        }
    }
}
