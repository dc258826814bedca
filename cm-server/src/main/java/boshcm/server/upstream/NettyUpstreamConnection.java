package boshcm.server.upstream;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.session.CloseMode;
import boshcm.protocol.session.UpstreamTarget;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import boshcm.protocol.xmpp.StreamWriter;
import boshcm.server.logging.SessionMdc;
import boshcm.server.upstream.UpstreamSettings.TlsMode;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upstream c2s stream: the negotiation up to the stream the client will use (cleartext header,
 * {@code <starttls/>}, TLS, new header; or direct TLS; or plain), then a relay of every
 * {@link StreamEvent} to the session's listener, and the writes the session asks for.
 *
 * <pre>
 *  [session-mdc] → [tls: SslHandler] → xmpp-decoder: XmppStreamDecoder → [keepalive: IdleStateHandler] → xmpp-stream: this
 * </pre>
 *
 * <p>Confined to one event loop: the channel is registered on the session's loop, so fields need no
 * volatile and no lock (design.md R8). Public methods called from elsewhere hop onto the loop.
 *
 * <p>The session never hears about TLS negotiation: it gets {@code Opened} and {@code Features} of
 * the final stream, or {@code Lost}. Once the session has asked to close, it hears nothing more but
 * the stanzas that crossed its closing tag, so that it can report them
 * ({@link UpstreamListener#onStanzasAfterClose}).
 * Longer than the ~300 lines style.md suggests: the negotiation phases and the open stream share
 * the same pipeline callbacks, and one phase switch per callback reads better than swapping
 * handlers per phase.
 *
 * <p>Logs name the session: with a sid label, {@link SessionMdcHandler} heads the pipeline, and the
 * callbacks that do not come through it (timers, the TLS handshake, the connector's DNS and connect
 * steps) run inside {@link #withSid}.
 */
final class NettyUpstreamConnection extends ChannelInboundHandlerAdapter implements UpstreamConnection {

    private static final Logger LOG = LoggerFactory.getLogger(NettyUpstreamConnection.class);
    private static final Logger WIRE = LoggerFactory.getLogger("boshcm.wire");
    private static final byte[] WHITESPACE_KEEPALIVE = {' '};
    /** {@code urn:xmpp:sm:3}, and the older {@code urn:xmpp:sm:2} some servers still offer. */
    private static final String SM_NAMESPACE_PREFIX = "urn:xmpp:sm:";

    private enum Phase {
        /** Resolving and connecting TCP. */
        CONNECTING,
        /** STARTTLS: the cleartext header is out; waiting for the server's features. */
        CLEARTEXT,
        /** {@code <starttls/>} is out; waiting for {@code <proceed/>}. */
        AWAIT_PROCEED,
        /** SslHandler in place (after {@code <proceed/>}, or direct TLS); handshaking. */
        HANDSHAKE,
        /** The final stream's header is out: every event goes to the listener. */
        OPEN,
        /** RFC 6120 §4.4: our {@code </stream:stream>} is out; waiting for the server's or the timeout. */
        CLOSING,
        /** Over, whether asked for or lost. */
        CLOSED
    }

    /** A write the session asked for before the stream was ready. */
    private sealed interface Pending {}

    private record Payloads(List<XmlPayload> payloads) implements Pending {}

    private record Restart(StreamHeader header, boolean hideSm) implements Pending {}

    private final EventLoop loop;
    private final UpstreamTarget target;
    private final StreamHeader header;
    private final UpstreamListener listener;
    private final UpstreamSettings settings;
    private final UpstreamTls tls;
    /** The redacted sid of the session this stream belongs to, for the MDC; null when opened outside one. */
    private final @Nullable String sidLabel;
    private final UpstreamMetrics metrics;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>(2);
    /** Events of the open stream from the current read; handed over together on channelReadComplete. */
    private final List<StreamEvent> batch = new ArrayList<>();

    private Phase phase = Phase.CONNECTING;
    private @Nullable Channel channel;
    private @Nullable XmppStreamDecoder decoder;
    private boolean encrypted;
    /** The final stream's first features reached the listener: the connect deadline is over. */
    private boolean negotiated;
    /** The server's {@code </stream:stream>} arrived; a TCP close after it is expected. */
    private boolean peerClosed;
    /** XEP-0198 was enabled (or resumed) on this stream: what we never acknowledged is the server's to handle. */
    private boolean smEnabled;
    /** What went wrong on the channel, for the {@code Lost} reason when it then closes. */
    private @Nullable String channelFailure;
    private @Nullable Throwable channelCause;
    /** A failure of this connection was counted: one per connection, whatever follows from it. */
    private boolean failureCounted;
    private long startedNanos;
    private long tlsStartedNanos;
    private long deadlineNanos;
    /** The session asked not to read for now (backpressure); applied while the stream is open. */
    private boolean readingPaused;
    /** The client view of features hides {@code <sm/>} (set at open and by each restart). */
    private boolean hideSm;
    private @Nullable ScheduledFuture<?> deadline;
    private @Nullable ScheduledFuture<?> closeTimer;

    NettyUpstreamConnection(EventLoop loop, UpstreamTarget target, StreamHeader header, boolean hideSm,
                            UpstreamListener listener, UpstreamSettings settings, UpstreamTls tls,
                            @Nullable String sidLabel) {
        this(loop, target, header, hideSm, listener, settings, tls, sidLabel, UpstreamMetrics.none());
    }

    NettyUpstreamConnection(EventLoop loop, UpstreamTarget target, StreamHeader header, boolean hideSm,
                            UpstreamListener listener, UpstreamSettings settings, UpstreamTls tls,
                            @Nullable String sidLabel, UpstreamMetrics metrics) {
        this.metrics = metrics;
        this.hideSm = hideSm;
        this.sidLabel = sidLabel;
        this.loop = loop;
        this.target = target;
        this.header = header;
        this.listener = listener;
        this.settings = settings;
        this.tls = tls;
    }

    // ---- driven by the connector ----

    /** Starts the connect deadline (U-1): everything up to the final stream's features must fit in it. */
    void start() {
        metrics.started();
        startedNanos = System.nanoTime();
        deadlineNanos = startedNanos + settings.connectTimeout().toNanos();
        deadline = loop.schedule(() -> withSid(this::deadlinePassed), settings.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Runs {@code work} with this connection's session in the MDC: for callbacks that reach it from the
     * loop without passing the pipeline's {@link SessionMdcHandler}.
     */
    void withSid(Runnable work) {
        String outer = SessionMdc.enter(sidLabel);
        try {
            work.run();
        } finally {
            SessionMdc.exit(outer);
        }
    }

    long remainingMillis() {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    /** Closed or closing: stop connecting. */
    boolean isDone() {
        return phase == Phase.CLOSING || phase == Phase.CLOSED;
    }

    /** A TCP connect is in flight on {@code ch}; a close now closes it. */
    void connecting(Channel ch) {
        channel = ch;
    }

    /** TCP is up on {@code ch}: build the pipeline and start the stream, with TLS first if {@code directTls}. */
    void attach(Channel ch, boolean directTls) {
        channel = ch;
        if (phase != Phase.CONNECTING) {
            ch.close();
            return;
        }
        LOG.debug("upstream {}: connected to {}", target.domain(), ch.remoteAddress());
        XmppStreamDecoder d = new XmppStreamDecoder(settings.tokenizer(), target.domain());
        d.hideSm(hideSm);
        decoder = d;
        if (sidLabel != null) {
            ch.pipeline().addFirst(SessionMdcHandler.NAME, new SessionMdcHandler(sidLabel));
        }
        ch.pipeline().addLast("xmpp-decoder", d).addLast("xmpp-stream", this);
        metrics.opened(ch);
        if (directTls) {
            startTls(tls.directTls);
        } else if (settings.tlsMode() == TlsMode.DISABLED) {
            openFinalStream();
        } else {
            phase = Phase.CLEARTEXT;
            write(StreamWriter.header(header, false)); // U-3: no 'from' in cleartext
            ch.flush();
        }
    }

    /** Reports {@code Lost(reason)} unless the session already closed; closes the channel. */
    void fail(UpstreamFailure kind, String reason) {
        deliverBatch();                                      // what arrived before the loss comes first
        if (isDone()) {
            return;
        }
        countFailure(kind);
        phase = Phase.CLOSED;
        cancelTimers();
        pending.clear();
        LOG.info("upstream {}: lost: {}", target.domain(), reason);
        if (channel != null) {
            channel.close();
        }
        notifyListener(new StreamEvent.Lost(reason));
    }

    // ---- UpstreamConnection ----

    @Override
    public void send(List<XmlPayload> payloads) {
        if (!loop.inEventLoop()) {
            List<XmlPayload> copy = List.copyOf(payloads);
            loop.execute(() -> send(copy));
            return;
        }
        switch (phase) {
            case CONNECTING, CLEARTEXT, AWAIT_PROCEED, HANDSHAKE -> pending.add(new Payloads(List.copyOf(payloads)));
            case OPEN -> {
                payloads.forEach(p -> write(p.bytes()));
                channel().flush();
            }
            case CLOSING, CLOSED -> LOG.debug("upstream {}: {} payloads after close dropped", target.domain(),
                    payloads.size());
        }
    }

    @Override
    public void restart(StreamHeader newHeader, boolean hideSmAfter) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> restart(newHeader, hideSmAfter));
            return;
        }
        switch (phase) {
            case CONNECTING, CLEARTEXT, AWAIT_PROCEED, HANDSHAKE -> pending.add(new Restart(newHeader, hideSmAfter));
            case OPEN -> {
                writeRestart(newHeader, hideSmAfter);
                channel().flush();
            }
            case CLOSING, CLOSED -> LOG.debug("upstream {}: restart after close ignored", target.domain());
        }
    }

    @Override
    public void close(CloseMode mode, Optional<String> streamError) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> close(mode, streamError));
            return;
        }
        if (isDone()) {
            return;
        }
        Channel ch = channel;
        boolean graceful = mode == CloseMode.GRACEFUL && phase == Phase.OPEN && ch != null && ch.isActive();
        pending.clear();
        cancelTimers();
        if (!graceful) {
            // ABORT, or nothing the client could see was open yet: drop TCP without a closing tag.
            phase = Phase.CLOSED;
            LOG.debug("upstream {}: closing without a closing tag ({})", target.domain(), mode);
            if (ch != null) {
                ch.close();
            }
            return;
        }
        phase = Phase.CLOSING;
        if (readingPaused) {
            ch.config().setAutoRead(true);                   // RFC 6120 §4.4: wait for the server's closing tag
        }
        streamError.ifPresent(condition -> write(StreamWriter.streamError(condition)));
        write(StreamWriter.close());
        if (peerClosed) {
            // The server already closed its stream; once our closing tag is out, TCP can go.
            phase = Phase.CLOSED;
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ch.flush();
        closeTimer = loop.schedule(() -> withSid(this::closeTimedOut), settings.closeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void reading(boolean on) {
        if (!loop.inEventLoop()) {
            loop.execute(() -> reading(on));
            return;
        }
        readingPaused = !on;
        if (phase == Phase.OPEN && channel != null) {
            // Netty stops asking the socket for data; the server's writes back up in TCP (U-15, S-10).
            channel.config().setAutoRead(on);
        }
    }

    @Override
    public boolean encrypted() {
        return encrypted;
    }

    // ---- pipeline events ----

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof StreamEvent)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        StreamEvent event = (StreamEvent) msg;
        switch (phase) {
            case CLEARTEXT -> onCleartextEvent(event);
            case AWAIT_PROCEED -> onStartTlsAnswer(event);
            // Only bytes that came in the same read as <proceed/> can get here: never trust them.
            case HANDSHAKE -> fail(UpstreamFailure.PROTOCOL, "server sent data after <proceed/> before the TLS handshake");
            case OPEN -> onStreamEvent(event);
            case CLOSING -> {
                // Only what a live session would have bounced (X-7-1) counts: presence, results and
                // errors crossing a closing tag are nobody's loss.
                if (event instanceof StreamEvent.Element e && !smEnabled && StreamWriter.bounce(e.payload()).isPresent()) {
                    stanzaAfterClose(e.payload());
                }
                if (event instanceof StreamEvent.Closed) {
                    LOG.debug("upstream {}: server closed its stream; closing TCP", target.domain());
                    phase = Phase.CLOSED;
                    cancelTimers();
                    ctx.close();
                }
            }
            case CONNECTING, CLOSED -> { }
        }
    }

    /** The end of one read: the open stream's events from it go to the listener together. */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        deliverBatch();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && ((IdleStateEvent) evt).state() == IdleState.WRITER_IDLE) {
            if (phase == Phase.OPEN && !peerClosed) {
                // RFC 6120 §4.6.1: a single space keeps NATs and the server's idle timers satisfied.
                // The idle handler fires from behind session-mdc, so the sid is set here for the wire trace.
                String outer = SessionMdc.enter(sidLabel);
                try {
                    write(WHITESPACE_KEEPALIVE);
                    ctx.flush();
                } finally {
                    SessionMdc.exit(outer);
                }
            }
            // Nothing sent for a keepalive interval: the browser is likely idle (a background tab), and
            // the stream's XML reader, about 4 KB, is let go until the server sends again.
            XmppStreamDecoder d = decoder;
            if (d != null) {
                d.hibernate();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (channelFailure == null) {
            channelFailure = Reasons.describe(cause);
            channelCause = cause;
        }
        LOG.debug("upstream {}: channel failure", target.domain(), cause);
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deliverBatch();
        switch (phase) {
            case CLOSING -> {
                phase = Phase.CLOSED;
                cancelTimers();
            }
            case OPEN -> {
                if (peerClosed) {
                    phase = Phase.CLOSED;
                    cancelTimers();
                } else {
                    fail(UpstreamFailure.of(channelCause, UpstreamFailure.CLOSED),
                            "connection closed without </stream:stream>" + detail());
                }
            }
            case CLEARTEXT, AWAIT_PROCEED, HANDSHAKE, CONNECTING ->
                    fail(UpstreamFailure.of(channelCause, phase == Phase.HANDSHAKE ? UpstreamFailure.TLS : UpstreamFailure.CLOSED),
                            "connection closed during stream negotiation" + detail());
            case CLOSED -> { }
        }
        ctx.fireChannelInactive();
    }

    // ---- negotiation ----

    private void onCleartextEvent(StreamEvent event) {
        if (event instanceof StreamEvent.Opened) {
            return; // the cleartext stream is discarded after TLS (RFC 6120 §5.4.3.3)
        }
        if (event instanceof StreamEvent.Features) {
            if (((StreamEvent.Features) event).offered().startTls()) {
                phase = Phase.AWAIT_PROCEED;
                write(StreamWriter.startTls());
                channel().flush();
            } else {
                fail(UpstreamFailure.STARTTLS, "server did not offer STARTTLS"); // S-9: no plaintext fallback
            }
            return;
        }
        fail(UpstreamFailure.of(event), "before STARTTLS: " + Reasons.describe(event));
    }

    private void onStartTlsAnswer(StreamEvent event) {
        if (event instanceof StreamEvent.Element) {
            XmlPayload answer = ((StreamEvent.Element) event).payload();
            if (answer.is(Namespaces.TLS, "proceed")) {
                // RFC 6120 §5.4.3.3: the old stream is gone; the next bytes are TLS.
                decoder().reset();
                startTls(tls.startTls);
                return;
            }
            if (answer.is(Namespaces.TLS, "failure")) {
                fail(UpstreamFailure.STARTTLS, "server answered STARTTLS with <failure/>");
                return;
            }
        }
        fail(UpstreamFailure.of(event), "during STARTTLS: " + Reasons.describe(event));
    }

    private void startTls(SslContext context) {
        Channel ch = channel();
        int port = ch.remoteAddress() instanceof InetSocketAddress ? ((InetSocketAddress) ch.remoteAddress()).getPort() : -1;
        // U-4: the certificate must name the XMPP domain, not the host we happened to connect to.
        SslHandler ssl = context.newHandler(ch.alloc(), target.domain(), port);
        ssl.setHandshakeTimeoutMillis(remainingMillis());
        phase = Phase.HANDSHAKE;
        tlsStartedNanos = System.nanoTime();
        if (ch.pipeline().get(SessionMdcHandler.NAME) != null) {
            ch.pipeline().addAfter(SessionMdcHandler.NAME, "tls", ssl);   // TLS records too are read with the sid set
        } else {
            ch.pipeline().addFirst("tls", ssl);
        }
        ssl.handshakeFuture().addListener(f -> withSid(() -> onHandshake(ssl, f)));
    }

    private void onHandshake(SslHandler ssl, Future<?> result) {
        if (phase != Phase.HANDSHAKE) {
            return;
        }
        if (!result.isSuccess()) {
            fail(UpstreamFailure.TLS, "TLS: " + Reasons.describe(result.cause()));
            return;
        }
        metrics.tlsHandshaken(System.nanoTime() - tlsStartedNanos);
        encrypted = true;
        if (LOG.isDebugEnabled()) {
            SSLSession session = ssl.engine().getSession();
            LOG.debug("upstream {}: {} {} established", target.domain(), session.getProtocol(), session.getCipherSuite());
        }
        openFinalStream();
    }

    /** Sends the header of the stream the client will use, then whatever the session queued meanwhile. */
    private void openFinalStream() {
        Channel ch = channel();
        phase = Phase.OPEN;
        if (readingPaused) {
            ch.config().setAutoRead(false);                  // asked for while still negotiating
        }
        write(StreamWriter.header(header, encrypted)); // U-3: 'from' only over TLS
        if (!settings.keepaliveInterval().isZero()) {
            ch.pipeline().addBefore("xmpp-stream", "keepalive", new IdleStateHandler(false, 0,
                    settings.keepaliveInterval().toNanos(), 0, TimeUnit.NANOSECONDS));
        }
        for (Pending p; (p = pending.poll()) != null; ) {
            if (p instanceof Payloads) {
                ((Payloads) p).payloads().forEach(payload -> write(payload.bytes()));
            } else {
                writeRestart(((Restart) p).header(), ((Restart) p).hideSm());
            }
        }
        ch.flush();
    }

    // ---- the open stream ----

    private void onStreamEvent(StreamEvent event) {
        if (event instanceof StreamEvent.Closed) {
            peerClosed = true;
            countFailure(UpstreamFailure.CLOSED);             // the session did not ask (it would be CLOSING)
        } else if (event instanceof StreamEvent.StreamError || event instanceof StreamEvent.Malformed) {
            countFailure(UpstreamFailure.of(event));
        } else if (event instanceof StreamEvent.Element e && e.payload().namespace().startsWith(SM_NAMESPACE_PREFIX)
                && (e.payload().localName().equals("enabled") || e.payload().localName().equals("resumed"))) {
            smEnabled = true;
        } else if (event instanceof StreamEvent.Features && !negotiated) {
            negotiated = true;
            cancelDeadline();
            metrics.succeeded(System.nanoTime() - startedNanos);
        }
        batch.add(event);
    }

    /** Counts the first failure of this connection only: a stream error is followed by a close, and so on. */
    private void countFailure(UpstreamFailure kind) {
        if (!failureCounted) {
            failureCounted = true;
            metrics.failed(kind);
        }
    }

    /** Hands the events gathered from the current read to the listener in one call. */
    private void deliverBatch() {
        if (batch.isEmpty()) {
            return;
        }
        List<StreamEvent> events = List.copyOf(batch);
        batch.clear();
        try {
            listener.onEvents(events);
        } catch (RuntimeException e) {
            LOG.error("upstream {}: listener failed on {} events", target.domain(), events.size(), e);
        }
    }

    private void writeRestart(StreamHeader newHeader, boolean hideSmAfter) {
        // RFC 6120 §4.3.3: same TCP connection, no closing tag, fresh parser from the next byte.
        hideSm = hideSmAfter;
        decoder().hideSm(hideSm);
        decoder().reset();
        write(StreamWriter.header(newHeader, encrypted));
    }

    /** A stanza that crossed our closing tag: the session is gone, so the listener reports it (never silently lost). */
    private void stanzaAfterClose(XmlPayload stanza) {
        try {
            listener.onStanzasAfterClose(List.of(stanza));
        } catch (RuntimeException e) {
            LOG.error("upstream {}: listener failed on a stanza after close", target.domain(), e);
        }
    }

    private void notifyListener(StreamEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.error("upstream {}: listener failed on {}", target.domain(), event.getClass().getSimpleName(), e);
        }
    }

    private void deadlinePassed() {
        if (!negotiated) {
            fail(UpstreamFailure.TIMEOUT, "no XMPP stream with " + target.domain() + " within " + settings.connectTimeout().toMillis()
                    + " ms (" + phase.name().toLowerCase(Locale.ROOT) + ")");
        }
    }

    private void closeTimedOut() {
        if (phase == Phase.CLOSING) {
            LOG.debug("upstream {}: no </stream:stream> within {}; closing TCP", target.domain(), settings.closeTimeout());
            phase = Phase.CLOSED;
            channel().close();
        }
    }

    // ---- helpers ----

    private void write(byte[] bytes) {
        Channel ch = channel();
        if (WIRE.isTraceEnabled()) {
            WIRE.trace(">> {} {}", target.domain(), new String(bytes, StandardCharsets.UTF_8));
        }
        ch.write(Unpooled.wrappedBuffer(bytes), ch.voidPromise());
    }

    private Channel channel() {
        Channel ch = channel;
        if (ch == null) {
            throw new IllegalStateException("no channel yet");
        }
        return ch;
    }

    private XmppStreamDecoder decoder() {
        XmppStreamDecoder d = decoder;
        if (d == null) {
            throw new IllegalStateException("no decoder yet");
        }
        return d;
    }

    private void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void cancelTimers() {
        cancelDeadline();
        if (closeTimer != null) {
            closeTimer.cancel(false);
            closeTimer = null;
        }
    }

    private String detail() {
        return channelFailure == null ? "" : " (" + channelFailure + ")";
    }
}
