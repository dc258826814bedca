package boshcm.it;

import static boshcm.it.SmackClients.bodies;
import static boshcm.it.SmackClients.chatFrom;
import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.sendChat;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.SmackClients.Inbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * XEP-0198 managed mode (issue 3 part 2; checklist SM-11 mode B, SM-12): boshcm owns stream
 * management on its upstream stream, authenticating again with the client's captured PLAIN
 * credential. The fault proxy between boshcm and Prosody resets the TCP connection in the middle of a
 * conversation; the BOSH client sees nothing: no terminate, same session, and every message in both
 * directions arrives exactly once and in order.
 */
@ExtendWith(LiveXmppExtension.class)
class StreamManagementManagedIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static ProsodyServer prosody;
    private final SmackClients clients = new SmackClients();
    private DedicatedCm cm;
    private FaultProxy proxy;

    @BeforeAll
    static void start(ProsodyServer server) {
        prosody = server;
    }

    @AfterEach
    void stop() throws Exception {
        clients.close();
        if (cm != null) {
            cm.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void sm12_upstreamResetIsHiddenFromTheBrowserAndNothingIsLostOrDuplicated() throws Exception {
        proxy = FaultProxy.inFrontOf(prosody);
        cm = DedicatedCm.inFrontOf(prosody, proxy, "--sm", "managed", "--sm-reauth", "plain-capture");
        XmppUser alice = prosody.createUser("smmanaged");
        XmppUser bob = prosody.createUser("smmanagedpeer");
        XMPPBOSHConnection browser = clients.bosh(cm.service(), alice, "PLAIN");
        XMPPTCPConnection peer = clients.tcp(prosody, bob);
        Inbox<Message> browserInbox = inbox(browser, chatFrom(bob.jid()), Message.class);
        Inbox<Message> peerInbox = inbox(peer, chatFrom(alice.jid()), Message.class);
        JboshTap browserResponses = JboshTap.on(browser);

        // Each round: traffic both ways, cut while it may still be in flight, then all of it must
        // arrive (the resume finished) before the next cut. Cuts during a resume: ZeroLossFlows.
        List<String> down = new ArrayList<>();
        List<String> up = new ArrayList<>();
        List<String> gotDown = new ArrayList<>();
        List<String> gotUp = new ArrayList<>();
        int rounds = 4;
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < 5; i++) {
                String d = "down-" + round + "-" + i;
                String u = "up-" + round + "-" + i;
                sendChat(peer, browser.getUser(), d);
                sendChat(browser, peer.getUser(), u);
                down.add(d);
                up.add(u);
            }
            if (round < rounds - 1) {
                proxy.cutAll(FaultProxy.Cut.RESET);                  // the upstream TCP connection dies
            }
            gotDown.addAll(bodies(browserInbox.take(5, TIMEOUT)));
            gotUp.addAll(bodies(peerInbox.take(5, TIMEOUT)));
        }
        assertThat(browserResponses.chatBodies("down")).as("by rid: once each, in order").containsExactlyElementsOf(down);
        assertThat(gotDown).as("at Smack: once each (jbosh may swap two responses, JboshTap)")
                .containsExactlyInAnyOrderElementsOf(down);
        assertThat(gotUp).containsExactlyElementsOf(up);
        assertThat(browser.isConnected()).as("the BOSH session survived every cut").isTrue();
        assertThat(cm.sessionsEnded("upstream")).isZero();
        assertThat(proxy.accepted()).as("boshcm reconnected after each cut").isEqualTo(rounds);
    }

}
