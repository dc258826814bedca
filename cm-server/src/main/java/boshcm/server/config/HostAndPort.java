package boshcm.server.config;

import java.util.Locale;

/**
 * A host and TCP port like {@code xmpp.example.com:5222} or {@code [::1]:5222}. The host is kept
 * as written (lower-cased); nothing is resolved here.
 */
public record HostAndPort(String host, int port) {

    public HostAndPort {
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("host:port " + host + ":" + port);
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    /** Parses {@code host:port} or {@code [ipv6]:port}; the port is required. */
    public static HostAndPort parse(String s) {
        String text = s.trim();
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("expected [ipv6]:port, got \"" + s + "\"");
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.indexOf(':') != colon) {
                throw new IllegalArgumentException("expected host:port, got \"" + s + "\"");
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
            throw new IllegalArgumentException("bad host in \"" + s + "\"");
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in \"" + s + "\"");
        }
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException("port out of range in \"" + s + "\"");
        }
        return new HostAndPort(host, p);
    }

    /** True for {@code localhost} and loopback IP literals (127.0.0.0/8, ::1); never resolves a name. */
    public boolean isLoopback() {
        if (host.equals("localhost") || host.endsWith(".localhost")) {
            return true;
        }
        return IpBlock.parseLiteral(host).map(java.net.InetAddress::isLoopbackAddress).orElse(false);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
