package boshcm.server.upstream;

import boshcm.server.upstream.UpstreamSettings.TrustStore;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client TLS contexts for upstream streams (RFC 6120 §5, §13.7; RFC 7590; checklist U-4, S-9):
 * TLS 1.2 or 1.3 only, the JDK provider, and RFC 6125 name checking through
 * {@code SSLParameters.setEndpointIdentificationAlgorithm("HTTPS")} against the host given to
 * {@code newHandler(alloc, peerHost, port)}, which must be the XMPP domain, never the SRV target.
 * That peer host also becomes the SNI name (XEP-0368 §3).
 *
 * <p>Trust: the JDK's anchors, or the configured trust store instead, or (explicitly insecure)
 * anything, with a WARN logged once per process.
 */
final class UpstreamTls {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamTls.class);
    private static final AtomicBoolean WARNED_INSECURE = new AtomicBoolean();
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** XEP-0368 §3: "the ALPN protocol MUST be 'xmpp-client'" for direct TLS. */
    static final String ALPN_XMPP_CLIENT = "xmpp-client";

    final SslContext startTls;
    final SslContext directTls;

    private UpstreamTls(SslContext startTls, SslContext directTls) {
        this.startTls = startTls;
        this.directTls = directTls;
    }

    /** Builds both contexts; throws IllegalArgumentException when the trust store cannot be used. */
    static UpstreamTls from(UpstreamSettings settings) {
        try {
            return new UpstreamTls(builder(settings).build(),
                    builder(settings).applicationProtocolConfig(new ApplicationProtocolConfig(
                            ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ALPN_XMPP_CLIENT)).build());
        } catch (SSLException e) {
            throw new IllegalArgumentException("upstream TLS: " + e.getMessage(), e);
        }
    }

    private static SslContextBuilder builder(UpstreamSettings settings) {
        SslContextBuilder b = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .protocols(PROTOCOLS)
                .endpointIdentificationAlgorithm("HTTPS");
        if (settings.insecure()) {
            if (WARNED_INSECURE.compareAndSet(false, true)) {
                LOG.warn("Upstream TLS certificate verification is OFF (insecure=true): any server can "
                        + "impersonate any XMPP domain. Never use this in production.");
            }
            // The JDK would still check the name around a trust-all manager; insecure means no check at all.
            return b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
        }
        if (settings.trustStore().isPresent()) {
            TrustStore store = settings.trustStore().get();
            if (store.format() == TrustStore.Format.PEM) {
                return b.trustManager(store.path().toFile());
            }
            return b.trustManager(trustManagers(store));
        }
        return b;
    }

    private static TrustManagerFactory trustManagers(TrustStore store) {
        try (InputStream in = Files.newInputStream(store.path())) {
            KeyStore ks = KeyStore.getInstance(store.format().name());
            ks.load(in, store.password().map(String::toCharArray).orElse(null));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot load upstream trust store " + store + ": " + e.getMessage(), e);
        }
    }
}
