package boshcm.bench.load.client;

/** Where the load client connects: a BOSH URL or a raw c2s port. */
public sealed interface Endpoint permits BoshEndpoint, TcpEndpoint {

    /** The XMPP domain sessions log in to. */
    String domain();
}
