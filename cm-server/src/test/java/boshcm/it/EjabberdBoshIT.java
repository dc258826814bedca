package boshcm.it;

import boshcm.it.BoshTarget.BoshService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The Smack BOSH core flows ({@link SmackBoshFlows}) with ejabberd 23.01 ({@link EjabberdServer}) as
 * the XMPP server: boshcm (its own instance, upstream STARTTLS to ejabberd's c2s, verified against
 * the test CA) or, with {@code -Dbosh.target=prosody}, ejabberd's own mod_bosh. TCP peers connect to
 * ejabberd directly.
 */
class EjabberdBoshIT extends SmackBoshFlows {

    private static EjabberdServer ejabberd;
    private static BoshService bosh;

    @BeforeAll
    static void start(EjabberdServer server) throws Exception {
        ejabberd = server;
        bosh = BoshTarget.selected().start(server);
        System.err.println("[EjabberdBoshIT] BOSH target " + bosh + " -> ejabberd c2s " + server.c2sPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (bosh != null) bosh.close();
    }

    @Override
    XmppServer server() {
        return ejabberd;
    }

    @Override
    BoshService bosh() {
        return bosh;
    }
}
