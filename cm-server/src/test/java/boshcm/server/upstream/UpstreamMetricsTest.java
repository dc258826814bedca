package boshcm.server.upstream;

import static boshcm.server.upstream.FakeXmppServer.TLS_NS;
import static boshcm.server.upstream.FakeXmppServer.featuresSasl;
import static boshcm.server.upstream.FakeXmppServer.featuresStartTls;
import static boshcm.server.upstream.FakeXmppServer.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.protocol.session.CloseMode;
import boshcm.protocol.session.UpstreamTarget;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import boshcm.server.upstream.FakeXmppServer.Peer;
import boshcm.server.upstream.UpstreamSettings.HostPort;
import boshcm.server.upstream.UpstreamSettings.TlsMode;
import boshcm.server.upstream.UpstreamSettings.TrustStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The upstream meters over real loopback TCP against {@link FakeXmppServer}: connects started and
 * succeeded, the three timers, open connections, and failures by reason, once per connection.
 */
class UpstreamMetricsTest {

    private static final String DOMAIN = TestCerts.DOMAIN;
    private static final StreamHeader HEADER = StreamHeader.initiating(DOMAIN, Optional.empty(), Optional.of("en"), "1.0");

    private static MultiThreadIoEventLoopGroup group;
    private static TestCerts certs;

    private final EventLoop loop = group.next();
    private final RecordingListener listener = new RecordingListener(loop);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final UpstreamMetrics metrics = new UpstreamMetrics(registry);
    private FakeXmppServer server;
    private NettyUpstreamConnector connector;

    @BeforeAll
    static void setUpAll() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        certs = TestCerts.get();
    }

    @AfterAll
    static void tearDownAll() throws Exception {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @AfterEach
    void tearDown() throws IOException {
        if (connector != null) {
            connector.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aStartTlsConnectionIsStartedSucceededTimedAndOpenUntilClosed() throws Exception {
        UpstreamConnection c = open(TlsMode.STARTTLS);
        try (Peer peer = server.accept()) {
            assertThat(peer.readStreamHeader()).contains("<stream:stream");
            peer.send(header("s1") + featuresStartTls());
            peer.readUntil("/>");
            peer.send("<proceed xmlns='" + TLS_NS + "'/>");
            peer.startTls(TestCerts.serverContext(certs.goodKeyStore));
            peer.readStreamHeader();
            peer.send(header("s2") + featuresSasl());
            listener.next(StreamEvent.Opened.class);
            listener.next(StreamEvent.Features.class);

            assertThat(count("bosh.upstream.connects.started")).isEqualTo(1);
            assertThat(count("bosh.upstream.connects.succeeded")).isEqualTo(1);
            assertThat(registry.get("bosh.upstream.connect.duration").timer().count()).isEqualTo(1);
            assertThat(registry.get("bosh.upstream.tls.handshake.duration").timer().count()).isEqualTo(1);
            assertThat(registry.get("bosh.upstream.setup.duration").timer().count()).isEqualTo(1);
            assertThat(openConnections()).isEqualTo(1);

            loop.execute(() -> c.close(CloseMode.ABORT, Optional.empty()));
            await(() -> openConnections() == 0);
        }
        assertThat(failures()).isZero();
    }

    @Test
    void nothingListeningIsARefusedFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        connector = new NettyUpstreamConnector(settings(TlsMode.DISABLED, port), metrics);
        connector.open(loop, UpstreamTarget.domain(DOMAIN), HEADER, false, listener);
        listener.next(StreamEvent.Lost.class);

        assertThat(failure("refused")).isEqualTo(1);
        assertThat(failures()).isEqualTo(1);
        assertThat(count("bosh.upstream.connects.succeeded")).isZero();
        assertThat(openConnections()).isZero();
    }

    @Test
    void aCertificateForAnotherNameIsATlsFailure() throws Exception {
        open(TlsMode.STARTTLS);
        try (Peer peer = server.accept()) {
            peer.readStreamHeader();
            peer.send(header("s1") + featuresStartTls());
            peer.readUntil("/>");
            peer.send("<proceed xmlns='" + TLS_NS + "'/>");
            assertThatThrownBy(() -> peer.startTls(TestCerts.serverContext(certs.wrongKeyStore))).isInstanceOf(IOException.class);
            listener.next(StreamEvent.Lost.class);
        }
        assertThat(failure("tls")).isEqualTo(1);
        assertThat(failures()).isEqualTo(1);
        assertThat(registry.get("bosh.upstream.tls.handshake.duration").timer().count()).isZero();
    }

    @Test
    void startTlsNotOfferedIsAStartTlsFailure() throws Exception {
        open(TlsMode.STARTTLS);
        try (Peer peer = server.accept()) {
            peer.readStreamHeader();
            peer.send(header("s1") + featuresSasl());
            listener.next(StreamEvent.Lost.class);
        }
        assertThat(failure("starttls")).isEqualTo(1);
    }

    @Test
    void aSilentServerIsATimeout() throws Exception {
        open(TlsMode.DISABLED, Duration.ofMillis(300));
        try (Peer peer = server.accept()) {
            listener.next(StreamEvent.Lost.class);
            peer.readToEof();
        }
        assertThat(failure("timeout")).isEqualTo(1);
    }

    /** U-10: an established stream lost without {@code </stream:stream>} counts once. */
    @Test
    void anEstablishedStreamThatLosesTcpIsOneFailure() throws Exception {
        open(TlsMode.DISABLED);
        Peer peer = server.accept();
        openPlain(peer);
        peer.reset();
        listener.next(StreamEvent.Lost.class);

        assertThat(failures()).isEqualTo(1);
        assertThat(failure("reset") + failure("closed")).isEqualTo(1);
        await(() -> openConnections() == 0);
    }

    /** A stream error and the close that follows it are one failure, a stream error. */
    @Test
    void aStreamErrorThenCloseIsOneStreamErrorFailure() throws Exception {
        open(TlsMode.DISABLED);
        try (Peer peer = server.accept()) {
            openPlain(peer);
            peer.send("<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>");
            listener.next(StreamEvent.StreamError.class);
            listener.next(StreamEvent.Closed.class);
        }
        assertThat(failure("stream-error")).isEqualTo(1);
        assertThat(failures()).isEqualTo(1);
    }

    @Test
    void everyReasonIsRegisteredFromTheStart() {
        for (UpstreamFailure reason : UpstreamFailure.values()) {
            assertThat(failure(reason.tag)).isZero();
        }
        assertThat(registry.find("bosh.upstream.failures").counters()).hasSize(UpstreamFailure.values().length);
    }

    @Test
    void causesAreClassifiedWithoutTheirText() {
        assertThat(UpstreamFailure.of(new ConnectException("Connection refused: /127.0.0.1:1"), UpstreamFailure.OTHER))
                .isEqualTo(UpstreamFailure.REFUSED);
        assertThat(UpstreamFailure.of(new IOException("wrapper", new ConnectException("finishConnect(..) failed: Connection refused")),
                UpstreamFailure.OTHER)).isEqualTo(UpstreamFailure.REFUSED);
        assertThat(UpstreamFailure.of(new ConnectTimeoutException("connection timed out after 3000 ms"), UpstreamFailure.OTHER))
                .isEqualTo(UpstreamFailure.TIMEOUT);
        assertThat(UpstreamFailure.of(new NoRouteToHostException("No route to host"), UpstreamFailure.OTHER))
                .isEqualTo(UpstreamFailure.UNREACHABLE);
        assertThat(UpstreamFailure.of(new ConnectException("Network is unreachable"), UpstreamFailure.OTHER))
                .isEqualTo(UpstreamFailure.UNREACHABLE);
        assertThat(UpstreamFailure.of(new IOException("Connection reset by peer"), UpstreamFailure.CLOSED))
                .isEqualTo(UpstreamFailure.RESET);
        assertThat(UpstreamFailure.of(new SSLHandshakeException("PKIX path building failed"), UpstreamFailure.OTHER))
                .isEqualTo(UpstreamFailure.TLS);
        assertThat(UpstreamFailure.of(new UnknownHostException("nope.test"), UpstreamFailure.OTHER))
                .isEqualTo(UpstreamFailure.DNS);
        assertThat(UpstreamFailure.of(null, UpstreamFailure.CLOSED)).isEqualTo(UpstreamFailure.CLOSED);
        assertThat(UpstreamFailure.of(new IOException("something else"), UpstreamFailure.OTHER)).isEqualTo(UpstreamFailure.OTHER);
    }

    // ---- helpers ----

    private UpstreamConnection open(TlsMode mode) throws IOException {
        return open(mode, Duration.ofSeconds(10));
    }

    private UpstreamConnection open(TlsMode mode, Duration connectTimeout) throws IOException {
        server = new FakeXmppServer();
        UpstreamSettings d = UpstreamSettings.defaults();
        UpstreamSettings s = new UpstreamSettings(Optional.of(new HostPort("127.0.0.1", server.port())), mode, false,
                Optional.of(new TrustStore(certs.trustPem, TrustStore.Format.PEM, Optional.empty())), connectTimeout,
                d.closeTimeout(), d.keepaliveInterval(), d.dnsCacheTtl(), List.of(), d.tokenizer(), false);
        connector = new NettyUpstreamConnector(s, metrics);
        return connector.open(loop, UpstreamTarget.domain(DOMAIN), HEADER, false, listener);
    }

    private void openPlain(Peer peer) throws Exception {
        peer.readStreamHeader();
        peer.send(header("s1") + featuresSasl());
        listener.next(StreamEvent.Opened.class);
        listener.next(StreamEvent.Features.class);
    }

    private static UpstreamSettings settings(TlsMode mode, int port) {
        UpstreamSettings d = UpstreamSettings.defaults();
        return new UpstreamSettings(Optional.of(new HostPort("127.0.0.1", port)), mode, false, Optional.empty(),
                Duration.ofSeconds(3), d.closeTimeout(), d.keepaliveInterval(), d.dnsCacheTtl(), List.of(), d.tokenizer(), false);
    }

    private double count(String name) {
        return registry.get(name).counter().count();
    }

    private double failure(String reason) {
        return registry.get("bosh.upstream.failures").tag("reason", reason).counter().count();
    }

    private double failures() {
        return registry.find("bosh.upstream.failures").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    private double openConnections() {
        return registry.get("bosh.upstream.connections").gauge().value();
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
