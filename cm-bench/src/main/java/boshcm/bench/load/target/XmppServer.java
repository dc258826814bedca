package boshcm.bench.load.target;

import java.io.IOException;

/**
 * An XMPP server the benchmark starts afresh for each target (Prosody, ejabberd): what
 * {@link OneServerTarget} needs to start it, put a connection manager in front of it and show its
 * logs when a run fails.
 */
interface XmppServer {
    /** Starts it on free loopback ports and returns once it accepts connections. */
    ServerProcess start() throws IOException;

    /** The plain c2s port of the instance last started. */
    int c2sPort();

    /** The last {@code lines} lines of its logs, each headed by the log's path. */
    String logTail(int lines);
}
