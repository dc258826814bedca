package boshcm.bench.load.target;

import boshcm.bench.load.client.BoshEndpoint;
import boshcm.bench.load.client.Endpoint;
import boshcm.bench.load.client.TcpEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** raw c2s, boshcm or Prosody's mod_bosh, all against one {@link BenchProsody}. */
public final class ProsodyTarget implements Target {
    private final TargetKind kind;
    private final BenchProsody prosody;
    private final BoshcmServer boshcm;
    private final String domain;
    private ServerProcess prosodyProcess;
    private ServerProcess boshcmProcess;

    public ProsodyTarget(TargetKind kind, BenchProsody prosody, BoshcmServer boshcm, String domain) {
        this.kind = kind;
        this.prosody = prosody;
        this.boshcm = boshcm;
        this.domain = domain;
    }

    @Override
    public String name() {
        return this.kind.label();
    }

    @Override
    public void start() throws IOException {
        this.prosodyProcess = this.prosody.start();
        if (this.kind == TargetKind.BOSHCM) {
            try {
                this.boshcmProcess = this.boshcm.start(this.prosody.c2sPort());
            }
            catch (IOException e) {
                this.prosodyProcess.close();
                throw e;
            }
        }
    }

    @Override
    public Endpoint endpoint() {
        return switch (this.kind) {
            case C2S -> new TcpEndpoint(new InetSocketAddress("127.0.0.1", this.prosody.c2sPort()), this.domain);
            case PROSODY_BOSH -> new BoshEndpoint(new InetSocketAddress("127.0.0.1", this.prosody.httpPort()), "/http-bind", this.domain);
            case BOSHCM -> new BoshEndpoint(new InetSocketAddress("127.0.0.1", this.boshcm.httpPort()), "/http-bind", this.domain);
        };
    }

    @Override
    public List<MeasuredProcess> processes() {
        ArrayList<MeasuredProcess> list = new ArrayList<MeasuredProcess>();
        if (this.boshcmProcess != null) {
            list.add(new MeasuredProcess("boshcm", this.boshcmProcess.pid()));
        }
        list.add(new MeasuredProcess("prosody", this.prosodyProcess.pid()));
        return list;
    }

    @Override
    public String diagnostics() {
        return (String)(this.boshcmProcess != null ? this.boshcm.logTail(30) + "\n" : "") + this.prosody.logTail(30);
    }

    @Override
    public void close() {
        if (this.boshcmProcess != null) {
            this.boshcmProcess.close();
            this.boshcmProcess = null;
        }
        if (this.prosodyProcess != null) {
            this.prosodyProcess.close();
            this.prosodyProcess = null;
        }
    }
}
