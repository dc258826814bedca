package boshcm.server.config;

import java.time.Duration;
import java.util.Optional;

/**
 * Raw settings for the c2s streams to the XMPP server (mapped onto the upstream connector's own
 * settings by {@code Main}).
 *
 * @param address        send every domain to this host:port instead of resolving
 *                       {@code _xmpp-client._tcp} SRV records (RFC 6120 §3.2)
 * @param tls            plain, STARTTLS or direct TLS; plain only towards a loopback {@code address}
 * @param insecureTls    accept any certificate (testing only)
 * @param trustStore     CAs to trust instead of the JDK defaults
 * @param connectTimeout TCP connect timeout
 * @param keepAlive      interval of whitespace keepalives on an idle stream (RFC 6120 §4.6.1); zero disables
 * @param dnsCacheTtl    how long resolved SRV/A/AAAA answers are cached at most
 */
public record UpstreamConfig(Optional<HostAndPort> address, UpstreamTls tls, boolean insecureTls,
                             Optional<TrustStoreConfig> trustStore, Duration connectTimeout, Duration keepAlive,
                             Duration dnsCacheTtl) {}
