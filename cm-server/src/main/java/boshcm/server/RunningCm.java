package boshcm.server;

import java.net.URI;

/** A started connection manager. {@link #close()} drains and stops it. */
public interface RunningCm extends AutoCloseable {

    /** The bound HTTP port (useful when started with port 0). */
    int httpPort();

    /** The BOSH endpoint, like {@code http://127.0.0.1:5280/http-bind}. */
    URI boshUri();

    @Override
    void close();
}
