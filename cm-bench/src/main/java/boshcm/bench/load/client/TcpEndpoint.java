package boshcm.bench.load.client;

import java.net.InetSocketAddress;

/** A plain c2s XMPP port (RFC 6120, no TLS: loopback only), and the domain to open streams to. */
public record TcpEndpoint(InetSocketAddress address, String domain) implements Endpoint {

    @Override
    public String toString() {
        return "xmpp://" + address.getHostString() + ":" + address.getPort() + " (to " + domain + ")";
    }
}
