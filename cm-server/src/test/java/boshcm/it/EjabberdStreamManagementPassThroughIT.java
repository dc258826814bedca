package boshcm.it;

import org.junit.jupiter.api.BeforeAll;

/** {@link StreamManagementPassThroughFlows} against ejabberd's mod_stream_mgmt ({@link EjabberdServer}). */
class EjabberdStreamManagementPassThroughIT extends StreamManagementPassThroughFlows {

    private static EjabberdServer ejabberd;

    @BeforeAll
    static void start(EjabberdServer server) {
        ejabberd = server;
    }

    @Override
    XmppServer server() {
        return ejabberd;
    }
}
