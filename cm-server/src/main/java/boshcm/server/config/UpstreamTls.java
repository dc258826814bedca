package boshcm.server.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * How the CM secures its c2s stream to the XMPP server, like {@code upstream.tls = starttls}
 * (RFC 6120 §5; XEP-0368 for direct TLS; checklist B-19.2-1, S-9).
 */
public enum UpstreamTls {
    /** Plain TCP. Accepted only when the upstream host is a loopback address or {@code localhost}. */
    DISABLED("disabled"),
    /** Plain TCP, then {@code <starttls/>}; a server that does not offer it fails the session. */
    STARTTLS("starttls"),
    /** TLS from the first byte (XEP-0368, usually port 5223). */
    DIRECT("direct");

    private final String configName;

    UpstreamTls(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static Optional<UpstreamTls> fromConfig(String name) {
        return Arrays.stream(values()).filter(t -> t.configName.equalsIgnoreCase(name.trim())).findFirst();
    }
}
