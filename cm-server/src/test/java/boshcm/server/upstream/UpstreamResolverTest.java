package boshcm.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.protocol.session.UpstreamTarget;
import boshcm.server.upstream.UpstreamResolver.Candidate;
import boshcm.server.upstream.UpstreamSettings.HostPort;
import boshcm.server.upstream.UpstreamSettings.TlsMode;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which places the upstream connects to, in which order (RFC 6120 §3.2, XEP-0368, checklist U-1, B-7.1-6). */
class UpstreamResolverTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();

    @Test
    void fixedUpstreamWinsOverRouteAndSrv() throws Exception {
        UpstreamSettings settings = withFixed(TlsMode.STARTTLS, new HostPort("xmpp.internal", 5333));
        try (UpstreamResolver resolver = new UpstreamResolver(settings)) {
            UpstreamTarget routed = new UpstreamTarget("example.com", Optional.of("evil.test"), 25);
            assertThat(resolver.candidates(channel.eventLoop(), routed).get())
                    .containsExactly(new Candidate("xmpp.internal", 5333, false));
        }
    }

    @Test
    void fixedUpstreamInDirectModeUsesDirectTls() throws Exception {
        try (UpstreamResolver resolver = new UpstreamResolver(withFixed(TlsMode.DIRECT, new HostPort("h", 5223)))) {
            assertThat(resolver.candidates(channel.eventLoop(), UpstreamTarget.domain("example.com")).get())
                    .containsExactly(new Candidate("h", 5223, true));
        }
    }

    /** B-7.1-6: an honoured (already allow-listed) route is used as given, with no SRV lookup. */
    @Test
    void routeIsUsedWithoutSrv() throws Exception {
        try (UpstreamResolver resolver = new UpstreamResolver(UpstreamSettings.defaults())) {
            UpstreamTarget routed = new UpstreamTarget("example.com", Optional.of("xmpp.example.com"), 5222);
            assertThat(resolver.candidates(channel.eventLoop(), routed).get())
                    .containsExactly(new Candidate("xmpp.example.com", 5222, false));
        }
    }

    @Test
    void ipLiteralsNeedNoLookup() throws Exception {
        try (UpstreamResolver resolver = new UpstreamResolver(UpstreamSettings.defaults())) {
            assertThat(resolver.addresses(channel.eventLoop(), "127.0.0.1").get())
                    .containsExactly(InetAddress.getByName("127.0.0.1"));
            assertThat(resolver.addresses(channel.eventLoop(), "::1").get())
                    .containsExactly(InetAddress.getByName("::1"));
        }
    }

    /** RFC 6120 §3.2.1: without any SRV record, fall back to the domain itself on 5222. */
    @Test
    void noSrvRecordsFallsBackToTheDomainOn5222() throws Exception {
        assertThat(UpstreamResolver.fromSrv("example.com", List.of(), List.of()))
                .containsExactly(new Candidate("example.com", 5222, false));
    }

    /** XEP-0368: direct TLS targets first (connected with TLS from the first byte), then STARTTLS targets. */
    @Test
    void directTlsTargetsComeBeforeStartTlsTargets() throws Exception {
        List<Candidate> candidates = UpstreamResolver.fromSrv("example.com",
                List.of(new SrvRecord(0, 0, 5223, "tls.example.com")),
                List.of(new SrvRecord(0, 0, 5222, "a.example.com"), new SrvRecord(5, 0, 5222, "b.example.com")));
        assertThat(candidates).containsExactly(new Candidate("tls.example.com", 5223, true),
                new Candidate("a.example.com", 5222, false), new Candidate("b.example.com", 5222, false));
    }

    /** XEP-0368 §5: xmpps-client "." means no direct TLS; use xmpp-client records, no A/AAAA fallback. */
    @Test
    void directTlsDeclinedUsesStartTlsRecords() throws Exception {
        List<Candidate> candidates = UpstreamResolver.fromSrv("example.com",
                List.of(new SrvRecord(0, 0, 0, ".")), List.of(new SrvRecord(0, 0, 5222, "a.example.com")));
        assertThat(candidates).containsExactly(new Candidate("a.example.com", 5222, false));
    }

    /** RFC 6120 §3.2.1 / RFC 2782: a lone "." target means the domain offers no client service at all. */
    @Test
    void rootTargetOnlyMeansNoService() {
        assertThatThrownBy(() -> UpstreamResolver.fromSrv("example.com", List.of(), List.of(new SrvRecord(0, 0, 0, "."))))
                .isInstanceOf(UpstreamResolver.NoServiceException.class)
                .hasMessageContaining("example.com");
    }

    private static UpstreamSettings withFixed(TlsMode mode, HostPort fixed) {
        UpstreamSettings d = UpstreamSettings.defaults();
        return new UpstreamSettings(Optional.of(fixed), mode, false, Optional.empty(), d.connectTimeout(),
                d.closeTimeout(), d.keepaliveInterval(), d.dnsCacheTtl(), d.dnsServers(), d.tokenizer(), false);
    }
}
