package boshcm.bench.load.target;

import java.io.IOException;

/**
 * A BOSH connection manager the benchmark starts as its own process in front of an XMPP server's plain
 * c2s port (boshcm, node-xmpp-bosh): what {@link OneServerTarget} needs to start it, reach it and show
 * its log when a run fails.
 */
interface ConnectionManager {
    /** Starts it against {@code upstreamPort} on loopback and returns once its HTTP port accepts connections. */
    ServerProcess start(int upstreamPort) throws IOException;

    /** The HTTP port of the instance last started. */
    int httpPort();

    /** The last {@code lines} lines of its log, headed by the log's path. */
    String logTail(int lines);
}
