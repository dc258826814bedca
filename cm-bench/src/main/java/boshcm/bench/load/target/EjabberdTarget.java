package boshcm.bench.load.target;

import boshcm.bench.load.client.Endpoint;
import java.io.IOException;

/**
 * raw c2s, ejabberd's mod_bosh or boshcm, all against one {@link BenchEjabberd}. ejabberd's measured
 * process is its Erlang VM (beam.smp), the child of the ejabberdctl script that starts it; epmd is not
 * started at all.
 */
public final class EjabberdTarget extends OneServerTarget {
    private static final String VM = "beam.smp";
    private final BenchEjabberd ejabberd;
    private final BoshcmServer boshcm;

    public EjabberdTarget(TargetKind kind, BenchEjabberd ejabberd, BoshcmServer boshcm, String domain) {
        super(kind, TargetKind.Server.EJABBERD, "ejabberd", ejabberd, "ejabberd",
                kind == TargetKind.BOSHCM_EJABBERD ? boshcm : null, domain);
        this.ejabberd = ejabberd;
        this.boshcm = boshcm;
    }

    /** The Erlang VM, not the ejabberdctl script that started it. */
    @Override
    protected long measuredPid(ServerProcess process) throws IOException {
        return process.pid(VM);
    }

    @Override
    public Endpoint endpoint() {
        return switch (this.kind()) {
            case C2S_EJABBERD -> this.tcp(this.ejabberd.c2sPort());
            case EJABBERD_BOSH -> this.bosh(this.ejabberd.httpPort(), "/bosh");
            case BOSHCM_EJABBERD -> this.bosh(this.boshcm.httpPort(), "/http-bind");
            default -> throw new IllegalStateException(this.kind() + " does not end at ejabberd");
        };
    }
}
