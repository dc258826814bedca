package boshcm.bench.load.target;

import boshcm.bench.load.client.BoshEndpoint;
import boshcm.bench.load.client.Endpoint;
import boshcm.bench.load.client.TcpEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** raw c2s, boshcm, Prosody's mod_bosh or node-xmpp-bosh, all against one {@link BenchProsody}. */
public final class ProsodyTarget implements Target {
    private final TargetKind kind;
    private final BenchProsody prosody;
    private final BoshcmServer boshcm;
    private final NodeXmppBosh nxb;
    private final String domain;
    private ServerProcess prosodyProcess;
    private ServerProcess cmProcess;

    public ProsodyTarget(TargetKind kind, BenchProsody prosody, BoshcmServer boshcm, NodeXmppBosh nxb, String domain) {
        if (kind.server() != TargetKind.Server.PROSODY) {
            throw new IllegalArgumentException(kind + " does not end at Prosody");
        }
        this.kind = kind;
        this.prosody = prosody;
        this.boshcm = boshcm;
        this.nxb = nxb;
        this.domain = domain;
    }

    @Override
    public String name() {
        return this.kind.label();
    }

    @Override
    public void start() throws IOException {
        this.prosodyProcess = this.prosody.start();
        try {
            if (this.kind == TargetKind.BOSHCM) {
                this.cmProcess = this.boshcm.start(this.prosody.c2sPort());
            } else if (this.kind == TargetKind.NXB) {
                this.cmProcess = this.nxb.start(this.prosody.c2sPort());
            }
        } catch (IOException e) {
            this.prosodyProcess.close();
            throw e;
        }
    }

    @Override
    public Endpoint endpoint() {
        return switch (this.kind) {
            case C2S -> new TcpEndpoint(new InetSocketAddress(ServerProcess.HOST, this.prosody.c2sPort()), this.domain);
            case PROSODY_BOSH -> new BoshEndpoint(new InetSocketAddress(ServerProcess.HOST, this.prosody.httpPort()), "/http-bind", this.domain);
            case BOSHCM -> new BoshEndpoint(new InetSocketAddress(ServerProcess.HOST, this.boshcm.httpPort()), "/http-bind", this.domain);
            case NXB -> new BoshEndpoint(new InetSocketAddress(ServerProcess.HOST, this.nxb.httpPort()), "/http-bind", this.domain);
            default -> throw new IllegalStateException(this.kind + " does not end at Prosody");
        };
    }

    @Override
    public List<MeasuredProcess> processes() {
        ArrayList<MeasuredProcess> list = new ArrayList<MeasuredProcess>();
        if (this.cmProcess != null) {
            list.add(new MeasuredProcess(this.cmProcess.name(), this.cmProcess.pid()));
        }
        list.add(new MeasuredProcess("prosody", this.prosodyProcess.pid()));
        return list;
    }

    @Override
    public String diagnostics() {
        String cm = "";
        if (this.kind == TargetKind.BOSHCM) {
            cm = this.boshcm.logTail(30) + "\n";
        } else if (this.kind == TargetKind.NXB) {
            cm = this.nxb.logTail(30) + "\n";
        }
        return cm + this.prosody.logTail(30);
    }

    @Override
    public void close() {
        if (this.cmProcess != null) {
            this.cmProcess.close();
            this.cmProcess = null;
        }
        if (this.prosodyProcess != null) {
            this.prosodyProcess.close();
            this.prosodyProcess = null;
        }
    }
}
