package boshcm.it;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.FaultProxy.Cut;
import boshcm.it.FaultProxy.Direction;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.ConnectionListener;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link FaultProxy} plumbing against the real Prosody: a Smack BOSH client logged in through a
 * {@link DedicatedCm} whose upstream goes through the proxy. Without managed stream management, an
 * upstream TCP reset ends the BOSH session with {@code remote-connection-failed} (U-10, as
 * {@code UpstreamFaultIT} shows with a fake server); a new login through the same proxy works.
 */
@ExtendWith(LiveXmppExtension.class)
class FaultProxyIT {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static ProsodyServer prosody;
    private final SmackClients clients = new SmackClients();
    private FaultProxy proxy;
    private DedicatedCm cm;

    @BeforeAll
    static void start(ProsodyServer server) {
        prosody = server;
    }

    @AfterEach
    void stop() {
        clients.close();
        if (cm != null) {
            cm.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void u10_upstreamResetThroughTheProxyEndsTheBoshSessionWithRemoteConnectionFailedAndANewLoginWorks() throws Exception {
        proxy = FaultProxy.inFrontOf(prosody);
        cm = DedicatedCm.inFrontOf(prosody, proxy);
        XmppUser alice = prosody.createUser("faultproxy");

        XMPPBOSHConnection first = clients.bosh(cm.service(), alice);
        assertThat(proxy.accepted()).as("the CM's upstream went through the proxy").isEqualTo(1);
        assertThat(proxy.bytes(Direction.TO_CLIENT)).as("STARTTLS, SASL and bind came back through it").isPositive();
        CompletableFuture<Exception> ended = new CompletableFuture<>();
        first.addConnectionListener(new ConnectionListener() {
            @Override
            public void connectionClosedOnError(Exception e) {
                ended.complete(e);
            }
        });

        proxy.cutAll(Cut.RESET);

        Exception cause = ended.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(cause).as("jbosh's terminal binding condition").hasMessageContaining("remote-connection-failed");
        cm.awaitMeter("bosh_sessions_ended_total", n -> n == 1, WAIT, "cause", "upstream");
        assertThat(proxy.active()).isZero();

        XMPPBOSHConnection second = clients.bosh(cm.service(), alice);
        assertThat(PingManager.getInstanceFor(second).pingMyServer(false)).isTrue();
        assertThat(proxy.accepted()).isEqualTo(2);
        assertThat(proxy.active()).isEqualTo(1);
    }
}
