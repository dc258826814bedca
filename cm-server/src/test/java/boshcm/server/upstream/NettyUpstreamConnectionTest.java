package boshcm.server.upstream;

import static boshcm.server.upstream.FakeXmppServer.TLS_NS;
import static boshcm.server.upstream.FakeXmppServer.featuresBind;
import static boshcm.server.upstream.FakeXmppServer.featuresSasl;
import static boshcm.server.upstream.FakeXmppServer.featuresStartTls;
import static boshcm.server.upstream.FakeXmppServer.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.session.CloseMode;
import boshcm.protocol.session.UpstreamTarget;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import boshcm.server.logging.LogCapture;
import boshcm.server.logging.SessionMdc;
import boshcm.server.upstream.UpstreamSettings.TlsMode;
import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The stream state machine of one upstream connection, in memory: an {@link EmbeddedChannel}
 * stands for the TCP connection and the test plays the server. Time only moves when the test says.
 */
class NettyUpstreamConnectionTest {

    private static final String DOMAIN = TestCerts.DOMAIN;
    private static final StreamHeader HEADER =
            StreamHeader.initiating(DOMAIN, Optional.of("romeo@xmpp.test"), Optional.of("en"), "1.0");
    private static final String CLOSE_TAG = "</stream:stream>";

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final RecordingListener listener = new RecordingListener(channel.eventLoop());

    NettyUpstreamConnectionTest() {
        channel.freezeTime();
    }

    @AfterEach
    void noLeaks() {
        out();
        assertThat(listener.offLoopCallbacks()).isZero();
        assertFalse(channel.finishAndReleaseAll());
    }

    // ---- opening ----

    @Test
    void plainStreamDeliversOpenedAndFeatures() throws Exception {
        NettyUpstreamConnection c = open(settings(TlsMode.DISABLED));
        String header = out();
        assertThat(header).contains("to='" + DOMAIN + "'").doesNotContain("from=").doesNotContain(" id=");
        in(header("s1") + featuresSasl());
        assertThat(listener.next(StreamEvent.Opened.class).header().id()).contains("s1");
        assertThat(listener.next(StreamEvent.Features.class).offered().mechanisms()).contains("PLAIN");
        assertThat(c.encrypted()).isFalse();
    }

    /** B-8-5, X-6-1: the open stream's events from one read reach the session in one call. */
    @Test
    void eventsOfOneReadReachTheListenerTogether() throws Exception {
        open(settings(TlsMode.DISABLED));
        out();
        in(header("s1") + featuresSasl());
        in("<message to='u@x'><body>1</body></message><message to='u@x'><body>2</body></message>"
                + "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
        assertThat(listener.batchSizes()).containsExactly(2, 3);
        assertThat(listener.drain()).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("Opened", "Features", "Element", "Element", "StreamError");
    }

    /** U-3: the cleartext header carries no 'from'. */
    @Test
    void cleartextHeaderBeforeStartTlsHasNoFrom() {
        open(settings(TlsMode.STARTTLS));
        assertThat(out()).contains("to='" + DOMAIN + "'").doesNotContain("from=");
    }

    /** S-9: no plaintext fallback when the server does not offer STARTTLS. */
    @Test
    void startTlsNotOfferedIsLost() throws Exception {
        open(settings(TlsMode.STARTTLS));
        out();
        in(header("s1") + featuresSasl());
        assertThat(listener.next(StreamEvent.Lost.class).reason()).isEqualTo("server did not offer STARTTLS");
        assertThat(out()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    /** U-4: {@code <failure/>} in answer to {@code <starttls/>} ends the attempt. */
    @Test
    void startTlsFailureIsLost() throws Exception {
        open(settings(TlsMode.STARTTLS));
        out();
        in(header("s1") + featuresStartTls());
        assertThat(out()).contains("<starttls").contains(TLS_NS);
        in("<failure xmlns='" + TLS_NS + "'/>");
        assertThat(listener.next(StreamEvent.Lost.class).reason()).contains("<failure/>");
        assertThat(channel.isOpen()).isFalse();
    }

    /** RFC 6120 §5.4.3.3: after {@code <proceed/>} the next bytes are TLS; nothing queued goes out in cleartext. */
    @Test
    void proceedPutsTlsFirstAndKeepsQueuedPayloadsBack() {
        NettyUpstreamConnection c = open(settings(TlsMode.STARTTLS));
        c.send(List.of(payload("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGEAYg==</auth>")));
        in(header("s1") + featuresStartTls());
        in("<proceed xmlns='" + TLS_NS + "'/>");
        assertThat(channel.pipeline().first()).isInstanceOf(SslHandler.class);
        ByteBuf hello = channel.readOutbound();
        // skip the cleartext header and <starttls/>, then a TLS handshake record (content type 22)
        StringBuilder cleartext = new StringBuilder();
        while (hello != null && hello.getByte(hello.readerIndex()) == '<') {
            cleartext.append(hello.toString(StandardCharsets.UTF_8));
            hello.release();
            hello = channel.readOutbound();
        }
        assertThat(hello).isNotNull();
        assertThat(hello.getByte(hello.readerIndex())).isEqualTo((byte) 22);
        hello.release();
        assertThat(cleartext.toString()).doesNotContain("<auth");
        assertThat(c.encrypted()).isFalse();
        assertThat(listener.drain()).isEmpty();
        closeTls();
    }

    /**
     * RFC 6120 §5.4.3.3: bytes in the same read as {@code <proceed/>} came in cleartext; they must never
     * count as part of the secured stream.
     */
    @Test
    void cleartextAfterProceedInTheSameReadIsNeverDelivered() {
        open(settings(TlsMode.STARTTLS));
        in(header("s1") + featuresStartTls());
        in("<proceed xmlns='" + TLS_NS + "'/>" + header("evil") + featuresSasl()
                + "<message to='x@y'><body>injected</body></message>");
        assertThat(channel.pipeline().first()).isInstanceOf(SslHandler.class);
        assertThat(listener.drain()).isEmpty();
        closeTls();
    }

    @Test
    void streamErrorBeforeTlsIsLost() throws Exception {
        open(settings(TlsMode.STARTTLS));
        in(header("s1") + "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>");
        assertThat(listener.next(StreamEvent.Lost.class).reason()).contains("host-unknown");
    }

    // ---- writes before the stream is ready ----

    @Test
    void payloadsAndRestartsQueuedBeforeConnectGoOutInOrder() throws Exception {
        NettyUpstreamConnection c = connection(settings(TlsMode.DISABLED));
        c.start();
        c.send(List.of(payload("<presence/>")));
        c.send(List.of(payload("<message id='1'/>"), payload("<message id='2'/>")));
        assertThat(out()).isEmpty();
        c.attach(channel, false);
        String written = out();
        assertThat(written).contains("<stream:stream");
        assertThat(written.substring(written.indexOf('>', written.indexOf("<stream:stream")) + 1))
                .isEqualTo("<presence/><message id='1'/><message id='2'/>");
    }

    // ---- the open stream ----

    /** U-5: a restart reuses the connection: no closing tag, a fresh parser, a new header. */
    @Test
    void restartSendsNewHeaderOnTheSameChannelAndParsesTheNewStream() throws Exception {
        NettyUpstreamConnection c = openPlain();
        in("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        assertThat(listener.next(StreamEvent.Element.class).payload().localName()).isEqualTo("success");
        c.restart(HEADER, false);
        String restart = out();
        assertThat(restart).contains("<stream:stream").doesNotContain(CLOSE_TAG);
        in(header("s2") + featuresBind());
        assertThat(listener.next(StreamEvent.Opened.class).header().id()).contains("s2");
        assertThat(listener.next(StreamEvent.Features.class).offered().bind()).isTrue();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void sendWritesPayloadBytesAsTheyAre() throws Exception {
        NettyUpstreamConnection c = openPlain();
        c.send(List.of(payload("<iq type='get' id='1'/>"), payload("<message>\u00e9</message>")));
        assertThat(out()).isEqualTo("<iq type='get' id='1'/><message>\u00e9</message>");
    }

    @Test
    void elementsStreamErrorsAndClosedArePassedOnAsTheyAre() throws Exception {
        openPlain();
        in("<message from='a@xmpp.test' id='m'><body>x</body></message>"
                + "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>" + CLOSE_TAG);
        assertThat(listener.next(StreamEvent.Element.class).payload().localName()).isEqualTo("message");
        assertThat(listener.next(StreamEvent.StreamError.class).condition()).isEqualTo("conflict");
        listener.next(StreamEvent.Closed.class);
    }

    /** U-10: TCP closed without {@code </stream:stream>} is a lost connection. */
    @Test
    void tcpCloseWithoutCloseTagIsLost() throws Exception {
        openPlain();
        channel.close();
        assertThat(listener.next(StreamEvent.Lost.class).reason()).contains("without </stream:stream>");
    }

    @Test
    void tcpCloseAfterServerCloseTagIsNotLost() throws Exception {
        openPlain();
        in(CLOSE_TAG);
        listener.next(StreamEvent.Closed.class);
        channel.close();
        assertThat(listener.drain()).isEmpty();
    }

    /** RFC 6120 §4.6.1: a single space after the keepalive interval of write silence, only on an open stream. */
    @Test
    void whitespaceKeepaliveAfterWriteIdleInterval() throws Exception {
        NettyUpstreamConnection c = openPlain();
        advance(Duration.ofSeconds(59));
        assertThat(out()).isEmpty();
        advance(Duration.ofSeconds(1));
        assertThat(out()).isEqualTo(" ");
        c.send(List.of(payload("<presence/>")));
        out();
        advance(Duration.ofSeconds(30));
        assertThat(out()).as("a write restarts the idle timer").isEmpty();
        advance(Duration.ofSeconds(30));
        assertThat(out()).isEqualTo(" ");
    }

    /** An idle stream lets its XML reader go at the keepalive tick, and reads the server's next stanza as before. */
    @Test
    void idleStreamHibernatesItsReaderAndWakesOnTheNextStanza() throws Exception {
        openPlain();
        XmppStreamDecoder decoder = channel.pipeline().get(XmppStreamDecoder.class);
        assertThat(decoder.hibernating()).isFalse();
        advance(Duration.ofSeconds(60));
        assertThat(out()).isEqualTo(" ");
        assertThat(decoder.hibernating()).isTrue();
        in("<message from='a@example.com'><body>hi</body></message>");
        assertThat(listener.next(StreamEvent.Element.class).payload().text())
                .isEqualTo("<message xmlns='jabber:client' from='a@example.com'><body>hi</body></message>");
        assertThat(decoder.hibernating()).isFalse();
    }

    @Test
    void noKeepaliveBeforeTheStreamIsOpen() {
        UpstreamSettings s = settings(TlsMode.STARTTLS, Duration.ofHours(1), Duration.ofSeconds(5));
        open(s);
        out();
        advance(Duration.ofMinutes(5));
        assertThat(out()).isEmpty();
    }

    @Test
    void noKeepaliveWhileClosing() {
        NettyUpstreamConnection c = openPlain();
        c.close(CloseMode.GRACEFUL, Optional.empty());
        out();
        advance(Duration.ofSeconds(4));
        assertThat(out()).isEmpty();
    }

    // ---- deadlines ----

    /** U-1: no usable stream within the connect timeout is a lost connection. */
    @Test
    void noFeaturesWithinConnectTimeoutIsLost() throws Exception {
        open(settings(TlsMode.DISABLED));
        in(header("s1"));
        listener.next(StreamEvent.Opened.class);
        advance(Duration.ofSeconds(10).minusMillis(1));
        assertThat(listener.drain()).isEmpty();
        advance(Duration.ofMillis(1));
        assertThat(listener.next(StreamEvent.Lost.class).reason()).contains("within 10000 ms");
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void connectDeadlineEndsWithTheFirstFeatures() {
        openPlain();
        advance(Duration.ofHours(1));
        assertThat(listener.drain()).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    // ---- logs ----

    /**
     * Lines about a session's stream name the session (docs/logging.md): the decoder's wire trace and the
     * listener behind the {@code session-mdc} head, and the connect deadline, a timer. Netty calls the
     * pipeline straight from the loop, and the loop thread keeps no sid afterwards.
     */
    @Test
    void linesAboutASessionsStreamCarryItsSidAndTheLoopKeepsNone() throws Exception {
        List<String> mdcSeenByListener = new java.util.ArrayList<>();
        UpstreamListener recording = new UpstreamListener() {
            @Override
            public void onEvent(StreamEvent event) {
                mdcSeenByListener.add(SessionMdc.current());
                listener.onEvent(event);
            }

            @Override
            public void onEvents(List<StreamEvent> events) {
                mdcSeenByListener.add(SessionMdc.current());
                listener.onEvents(events);
            }
        };
        UpstreamSettings s = settings(TlsMode.DISABLED);
        try (LogCapture logs = LogCapture.of("boshcm", Level.DEBUG).level("boshcm.wire", Level.TRACE)) {
            NettyUpstreamConnection c = new NettyUpstreamConnection(channel.eventLoop(), UpstreamTarget.domain(DOMAIN),
                    HEADER, false, recording, s, UpstreamTls.from(s), "n1-q2Xk0v1V…");
            c.start();
            c.attach(channel, false);
            out();
            in(header("s1"));
            assertThat(SessionMdc.current()).isNull();
            advance(Duration.ofSeconds(10));                                 // no features: the deadline fires
            assertThat(listener.next(StreamEvent.Opened.class)).isNotNull();
            assertThat(listener.next(StreamEvent.Lost.class).reason()).contains("within 10000 ms");
            assertThat(SessionMdc.current()).isNull();

            assertThat(mdcSeenByListener).hasSize(2).containsOnly("n1-q2Xk0v1V…");
            assertThat(logs.on("boshcm.wire")).filteredOn(e -> e.getFormattedMessage().startsWith("<<"))
                    .singleElement().satisfies(e -> assertThat(LogCapture.sid(e)).isEqualTo("n1-q2Xk0v1V…"));
            assertThat(logs.on(NettyUpstreamConnection.class.getName()))
                    .filteredOn(e -> e.getFormattedMessage().contains("lost:")).singleElement()
                    .satisfies(e -> assertThat(LogCapture.sid(e)).isEqualTo("n1-q2Xk0v1V…"));
        }
    }

    /** With a session's sid, TLS goes right behind the MDC head, so TLS records too are read with it set. */
    @Test
    void tlsGoesBehindTheSessionMdcHandler() {
        UpstreamSettings s = settings(TlsMode.STARTTLS);
        NettyUpstreamConnection c = new NettyUpstreamConnection(channel.eventLoop(), UpstreamTarget.domain(DOMAIN),
                HEADER, false, listener, s, UpstreamTls.from(s), "n1-q2Xk0v1V…");
        c.start();
        c.attach(channel, false);
        in(header("s1") + featuresStartTls());
        in("<proceed xmlns='" + TLS_NS + "'/>");
        assertThat(channel.pipeline().names()).startsWith(SessionMdcHandler.NAME, "tls", "xmpp-decoder");
        closeTls();
    }

    // ---- closing ----

    /** U-13: stream error, then {@code </stream:stream>}, then TCP closes once the server answers. */
    @Test
    void gracefulCloseSendsErrorAndCloseTagThenWaitsForTheServer() throws Exception {
        NettyUpstreamConnection c = openPlain();
        c.close(CloseMode.GRACEFUL, Optional.of("policy-violation"));
        String written = out();
        assertThat(written).contains("policy-violation").endsWith(CLOSE_TAG);
        assertThat(written.indexOf("<stream:error")).isLessThan(written.indexOf(CLOSE_TAG));
        assertThat(channel.isOpen()).isTrue();
        in("<message id='late'/>" + CLOSE_TAG);
        assertThat(channel.isOpen()).isFalse();
        assertThat(listener.drain()).as("the session asked to close: it hears no more events").isEmpty();
        assertThat(listener.afterClose()).extracting(p -> p.attribute("id").orElseThrow()).containsExactly("late");
    }

    /**
     * Stanzas the server wrote before it read our closing tag reach no one: those a live session would
     * have bounced (a message, an iq get) are reported to the listener (which counts them
     * undeliverable), never dropped silently; presence, iq results, errors and nonzas are nobody's
     * loss. With XEP-0198 enabled the server keeps what we never acknowledged, so nothing is reported.
     */
    @Test
    void stanzasThatCrossOurClosingTagAreReportedUnlessStreamManagementIsOn() throws Exception {
        NettyUpstreamConnection c = openPlain();
        c.close(CloseMode.GRACEFUL, Optional.empty());
        in("<message id='m1'><body>1</body></message><r xmlns='urn:xmpp:sm:3'/><presence id='p1'/>"
                + "<iq id='r1' type='result'/><message id='e1' type='error'/><iq id='q1' type='get'/>");
        assertThat(listener.afterClose()).extracting(p -> p.attribute("id").orElseThrow()).containsExactly("m1", "q1");
        in(CLOSE_TAG);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void withStreamManagementEnabledStanzasAfterCloseAreLeftToTheServer() throws Exception {
        NettyUpstreamConnection c = openPlain();
        in("<enabled xmlns='urn:xmpp:sm:3' id='sm1' resume='true'/>");
        listener.next(StreamEvent.Element.class);
        c.close(CloseMode.GRACEFUL, Optional.empty());
        in("<message id='m1'><body>1</body></message>" + CLOSE_TAG);
        assertThat(listener.afterClose()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
    }

    /** U-13: without the server's closing tag, TCP closes after the close timeout. */
    @Test
    void gracefulCloseGivesUpAfterTheCloseTimeout() {
        NettyUpstreamConnection c = openPlain();
        c.close(CloseMode.GRACEFUL, Optional.empty());
        assertThat(out()).isEqualTo(CLOSE_TAG);
        advance(Duration.ofSeconds(5).minusMillis(1));
        assertThat(channel.isOpen()).isTrue();
        advance(Duration.ofMillis(1));
        assertThat(channel.isOpen()).isFalse();
        assertThat(listener.drain()).isEmpty();
    }

    @Test
    void gracefulCloseAfterTheServerClosedDoesNotWait() throws Exception {
        NettyUpstreamConnection c = openPlain();
        in(CLOSE_TAG);
        listener.next(StreamEvent.Closed.class);
        c.close(CloseMode.GRACEFUL, Optional.empty());
        assertThat(out()).isEqualTo(CLOSE_TAG);
        assertThat(channel.isOpen()).isFalse();
    }

    /** ABORT (SM pass-through): TCP goes without a closing tag, so the server keeps the session resumable. */
    @Test
    void abortClosesWithoutAClosingTag() {
        NettyUpstreamConnection c = openPlain();
        c.close(CloseMode.ABORT, Optional.empty());
        assertThat(out()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        assertThat(listener.drain()).isEmpty();
    }

    @Test
    void closeIsIdempotentAndLaterWritesAreDropped() {
        NettyUpstreamConnection c = openPlain();
        c.close(CloseMode.GRACEFUL, Optional.empty());
        c.close(CloseMode.GRACEFUL, Optional.of("conflict"));
        c.close(CloseMode.ABORT, Optional.empty());
        c.send(List.of(payload("<presence/>")));
        c.restart(HEADER, false);
        assertThat(out()).isEqualTo(CLOSE_TAG);
        assertThat(listener.drain()).isEmpty();
    }

    @Test
    void closeBeforeConnectClosesTheChannelWhenItArrives() {
        NettyUpstreamConnection c = connection(settings(TlsMode.DISABLED));
        c.start();
        c.close(CloseMode.GRACEFUL, Optional.empty());
        assertThat(c.isDone()).isTrue();
        c.attach(channel, false);
        assertThat(out()).isEmpty();
        assertThat(channel.isOpen()).isFalse();
        advance(Duration.ofMinutes(1));
        assertThat(listener.drain()).isEmpty();
    }

    // ---- helpers ----

    /** Closing runs SslHandler's close_notify into the outbound queue; drain it here. */
    private void closeTls() {
        channel.close();
        out();
    }

    private NettyUpstreamConnection openPlain() {
        NettyUpstreamConnection c = open(settings(TlsMode.DISABLED));
        in(header("s1") + featuresSasl());
        assertThat(listener.drain()).hasSize(2);
        out();
        return c;
    }

    private NettyUpstreamConnection open(UpstreamSettings s) {
        NettyUpstreamConnection c = connection(s);
        c.start();
        c.attach(channel, false);
        return c;
    }

    private NettyUpstreamConnection connection(UpstreamSettings s) {
        return new NettyUpstreamConnection(channel.eventLoop(), UpstreamTarget.domain(DOMAIN), HEADER, false, listener, s,
                UpstreamTls.from(s), null);
    }

    private static UpstreamSettings settings(TlsMode mode) {
        return settings(mode, Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    private static UpstreamSettings settings(TlsMode mode, Duration connectTimeout, Duration keepalive) {
        UpstreamSettings d = UpstreamSettings.defaults();
        return new UpstreamSettings(Optional.empty(), mode, false, Optional.empty(), connectTimeout,
                Duration.ofSeconds(5), keepalive, d.dnsCacheTtl(), List.of(), d.tokenizer(), false);
    }

    private void in(String xml) {
        channel.writeInbound(Unpooled.copiedBuffer(xml, StandardCharsets.UTF_8));
    }

    private String out() {
        StringBuilder sb = new StringBuilder();
        for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
            sb.append(b.toString(StandardCharsets.UTF_8));
            b.release();
        }
        return sb.toString();
    }

    private void advance(Duration d) {
        channel.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    private static XmlPayload payload(String xml) {
        return new XmlPayload("jabber:client", "x", Map.of(), xml.getBytes(StandardCharsets.UTF_8));
    }
}
