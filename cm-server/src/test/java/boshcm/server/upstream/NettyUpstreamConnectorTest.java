package boshcm.server.upstream;

import static boshcm.server.upstream.FakeXmppServer.TLS_NS;
import static boshcm.server.upstream.FakeXmppServer.featuresBind;
import static boshcm.server.upstream.FakeXmppServer.featuresSasl;
import static boshcm.server.upstream.FakeXmppServer.featuresStartTls;
import static boshcm.server.upstream.FakeXmppServer.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.session.CloseMode;
import boshcm.protocol.session.UpstreamTarget;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import boshcm.server.upstream.FakeXmppServer.Peer;
import boshcm.server.upstream.UpstreamSettings.HostPort;
import boshcm.server.upstream.UpstreamSettings.TlsMode;
import boshcm.server.upstream.UpstreamSettings.TrustStore;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The connector over real loopback TCP against {@link FakeXmppServer}, with certificates made by
 * keytool at test time. Covers checklist U-1, U-3, U-4, U-5, U-10, U-13, S-9 and XEP-0368.
 */
class NettyUpstreamConnectorTest {

    private static final String DOMAIN = TestCerts.DOMAIN;
    private static final StreamHeader HEADER =
            StreamHeader.initiating(DOMAIN, Optional.of("romeo@xmpp.test"), Optional.of("en"), "1.0");
    private static final String CLOSE_TAG = "</stream:stream>";
    private static final String AUTH = "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AHJvbWVvAHNlY3JldA==</auth>";

    private static MultiThreadIoEventLoopGroup group;
    private static TestCerts certs;
    private static SSLContext goodServerTls;
    private static SSLContext wrongServerTls;

    private final EventLoop loop = group.next();
    private final RecordingListener listener = new RecordingListener(loop);
    private FakeXmppServer server;
    private NettyUpstreamConnector connector;

    @BeforeAll
    static void setUpAll() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        certs = TestCerts.get();
        goodServerTls = TestCerts.serverContext(certs.goodKeyStore);
        wrongServerTls = TestCerts.serverContext(certs.wrongKeyStore);
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
    void plainStreamDeliversOpenedAndFeaturesOnTheSessionLoop() throws Exception {
        UpstreamConnection c = open(TlsMode.DISABLED, trustPem());
        try (Peer peer = server.accept()) {
            String first = peer.readStreamHeader();
            assertThat(first).contains("to='" + DOMAIN + "'").doesNotContain("from=");
            peer.send(header("s1") + featuresSasl());
            assertThat(listener.next(StreamEvent.Opened.class).header().id()).contains("s1");
            listener.next(StreamEvent.Features.class);
            assertThat(onLoop(c::encrypted)).isFalse();
        }
    }

    /** U-3, U-4: STARTTLS with a trusted certificate; 'from' only in the header sent over TLS; SNI is the domain. */
    @Test
    void startTlsWithTrustedCertificateSendsFromOnlyOverTls() throws Exception {
        UpstreamConnection c = open(TlsMode.STARTTLS, trustPem());
        try (Peer peer = server.accept()) {
            startTls(peer, goodServerTls);
            String secured = peer.readStreamHeader();
            assertThat(secured).contains("from='romeo@xmpp.test'").contains("to='" + DOMAIN + "'");
            assertThat(peer.sniName()).isEqualTo(DOMAIN);
            peer.send(header("s2") + featuresSasl());
            // the cleartext stream stays invisible to the session
            assertThat(listener.next(StreamEvent.Opened.class).header().id()).contains("s2");
            assertThat(listener.next(StreamEvent.Features.class).offered().startTls()).isFalse();
            assertThat(onLoop(c::encrypted)).isTrue();
        }
    }

    @Test
    void pkcs12TrustStoreWorksLikePem() throws Exception {
        open(TlsMode.STARTTLS, Optional.of(new TrustStore(certs.trustPkcs12, TrustStore.Format.PKCS12,
                Optional.of(TestCerts.PASSWORD))));
        try (Peer peer = server.accept()) {
            startTls(peer, goodServerTls);
            peer.readStreamHeader();
            peer.send(header("s2") + featuresSasl());
            listener.next(StreamEvent.Opened.class);
        }
    }

    /** U-4: a certificate for another name fails TLS, and nothing the session queued reaches the server. */
    @Test
    void certificateForTheWrongNameIsLostAndNoSaslBytesAreSent() throws Exception {
        UpstreamConnection c = open(TlsMode.STARTTLS, trustPem());
        loop.execute(() -> c.send(List.of(payload(AUTH))));
        try (Peer peer = server.accept()) {
            assertThatThrownBy(() -> startTls(peer, wrongServerTls)).isInstanceOf(IOException.class);
            assertThat(listener.next(StreamEvent.Lost.class).reason()).startsWith("TLS: ");
            assertThat(peer.received()).doesNotContain("<auth");
        }
    }

    /** S-9: verification is on by default; a self-signed certificate is not in the JDK's trust anchors. */
    @Test
    void defaultTrustRejectsAnUnknownIssuer() throws Exception {
        open(TlsMode.STARTTLS, Optional.empty());
        try (Peer peer = server.accept()) {
            assertThatThrownBy(() -> startTls(peer, goodServerTls)).isInstanceOf(IOException.class);
            assertThat(listener.next(StreamEvent.Lost.class).reason()).startsWith("TLS: ");
        }
    }

    @Test
    void insecureModeTrustsAnyCertificate() throws Exception {
        connect(settings(TlsMode.STARTTLS, Optional.empty(), true, Duration.ofSeconds(5)));
        try (Peer peer = server.accept()) {
            startTls(peer, wrongServerTls);
            peer.readStreamHeader();
            peer.send(header("s2") + featuresSasl());
            listener.next(StreamEvent.Opened.class);
        }
    }

    /** S-9: STARTTLS required by policy but not offered: no plaintext fallback. */
    @Test
    void startTlsNotOfferedIsLost() throws Exception {
        UpstreamConnection c = open(TlsMode.STARTTLS, trustPem());
        loop.execute(() -> c.send(List.of(payload(AUTH))));
        try (Peer peer = server.accept()) {
            peer.readStreamHeader();
            peer.send(header("s1") + featuresSasl());
            assertThat(listener.next(StreamEvent.Lost.class).reason()).isEqualTo("server did not offer STARTTLS");
            assertThat(peer.readToEof()).doesNotContain("<auth");
        }
    }

    /** XEP-0368: TLS from the first byte, SNI = domain, ALPN xmpp-client; 'from' in the only header. */
    @Test
    void directTlsOpensTheStreamOverTls() throws Exception {
        UpstreamConnection c = open(TlsMode.DIRECT, trustPem());
        try (Peer peer = server.accept()) {
            peer.startTls(goodServerTls, UpstreamTls.ALPN_XMPP_CLIENT);
            assertThat(peer.applicationProtocol()).isEqualTo("xmpp-client");
            assertThat(peer.sniName()).isEqualTo(DOMAIN);
            assertThat(peer.readStreamHeader()).contains("from='romeo@xmpp.test'");
            peer.send(header("d1") + featuresSasl());
            assertThat(listener.next(StreamEvent.Opened.class).header().id()).contains("d1");
            listener.next(StreamEvent.Features.class);
            assertThat(onLoop(c::encrypted)).isTrue();
        }
    }

    /** U-1: nothing listening → Lost, well within the connect timeout. */
    @Test
    void connectionRefusedIsLostWithinTheTimeout() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        connector = new NettyUpstreamConnector(settings(TlsMode.DISABLED, Optional.empty(), false, Duration.ofSeconds(3), port));
        long start = System.nanoTime();
        connector.open(loop, UpstreamTarget.domain(DOMAIN), HEADER, false, listener);
        assertThat(listener.next(StreamEvent.Lost.class).reason()).contains("cannot connect to " + DOMAIN);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    /** U-1: a server that accepts TCP but never answers is Lost at the connect timeout. */
    @Test
    void silentServerIsLostAtTheConnectTimeout() throws Exception {
        connect(settings(TlsMode.DISABLED, Optional.empty(), false, Duration.ofMillis(500)));
        try (Peer peer = server.accept()) {
            assertThat(listener.next(StreamEvent.Lost.class).reason()).contains("within 500 ms");
            peer.readToEof();
        }
    }

    /** U-10: RST in the middle of the stream → Lost. */
    @Test
    void resetMidStreamIsLost() throws Exception {
        open(TlsMode.DISABLED, trustPem());
        Peer peer = server.accept();
        openPlain(peer);
        peer.reset();
        assertThat(listener.next(StreamEvent.Lost.class).reason()).contains("without </stream:stream>");
    }

    @Test
    void serverCloseTagThenFinIsClosedAndNotLost() throws Exception {
        UpstreamConnection c = open(TlsMode.DISABLED, trustPem());
        try (Peer peer = server.accept()) {
            openPlain(peer);
            peer.send(CLOSE_TAG);
            listener.next(StreamEvent.Closed.class);
            loop.execute(() -> c.close(CloseMode.GRACEFUL, Optional.empty()));
            assertThat(peer.readToEof()).isEqualTo(CLOSE_TAG);
            assertThat(onLoop(listener::drain)).isEmpty();
        }
    }

    /** U-13: {@code </stream:stream>} out, TCP kept until the server's closing tag, then closed. */
    @Test
    void gracefulCloseWaitsForTheServersCloseTag() throws Exception {
        UpstreamConnection c = open(TlsMode.DISABLED, trustPem());
        try (Peer peer = server.accept()) {
            openPlain(peer);
            loop.execute(() -> c.close(CloseMode.GRACEFUL, Optional.empty()));
            peer.readUntil(CLOSE_TAG);
            assertThat(peer.stillOpenAfter(Duration.ofMillis(300))).isTrue();
            peer.send(CLOSE_TAG);
            assertThat(peer.readToEof()).isEmpty();
            assertThat(onLoop(listener::drain)).isEmpty();
        }
    }

    /** U-13: without the server's answer, TCP closes after the close timeout. */
    @Test
    void gracefulCloseTimesOut() throws Exception {
        UpstreamSettings s = settings(TlsMode.DISABLED, Optional.empty(), false, Duration.ofSeconds(5));
        connect(new UpstreamSettings(s.fixedUpstream(), s.tlsMode(), false, Optional.empty(), s.connectTimeout(),
                Duration.ofMillis(400), s.keepaliveInterval(), s.dnsCacheTtl(), s.dnsServers(), s.tokenizer(), false));
        UpstreamConnection c = lastOpened;
        try (Peer peer = server.accept()) {
            openPlain(peer);
            long start = System.nanoTime();
            loop.execute(() -> c.close(CloseMode.GRACEFUL, Optional.of("system-shutdown")));
            assertThat(peer.readUntil(CLOSE_TAG)).contains("system-shutdown");
            assertThat(peer.readToEof()).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(350));
            assertThat(onLoop(listener::drain)).isEmpty();
        }
    }

    @Test
    void abortSendsNoClosingTag() throws Exception {
        UpstreamConnection c = open(TlsMode.DISABLED, trustPem());
        try (Peer peer = server.accept()) {
            openPlain(peer);
            loop.execute(() -> c.close(CloseMode.ABORT, Optional.empty()));
            assertThat(peer.readToEof()).isEmpty();
            assertThat(onLoop(listener::drain)).isEmpty();
        }
    }

    /** Payloads sent while connecting and negotiating TLS go out in order, after the header over TLS. */
    @Test
    void payloadsQueuedBeforeReadyArriveInOrderOverTls() throws Exception {
        UpstreamConnection c = open(TlsMode.STARTTLS, trustPem());
        loop.execute(() -> {
            c.send(List.of(payload("<presence id='1'/>")));
            c.send(List.of(payload("<message id='2'/>"), payload("<iq id='3' type='get'/>")));
        });
        try (Peer peer = server.accept()) {
            startTls(peer, goodServerTls);
            peer.readStreamHeader();
            assertThat(peer.readUntil("<iq id='3' type='get'/>"))
                    .isEqualTo("<presence id='1'/><message id='2'/><iq id='3' type='get'/>");
        }
    }

    /** U-5: after SASL success the stream restarts on the same socket, and the new header arrives over it. */
    @Test
    void restartReusesTheSocket() throws Exception {
        UpstreamConnection c = open(TlsMode.STARTTLS, trustPem());
        try (Peer peer = server.accept()) {
            startTls(peer, goodServerTls);
            peer.readStreamHeader();
            peer.send(header("s2") + featuresSasl());
            listener.next(StreamEvent.Opened.class);
            listener.next(StreamEvent.Features.class);
            loop.execute(() -> c.send(List.of(payload(AUTH))));
            assertThat(peer.readUntil("</auth>")).isEqualTo(AUTH);
            peer.send("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
            assertThat(listener.next(StreamEvent.Element.class).payload().localName()).isEqualTo("success");
            loop.execute(() -> c.restart(HEADER, false));
            assertThat(peer.readStreamHeader()).contains("<stream:stream").contains("from='romeo@xmpp.test'")
                    .doesNotContain(CLOSE_TAG);
            peer.send(header("s3") + featuresBind());
            assertThat(listener.next(StreamEvent.Opened.class).header().id()).contains("s3");
            assertThat(listener.next(StreamEvent.Features.class).offered().bind()).isTrue();
            assertThat(server.acceptedConnections()).isEqualTo(1);
        }
    }

    /**
     * U-1, U-4: with no fixed upstream the domain's SRV records are used, in order, moving on when a
     * target refuses; the certificate is checked against the domain, not the SRV target's name.
     */
    @Test
    void srvTargetsAreTriedInOrderAndTheCertificateMatchesTheDomain() throws Exception {
        server = new FakeXmppServer();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        try (FakeDnsServer dns = new FakeDnsServer(group)) {
            dns.srv("_xmpp-client._tcp." + DOMAIN, new FakeDnsServer.Srv(10, 0, closedPort, "down.srv.test"),
                    new FakeDnsServer.Srv(20, 0, server.port(), "up.srv.test"));
            dns.a("down.srv.test", InetAddress.getLoopbackAddress());
            dns.a("up.srv.test", InetAddress.getLoopbackAddress());
            UpstreamSettings d = UpstreamSettings.defaults();
            connector = new NettyUpstreamConnector(new UpstreamSettings(Optional.empty(), TlsMode.STARTTLS, false,
                    trustPem(), Duration.ofSeconds(10), d.closeTimeout(), d.keepaliveInterval(), d.dnsCacheTtl(),
                    List.of(dns.address()), d.tokenizer(), true));   // the fake servers live on loopback
            connector.open(loop, UpstreamTarget.domain(DOMAIN), HEADER, false, listener);
            try (Peer peer = server.accept()) {
                startTls(peer, goodServerTls);
                assertThat(peer.sniName()).isEqualTo(DOMAIN);
                peer.readStreamHeader();
                peer.send(header("s2") + featuresSasl());
                listener.next(StreamEvent.Opened.class);
            }
            assertThat(dns.questionsFor("down.srv.test")).isPositive();
        }
    }

    /** S-6: a client's domain whose DNS points at loopback or private space is refused, unless allowed. */
    @Test
    void s6_dnsAnswersInInternalAddressSpaceAreRefused() throws Exception {
        server = new FakeXmppServer();
        try (FakeDnsServer dns = new FakeDnsServer(group)) {
            dns.srv("_xmpp-client._tcp." + DOMAIN, new FakeDnsServer.Srv(10, 0, server.port(), "inside.srv.test"));
            dns.a("inside.srv.test", InetAddress.getLoopbackAddress());
            UpstreamSettings d = UpstreamSettings.defaults();
            connector = new NettyUpstreamConnector(new UpstreamSettings(Optional.empty(), TlsMode.STARTTLS, false,
                    trustPem(), Duration.ofSeconds(10), d.closeTimeout(), d.keepaliveInterval(), d.dnsCacheTtl(),
                    List.of(dns.address()), d.tokenizer(), false));
            connector.open(loop, UpstreamTarget.domain(DOMAIN), HEADER, false, listener);
            StreamEvent.Lost lost = listener.next(StreamEvent.Lost.class);
            assertThat(lost.reason()).contains("internal address");
        }
        assertThat(NettyUpstreamConnector.isInternal(InetAddress.getByName("10.1.2.3"))).isTrue();
        assertThat(NettyUpstreamConnector.isInternal(InetAddress.getByName("100.64.0.1"))).isTrue();
        assertThat(NettyUpstreamConnector.isInternal(InetAddress.getByName("fd00::1"))).isTrue();
        assertThat(NettyUpstreamConnector.isInternal(InetAddress.getByName("169.254.1.1"))).isTrue();
        assertThat(NettyUpstreamConnector.isInternal(InetAddress.getByName("192.0.2.1"))).isFalse();
        assertThat(NettyUpstreamConnector.isInternal(InetAddress.getByName("2001:db8::1"))).isFalse();
    }

    /**
     * S-6: every internal range, written every way an AAAA or A record can carry it: IPv4-mapped,
     * IPv4-compatible, NAT64 and 6to4 forms of an internal IPv4 address are internal too; public
     * addresses in the same forms are not.
     */
    @Test
    void s6_internalAddressesInEveryFormAreRecognised() throws Exception {
        for (String inside : List.of("127.0.0.1", "127.255.0.9", "0.0.0.0", "0.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255",
                "192.168.1.1", "169.254.169.254", "100.64.0.1", "100.127.255.255", "192.0.0.8", "198.18.0.1", "198.19.255.1",
                "224.0.0.1", "240.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fec0::1", "fc00::1", "fd12:3456::1",
                "ff02::1", "100::1", "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::127.0.0.1", "::10.0.0.1",
                "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::a00:1", "2002:7f00:1::", "2002:a00:1::1",
                "2002:a9fe:a9fe::1")) {
            assertThat(NettyUpstreamConnector.isInternal(InetAddress.getByName(inside))).as(inside).isTrue();
        }
        for (String outside : List.of("192.0.2.1", "198.51.100.7", "203.0.113.9", "8.8.8.8", "172.32.0.1", "100.128.0.1",
                "2001:db8::1", "2a00:1450::1", "64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8")) {
            assertThat(NettyUpstreamConnector.isInternal(InetAddress.getByName(outside))).as(outside).isFalse();
        }
    }

    @Test
    void badTrustStoreFailsAtConstruction() {
        UpstreamSettings s = settings(TlsMode.STARTTLS, Optional.of(new TrustStore(certs.dir.resolve("missing.p12"),
                TrustStore.Format.PKCS12, Optional.of("x"))), false, Duration.ofSeconds(1), 5222);
        assertThatThrownBy(() -> new NettyUpstreamConnector(s)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trust store");
    }

    // ---- helpers ----

    private UpstreamConnection lastOpened;

    private UpstreamConnection open(TlsMode mode, Optional<TrustStore> trust) throws IOException {
        return connect(settings(mode, trust, false, Duration.ofSeconds(10)));
    }

    private UpstreamConnection connect(UpstreamSettings settingsWithoutPort) throws IOException {
        server = new FakeXmppServer();
        UpstreamSettings s = new UpstreamSettings(Optional.of(new HostPort("127.0.0.1", server.port())),
                settingsWithoutPort.tlsMode(), settingsWithoutPort.insecure(), settingsWithoutPort.trustStore(),
                settingsWithoutPort.connectTimeout(), settingsWithoutPort.closeTimeout(),
                settingsWithoutPort.keepaliveInterval(), settingsWithoutPort.dnsCacheTtl(),
                settingsWithoutPort.dnsServers(), settingsWithoutPort.tokenizer(), false);
        connector = new NettyUpstreamConnector(s);
        lastOpened = connector.open(loop, UpstreamTarget.domain(DOMAIN), HEADER, false, listener);
        return lastOpened;
    }

    /** Server side of the cleartext part: header, features with STARTTLS, proceed, handshake. */
    private static void startTls(Peer peer, SSLContext tls) throws IOException {
        assertThat(peer.readStreamHeader()).doesNotContain("from=");
        peer.send(header("s1") + featuresStartTls());
        assertThat(peer.readUntil("/>")).contains("<starttls").contains(TLS_NS);
        peer.send("<proceed xmlns='" + TLS_NS + "'/>");
        peer.startTls(tls);
    }

    private void openPlain(Peer peer) throws Exception {
        peer.readStreamHeader();
        peer.send(header("s1") + featuresSasl());
        listener.next(StreamEvent.Opened.class);
        listener.next(StreamEvent.Features.class);
    }

    private <T> T onLoop(java.util.concurrent.Callable<T> task) throws Exception {
        return loop.submit(task).get(5, TimeUnit.SECONDS);
    }

    private static Optional<TrustStore> trustPem() {
        return Optional.of(new TrustStore(certs.trustPem, TrustStore.Format.PEM, Optional.empty()));
    }

    private static UpstreamSettings settings(TlsMode mode, Optional<TrustStore> trust, boolean insecure, Duration connectTimeout) {
        return settings(mode, trust, insecure, connectTimeout, 5222);
    }

    private static UpstreamSettings settings(TlsMode mode, Optional<TrustStore> trust, boolean insecure,
                                             Duration connectTimeout, int port) {
        UpstreamSettings d = UpstreamSettings.defaults();
        return new UpstreamSettings(Optional.of(new HostPort("127.0.0.1", port)), mode, insecure, trust, connectTimeout,
                d.closeTimeout(), d.keepaliveInterval(), d.dnsCacheTtl(), List.of(), d.tokenizer(), false);
    }

    private static XmlPayload payload(String xml) {
        return new XmlPayload("jabber:client", "x", Map.of(), xml.getBytes(StandardCharsets.UTF_8));
    }
}
