package boshcm.it;

import org.junit.jupiter.api.BeforeAll;

/** {@link ZeroLossFlows} against Prosody's mod_smacks ({@link ProsodyServer}). */
class ZeroLossProsodyIT extends ZeroLossFlows {

    private static ProsodyServer prosody;

    @BeforeAll
    static void start(ProsodyServer server) {
        prosody = server;
    }

    @Override
    XmppServer server() {
        return prosody;
    }
}
