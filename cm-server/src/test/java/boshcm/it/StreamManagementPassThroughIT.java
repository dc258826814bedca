package boshcm.it;

import org.junit.jupiter.api.BeforeAll;

/** {@link StreamManagementPassThroughFlows} against Prosody's mod_smacks. */
class StreamManagementPassThroughIT extends StreamManagementPassThroughFlows {

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
