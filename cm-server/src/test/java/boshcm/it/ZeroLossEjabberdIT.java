package boshcm.it;

import org.junit.jupiter.api.BeforeAll;

/** {@link ZeroLossFlows} against ejabberd's mod_stream_mgmt ({@link EjabberdServer}). */
class ZeroLossEjabberdIT extends ZeroLossFlows {

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
