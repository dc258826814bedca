package boshcm.bench.load.target;

import boshcm.bench.load.client.Endpoint;

/** raw c2s, boshcm, Prosody's mod_bosh or node-xmpp-bosh, all against one {@link BenchProsody}. */
public final class ProsodyTarget extends OneServerTarget {
    private final BenchProsody prosody;
    private final BoshcmServer boshcm;
    private final NodeXmppBosh nxb;

    public ProsodyTarget(TargetKind kind, BenchProsody prosody, BoshcmServer boshcm, NodeXmppBosh nxb, String domain) {
        super(kind, TargetKind.Server.PROSODY, "Prosody", prosody, "prosody", connectionManager(kind, boshcm, nxb), domain);
        this.prosody = prosody;
        this.boshcm = boshcm;
        this.nxb = nxb;
    }

    /** The connection manager {@code kind} puts in front of Prosody, or null. */
    private static ConnectionManager connectionManager(TargetKind kind, BoshcmServer boshcm, NodeXmppBosh nxb) {
        return switch (kind) {
            case BOSHCM -> boshcm;
            case NXB -> nxb;
            default -> null;
        };
    }

    @Override
    public Endpoint endpoint() {
        return switch (this.kind()) {
            case C2S -> this.tcp(this.prosody.c2sPort());
            case PROSODY_BOSH -> this.bosh(this.prosody.httpPort(), "/http-bind");
            case BOSHCM -> this.bosh(this.boshcm.httpPort(), "/http-bind");
            case NXB -> this.bosh(this.nxb.httpPort(), "/http-bind");
            default -> throw new IllegalStateException(this.kind() + " does not end at Prosody");
        };
    }
}
