package boshcm.server.http;

import boshcm.server.config.HttpConfig;
import boshcm.server.config.IpBlock;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Who sent a request and whether it was encrypted, believing {@code X-Forwarded-For} and
 * {@code X-Forwarded-Proto} only from configured proxies (checklist B-19.1-1): from anyone else
 * those headers are ignored.
 *
 * @param address the client's IP address in canonical text form, like {@code 203.0.113.7}
 * @param secure  TLS on the client's leg: the request itself, or {@code X-Forwarded-Proto: https} from a trusted proxy
 */
record ClientPeer(String address, boolean secure) {

    static ClientPeer of(Request request, HttpConfig http) {
        String remote = Request.getRemoteAddr(request);
        boolean secure = request.isSecure();
        if (remote == null || !http.isTrustedProxy(remote)) {
            return new ClientPeer(remote == null ? "" : normalize(remote), secure);
        }
        String client = remote;
        List<String> hops = values(request, HttpHeader.X_FORWARDED_FOR);
        // Walk from the nearest hop outwards, skipping our own proxies: the first other address is the client.
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = stripPort(hops.get(i));
            if (IpBlock.parseLiteral(hop).isEmpty()) {
                break;                              // garbage: do not go further than what we can trust
            }
            client = hop;
            if (!http.isTrustedProxy(hop)) {
                break;
            }
        }
        List<String> protos = values(request, HttpHeader.X_FORWARDED_PROTO);
        if (!protos.isEmpty()) {
            secure = protos.get(0).equalsIgnoreCase("https");
        }
        return new ClientPeer(normalize(client), secure);
    }

    /** One spelling per address ({@code 2001:db8::7} → {@code 2001:db8:0:0:0:0:0:7}), so per-client limits count it once. */
    private static String normalize(String ip) {
        return IpBlock.parseLiteral(ip).map(java.net.InetAddress::getHostAddress).orElse(ip);
    }

    private static List<String> values(Request request, HttpHeader header) {
        List<String> out = new ArrayList<>();
        for (String line : request.getHeaders().getValuesList(header)) {
            for (String part : line.split(",")) {
                String v = part.trim();
                if (!v.isEmpty()) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    /** {@code 198.51.100.4:3456} → {@code 198.51.100.4}; {@code [2001:db8::1]:80} → {@code 2001:db8::1}. */
    private static String stripPort(String hop) {
        if (hop.startsWith("[")) {
            int close = hop.indexOf(']');
            return close > 0 ? hop.substring(1, close) : hop;
        }
        int colon = hop.indexOf(':');
        if (colon > 0 && hop.indexOf(':', colon + 1) < 0) {
            return hop.substring(0, colon);
        }
        return hop;
    }
}
