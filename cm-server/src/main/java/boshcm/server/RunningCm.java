package boshcm.server;

import java.net.URI;
import java.util.Optional;

/**
 * A started connection manager. Two ways to stop it: {@link #drain()}, what SIGTERM does (new sessions
 * refused, open ones given {@code drain.timeout}), and {@link #close()}, which ends every session at once.
 */
public interface RunningCm extends AutoCloseable {

    /** The bound BOSH port (useful when started with port 0). */
    int httpPort();

    /** The BOSH endpoint, like {@code http://127.0.0.1:5280/http-bind}. */
    URI boshUri();

    /** The bound admin port (metrics, health, readiness), or -1 when {@code admin.port = -1} turned the listener off. */
    int adminPort();

    /** The admin listener's root, like {@code http://127.0.0.1:5290/}; empty when it is off. */
    Optional<URI> adminUri();

    /**
     * Starts a drain and returns at once: from now on a session creation is refused with the farewell
     * ({@code system-shutdown}, or {@code see-other-uri} naming {@code drain.successor-uri}) and readiness
     * answers 503; open sessions go on. Idempotent.
     */
    void beginDrain();

    /**
     * What SIGTERM does (the JVM shutdown hook calls it): {@link #beginDrain()}, then waits up to
     * {@code drain.timeout} for the open sessions to end by themselves, then {@link #close()}s, which
     * ends the rest with the farewell. Returns once the node has stopped. Blocks the calling thread only.
     */
    void drain();

    /**
     * Stops now: every open session ends with the farewell (its held requests answered, its streams
     * closed, undelivered stanzas bounced), then the BOSH listener stops, then the admin listener.
     * Idempotent.
     */
    @Override
    void close();
}
