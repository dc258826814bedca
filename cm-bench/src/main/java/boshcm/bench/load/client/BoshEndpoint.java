package boshcm.bench.load.client;

import java.net.InetSocketAddress;

/**
 * A BOSH endpoint like {@code http://127.0.0.1:5280/http-bind}, and the XMPP domain to ask it for
 * ({@code to}, XEP-0124 §7.1).
 */
public record BoshEndpoint(InetSocketAddress address, String path, String domain) implements Endpoint {

    /** The Host header value. */
    public String hostHeader() {
        return address.getHostString() + ":" + address.getPort();
    }

    @Override
    public String toString() {
        return "http://" + hostHeader() + path + " (to " + domain + ")";
    }
}
