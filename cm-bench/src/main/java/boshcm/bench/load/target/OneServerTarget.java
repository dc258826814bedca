package boshcm.bench.load.target;

import boshcm.bench.load.client.BoshEndpoint;
import boshcm.bench.load.client.Endpoint;
import boshcm.bench.load.client.TcpEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A target that ends at one {@link XmppServer}: the server alone (raw c2s, or its own BOSH module), or
 * the server with one {@link ConnectionManager} started in front of its plain c2s port. It holds what the
 * Prosody and ejabberd targets share, so that both start, measure and stop the same way: the server
 * starts first and the connection manager after it; a failed start stops the server again, so that
 * nothing is left running; the connection manager is measured first and stopped first.
 */
abstract class OneServerTarget implements Target {
    private final TargetKind kind;
    private final XmppServer server;
    private final String serverName;
    private final ConnectionManager cm;
    private final String domain;
    private ServerProcess serverProcess;
    private long serverPid;
    private ServerProcess cmProcess;

    /**
     * {@code kind} must end at {@code serverKind}, or the error names {@code serverLabel};
     * {@code serverName} names the server among the measured processes; {@code cm} is null when the
     * clients talk to the server itself.
     */
    protected OneServerTarget(TargetKind kind, TargetKind.Server serverKind, String serverLabel, XmppServer server,
            String serverName, ConnectionManager cm, String domain) {
        if (kind.server() != serverKind) {
            throw new IllegalArgumentException(kind + " does not end at " + serverLabel);
        }
        this.kind = kind;
        this.server = server;
        this.serverName = serverName;
        this.cm = cm;
        this.domain = domain;
    }

    /** The pid whose CPU and memory count as the server's: by default the process started. */
    protected long measuredPid(ServerProcess process) throws IOException {
        return process.pid();
    }

    protected final TargetKind kind() {
        return this.kind;
    }

    /** Plain XMPP over TCP to {@code port} on loopback. */
    protected final Endpoint tcp(int port) {
        return new TcpEndpoint(new InetSocketAddress(ServerProcess.HOST, port), this.domain);
    }

    /** BOSH at {@code path} on {@code port} on loopback. */
    protected final Endpoint bosh(int port, String path) {
        return new BoshEndpoint(new InetSocketAddress(ServerProcess.HOST, port), path, this.domain);
    }

    @Override
    public final String name() {
        return this.kind.label();
    }

    @Override
    public final void start() throws IOException {
        this.serverProcess = this.server.start();
        try {
            this.serverPid = this.measuredPid(this.serverProcess);
            if (this.cm != null) {
                this.cmProcess = this.cm.start(this.server.c2sPort());
            }
        } catch (IOException e) {
            this.serverProcess.close();
            throw e;
        }
    }

    @Override
    public final List<MeasuredProcess> processes() {
        List<MeasuredProcess> list = new ArrayList<>();
        if (this.cmProcess != null) {
            list.add(new MeasuredProcess(this.cmProcess.name(), this.cmProcess.pid()));
        }
        list.add(new MeasuredProcess(this.serverName, this.serverPid));
        return list;
    }

    @Override
    public final String diagnostics() {
        return (this.cm != null ? this.cm.logTail(30) + "\n" : "") + this.server.logTail(30);
    }

    @Override
    public final void close() {
        if (this.cmProcess != null) {
            this.cmProcess.close();
            this.cmProcess = null;
        }
        if (this.serverProcess != null) {
            this.serverProcess.close();
            this.serverProcess = null;
        }
    }
}
