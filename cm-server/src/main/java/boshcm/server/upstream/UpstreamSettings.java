package boshcm.server.upstream;

import boshcm.protocol.xmpp.TokenizerOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * How the connection manager reaches XMPP servers: where to connect, how to secure the stream and how
 * long to wait. Immutable and validated here once; the config loader builds it, {@link #defaults()}
 * gives the values used when nothing is configured.
 *
 * @param fixedUpstream     connect every session here, whatever its domain (no route, no SRV); the
 *                          certificate is still checked against the XMPP domain (checklist U-4)
 * @param tlsMode           how the stream is secured; {@link TlsMode#STARTTLS} by default
 * @param insecure          trust any certificate for any name (tests and labs only; logged at WARN)
 * @param trustStore        trust anchors replacing the JDK's default ones
 * @param connectTimeout    from {@code open} until the features of the final stream arrive: DNS,
 *                          TCP connect over all candidates, TLS and the stream headers (U-1, default 10 s)
 * @param closeTimeout      how long a graceful close waits for the server's {@code </stream:stream>} (U-13, 5 s)
 * @param keepaliveInterval a single space is written after this much write-idle time on an open
 *                          stream (RFC 6120 §4.6.1, U-11, 60 s); {@link Duration#ZERO} turns it off
 * @param dnsCacheTtl       how long SRV and address lookups are reused (5 min)
 * @param dnsServers        DNS servers to ask (resolved addresses); empty means the system's
 * @param tokenizer         limits for reading the server's stream (U-15)
 * @param allowPrivateAddresses connect to loopback, private, link-local or unique-local addresses found
 *                          through DNS for a client's domain (checklist S-6; off: a client must not be
 *                          able to point the CM at the operator's internal network). A fixed upstream
 *                          or an allow-listed route is the operator's choice and is never filtered.
 */
public record UpstreamSettings(Optional<HostPort> fixedUpstream, TlsMode tlsMode, boolean insecure,
                               Optional<TrustStore> trustStore, Duration connectTimeout, Duration closeTimeout,
                               Duration keepaliveInterval, Duration dnsCacheTtl, List<InetSocketAddress> dnsServers,
                               TokenizerOptions tokenizer, boolean allowPrivateAddresses) {

    public UpstreamSettings {
        requirePositive("connectTimeout", connectTimeout);
        requirePositive("closeTimeout", closeTimeout);
        if (keepaliveInterval.isNegative()) {
            throw new IllegalArgumentException("keepaliveInterval must not be negative: " + keepaliveInterval);
        }
        if (dnsCacheTtl.isNegative()) {
            throw new IllegalArgumentException("dnsCacheTtl must not be negative: " + dnsCacheTtl);
        }
        dnsServers = List.copyOf(dnsServers);
        for (InetSocketAddress server : dnsServers) {
            if (server.isUnresolved()) {
                throw new IllegalArgumentException("DNS server must be an IP address: " + server);
            }
        }
        if (insecure && trustStore.isPresent()) {
            throw new IllegalArgumentException("insecure and trustStore exclude each other");
        }
    }

    /** STARTTLS with certificate verification against the JDK trust anchors; SRV lookup per domain. */
    public static UpstreamSettings defaults() {
        return new UpstreamSettings(Optional.empty(), TlsMode.STARTTLS, false, Optional.empty(),
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofMinutes(5),
                List.of(), TokenizerOptions.defaults(), false);
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive: " + value);
        }
    }

    /** How the c2s stream is secured. */
    public enum TlsMode {
        /** Cleartext TCP. Only for an upstream on loopback or a trusted network (XEP-0124 §19.2, S-9). */
        DISABLED,
        /**
         * RFC 6120 §5: cleartext header, {@code <starttls/>}, TLS, new header. A server that does not
         * offer STARTTLS is not talked to (no plaintext fallback, S-9).
         */
        STARTTLS,
        /**
         * XEP-0368: TLS from the first byte (SNI = domain, ALPN {@code xmpp-client}). Without a fixed
         * upstream or route, {@code _xmpps-client._tcp} SRV records are tried first, then
         * {@code _xmpp-client._tcp} ones with STARTTLS, as XEP-0368 §4 describes.
         */
        DIRECT
    }

    /** A host name or IP literal and a TCP port, like {@code xmpp.example.com:5222}. */
    public record HostPort(String host, int port) {
        public HostPort {
            if (host.isBlank()) {
                throw new IllegalArgumentException("host must not be blank");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        @Override
        public String toString() {
            return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    /**
     * Trust anchors for upstream certificates: a PKCS12 or JKS key store (its trusted certificate
     * entries), or a PEM file of X.509 certificates.
     *
     * @param password key store password; not used for PEM
     */
    public record TrustStore(Path path, Format format, Optional<String> password) {
        public enum Format { PKCS12, JKS, PEM }

        @Override
        public String toString() {
            return "TrustStore[" + format + " " + path + (password.isPresent() ? ", password=***" : "") + "]";
        }
    }
}
