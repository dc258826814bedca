package boshcm.protocol.session;

import java.util.Optional;

/**
 * Where the upstream stream for a session goes: the XMPP domain (the {@code to} of the stream header
 * and the name its certificate must match, RFC 6120 §13.7.2), and an explicit host and port when the
 * client's {@code route} was honoured (XEP-0124 §7.1, allow-listed only).
 */
public record UpstreamTarget(String domain, Optional<String> routeHost, int routePort) {

    public static UpstreamTarget domain(String domain) {
        return new UpstreamTarget(domain, Optional.empty(), 0);
    }
}
