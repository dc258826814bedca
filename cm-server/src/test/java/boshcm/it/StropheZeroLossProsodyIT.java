package boshcm.it;

import org.junit.jupiter.api.BeforeAll;

/** {@link StropheZeroLossFlows} against Prosody's mod_smacks ({@link ProsodyServer}). */
class StropheZeroLossProsodyIT extends StropheZeroLossFlows {

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
