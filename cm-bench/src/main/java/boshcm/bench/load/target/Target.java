package boshcm.bench.load.target;

import boshcm.bench.load.client.Endpoint;
import java.io.IOException;
import java.util.List;

/** One system under test (a connection manager and its XMPP server, or the server alone): started, measured by process, closed. */
public interface Target extends AutoCloseable {
    public String name();

    public void start() throws IOException;

    public Endpoint endpoint();

    public List<MeasuredProcess> processes();

    public String diagnostics();

    @Override
    public void close();
}
