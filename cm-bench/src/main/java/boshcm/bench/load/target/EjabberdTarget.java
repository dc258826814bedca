package boshcm.bench.load.target;

import boshcm.bench.load.client.BoshEndpoint;
import boshcm.bench.load.client.Endpoint;
import boshcm.bench.load.client.TcpEndpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * raw c2s, ejabberd's mod_bosh or boshcm, all against one {@link BenchEjabberd}. ejabberd's measured
 * process is its Erlang VM (beam.smp), the child of the ejabberdctl script that starts it; epmd is not
 * started at all.
 */
public final class EjabberdTarget implements Target {
    private static final String VM = "beam.smp";
    private final TargetKind kind;
    private final BenchEjabberd ejabberd;
    private final BoshcmServer boshcm;
    private final String domain;
    private ServerProcess ejabberdProcess;
    private long vmPid;
    private ServerProcess boshcmProcess;

    public EjabberdTarget(TargetKind kind, BenchEjabberd ejabberd, BoshcmServer boshcm, String domain) {
        if (kind.server() != TargetKind.Server.EJABBERD) {
            throw new IllegalArgumentException(kind + " does not end at ejabberd");
        }
        this.kind = kind;
        this.ejabberd = ejabberd;
        this.boshcm = boshcm;
        this.domain = domain;
    }

    @Override
    public String name() {
        return this.kind.label();
    }

    @Override
    public void start() throws IOException {
        this.ejabberdProcess = this.ejabberd.start();
        try {
            this.vmPid = this.ejabberdProcess.pid(VM);
            if (this.kind == TargetKind.BOSHCM_EJABBERD) {
                this.boshcmProcess = this.boshcm.start(this.ejabberd.c2sPort());
            }
        } catch (IOException e) {
            this.ejabberdProcess.close();
            throw e;
        }
    }

    @Override
    public Endpoint endpoint() {
        return switch (this.kind) {
            case C2S_EJABBERD -> new TcpEndpoint(new InetSocketAddress(ServerProcess.HOST, this.ejabberd.c2sPort()), this.domain);
            case EJABBERD_BOSH -> new BoshEndpoint(new InetSocketAddress(ServerProcess.HOST, this.ejabberd.httpPort()), "/bosh", this.domain);
            case BOSHCM_EJABBERD -> new BoshEndpoint(new InetSocketAddress(ServerProcess.HOST, this.boshcm.httpPort()), "/http-bind", this.domain);
            default -> throw new IllegalStateException(this.kind + " does not end at ejabberd");
        };
    }

    @Override
    public List<MeasuredProcess> processes() {
        List<MeasuredProcess> list = new ArrayList<>();
        if (this.boshcmProcess != null) {
            list.add(new MeasuredProcess("boshcm", this.boshcmProcess.pid()));
        }
        list.add(new MeasuredProcess("ejabberd", this.vmPid));
        return list;
    }

    @Override
    public String diagnostics() {
        return (this.boshcmProcess != null ? this.boshcm.logTail(30) + "\n" : "") + this.ejabberd.logTail(30);
    }

    @Override
    public void close() {
        if (this.boshcmProcess != null) {
            this.boshcmProcess.close();
            this.boshcmProcess = null;
        }
        if (this.ejabberdProcess != null) {
            this.ejabberdProcess.close();
            this.ejabberdProcess = null;
        }
    }
}
