package boshcm.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.session.UpstreamTarget;
import boshcm.server.upstream.FakeDnsServer.Srv;
import boshcm.server.upstream.UpstreamResolver.Candidate;
import boshcm.server.upstream.UpstreamSettings.TlsMode;
import io.netty.channel.EventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** SRV and A/AAAA resolution through Netty's DNS resolver against {@link FakeDnsServer} on loopback (U-1). */
class UpstreamResolverDnsTest {

    private static MultiThreadIoEventLoopGroup group;

    private FakeDnsServer dns;
    private UpstreamResolver resolver;
    private EventLoop loop;

    @BeforeAll
    static void startGroup() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stopGroup() throws InterruptedException {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    @BeforeEach
    void setUp() throws InterruptedException {
        dns = new FakeDnsServer(group);
        loop = group.next();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (resolver != null) {
            resolver.close();
        }
        dns.close();
    }

    /** RFC 6120 §3.2.1: SRV targets in priority order, then their addresses. */
    @Test
    void srvRecordsGiveTargetsInPriorityOrder() throws Exception {
        dns.srv("_xmpp-client._tcp.example.test", new Srv(20, 0, 5269, "backup.example.test"),
                new Srv(10, 5, 5299, "primary.example.test"));
        dns.a("primary.example.test", InetAddress.getByName("127.0.0.2"));
        resolver = new UpstreamResolver(settings(TlsMode.STARTTLS, Duration.ofMinutes(5)));
        assertThat(candidates("example.test")).containsExactly(new Candidate("primary.example.test", 5299, false),
                new Candidate("backup.example.test", 5269, false));
        assertThat(resolver.addresses(loop, "primary.example.test").get(5, TimeUnit.SECONDS))
                .containsExactly(InetAddress.getByName("127.0.0.2"));
    }

    /** RFC 6120 §3.2.1: no SRV record (NXDOMAIN) → the domain itself on 5222. */
    @Test
    void missingSrvFallsBackToTheDomain() throws Exception {
        resolver = new UpstreamResolver(settings(TlsMode.STARTTLS, Duration.ofMinutes(5)));
        assertThat(candidates("nosrv.test")).containsExactly(new Candidate("nosrv.test", 5222, false));
    }

    /** XEP-0368: in direct TLS mode _xmpps-client targets come first, _xmpp-client ones (STARTTLS) after. */
    @Test
    void directModeAsksForXmppsClientFirst() throws Exception {
        dns.srv("_xmpps-client._tcp.example.test", new Srv(0, 0, 443, "tls.example.test"));
        dns.srv("_xmpp-client._tcp.example.test", new Srv(0, 0, 5222, "plain.example.test"));
        resolver = new UpstreamResolver(settings(TlsMode.DIRECT, Duration.ofMinutes(5)));
        assertThat(candidates("example.test")).containsExactly(new Candidate("tls.example.test", 443, true),
                new Candidate("plain.example.test", 5222, false));
    }

    @Test
    void lookupsAreCachedForTheTtl() throws Exception {
        dns.srv("_xmpp-client._tcp.example.test", new Srv(0, 0, 5222, "h.example.test"));
        dns.a("h.example.test", InetAddress.getByName("127.0.0.3"));
        resolver = new UpstreamResolver(settings(TlsMode.STARTTLS, Duration.ofMinutes(5)));
        candidates("example.test");
        candidates("EXAMPLE.test");
        resolver.addresses(loop, "h.example.test").get(5, TimeUnit.SECONDS);
        resolver.addresses(loop, "h.example.test").get(5, TimeUnit.SECONDS);
        assertThat(dns.questionsFor("_xmpp-client._tcp.example.test")).isEqualTo(1);
        assertThat(dns.questionsFor("h.example.test")).isBetween(1, 2); // A, maybe AAAA
    }

    @Test
    void zeroTtlDisablesTheCache() throws Exception {
        dns.srv("_xmpp-client._tcp.example.test", new Srv(0, 0, 5222, "h.example.test"));
        resolver = new UpstreamResolver(settings(TlsMode.STARTTLS, Duration.ZERO));
        candidates("example.test");
        candidates("example.test");
        assertThat(dns.questionsFor("_xmpp-client._tcp.example.test")).isEqualTo(2);
    }

    private List<Candidate> candidates(String domain) throws InterruptedException, ExecutionException, TimeoutException {
        return resolver.candidates(loop, UpstreamTarget.domain(domain)).get(5, TimeUnit.SECONDS);
    }

    private UpstreamSettings settings(TlsMode mode, Duration ttl) {
        UpstreamSettings d = UpstreamSettings.defaults();
        return new UpstreamSettings(Optional.empty(), mode, false, Optional.empty(), d.connectTimeout(),
                d.closeTimeout(), d.keepaliveInterval(), ttl, List.of(dns.address()), d.tokenizer(), false);
    }
}
