package boshcm.it;

import static boshcm.it.SmackClients.chatFrom;
import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.sendChat;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.BoshTarget.BoshService;
import boshcm.it.SmackClients.Inbox;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.Jid;

/**
 * The Smack BOSH core flows every XMPP server must carry through the BOSH target: SCRAM login and
 * ping, chat both ways with a TCP peer, 200-message bursts both ways, logout seen as unavailable.
 * Subclasses pick the server and the BOSH endpoint ({@link SmackBoshIT}: Prosody, {@link EjabberdBoshIT}:
 * ejabberd); JUnit reports these tests under the subclass. Checklist IDs refer to
 * {@code shared/docs/conformance-checklist.md}.
 */
@ExtendWith(LiveXmppExtension.class)
abstract class SmackBoshFlows {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration BURST_TIMEOUT = Duration.ofSeconds(90);
    private static final int BURST = 200;

    final SmackClients clients = new SmackClients();

    /** The XMPP server the BOSH target relays to; TCP peers connect to it directly. */
    abstract XmppServer server();

    /** The BOSH endpoint the Smack BOSH clients use. */
    abstract BoshService bosh();

    @AfterEach
    void disconnectAll() {
        clients.close();
    }

    /**
     * XEP-0206 §5 (checklist X-5-1, X-5-2): SASL is relayed verbatim and {@code xmpp:restart} gives
     * a new stream with bind; SCRAM-SHA-1 needs the exact challenge/response round trips.
     */
    @Test
    void scramSha1LoginOverBoshBindsAndAnswersPing() throws Exception {
        XmppUser alice = server().createUser("scram");

        AbstractXMPPConnection connection = clients.bosh(bosh(), alice, "SCRAM-SHA-1");

        assertThat(connection.isAuthenticated()).isTrue();
        assertThat(connection.getUsedSaslMechansism()).isEqualTo("SCRAM-SHA-1");
        assertThat(connection.getUser().asEntityBareJidString()).isEqualTo(alice.jidString());
        assertThat(PingManager.getInstanceFor(connection).pingMyServer(false)).isTrue();
    }

    /** XEP-0124 §8 (checklist B-8-1, B-8-5): payloads go up at once and come down on a held request. */
    @Test
    void messagesFlowBothWaysBetweenBoshClientAndTcpPeer() throws Exception {
        XmppUser alice = server().createUser("chat");
        XmppUser bob = server().createUser("chat");
        AbstractXMPPConnection boshClient = clients.bosh(bosh(), alice);
        XMPPTCPConnection peer = clients.tcp(server(), bob);
        Inbox<Message> boshInbox = inbox(boshClient, chatFrom(bob.jid()), Message.class);
        Inbox<Message> peerInbox = inbox(peer, chatFrom(alice.jid()), Message.class);

        sendChat(boshClient, peer.getUser(), "ping from bosh");
        assertThat(peerInbox.next(TIMEOUT).getBody()).isEqualTo("ping from bosh");

        sendChat(peer, boshClient.getUser(), "pong from tcp");
        Message pong = boshInbox.next(TIMEOUT);
        assertThat(pong.getBody()).isEqualTo("pong from tcp");
        assertThat(pong.getFrom().toString()).isEqualTo(peer.getUser().toString());
    }

    /** XEP-0124 §8 (checklist B-8-3 "always answer in rid order", B-8-5): no loss, no reordering downstream. */
    @Test
    void burstOf200FromTcpPeerArrivesAtBoshClientCompleteAndInOrder() throws Exception {
        XmppUser alice = server().createUser("down");
        XmppUser bob = server().createUser("down");
        AbstractXMPPConnection boshClient = clients.bosh(bosh(), alice);
        XMPPTCPConnection peer = clients.tcp(server(), bob);
        Inbox<Message> boshInbox = inbox(boshClient, chatFrom(bob.jid()), Message.class);

        assertBurstArrives(peer, boshClient, boshInbox, "down");
    }

    /** XEP-0124 §8/§14 (checklist B-8-1): requests are forwarded upstream in rid order, none lost. */
    @Test
    void burstOf200FromBoshClientArrivesAtTcpPeerCompleteAndInOrder() throws Exception {
        XmppUser alice = server().createUser("up");
        XmppUser bob = server().createUser("up");
        AbstractXMPPConnection boshClient = clients.bosh(bosh(), alice);
        XMPPTCPConnection peer = clients.tcp(server(), bob);
        Inbox<Message> peerInbox = inbox(peer, chatFrom(alice.jid()), Message.class);

        assertBurstArrives(boshClient, peer, peerInbox, "up");
    }

    /**
     * XEP-0124 §13 (checklist B-13-1): the unavailable presence inside the terminate request reaches
     * the server before the stream closes, so a subscribed contact sees the BOSH user go offline.
     */
    @Test
    void boshLogoutMakesSubscribedTcpPeerSeeUnavailable() throws Exception {
        XmppUser alice = server().createUser("bye");
        XmppUser bob = server().createUser("bye");
        server().befriend(alice, bob);
        XMPPTCPConnection peer = clients.tcp(server(), bob);
        Inbox<Presence> presences = inbox(peer, new FromMatchesFilter(alice.jid(), true), Presence.class);

        AbstractXMPPConnection boshClient = clients.bosh(bosh(), alice);
        Jid aliceFull = boshClient.getUser();
        presences.next(p -> p.getFrom().equals(aliceFull) && p.isAvailable(), TIMEOUT);

        boshClient.disconnect();

        Presence gone = presences.next(p -> p.getFrom().equals(aliceFull), TIMEOUT);
        assertThat(gone.getType()).isEqualTo(Presence.Type.unavailable);
    }

    /**
     * Sends {@value #BURST} chat messages {@code tag-0 … tag-199} from {@code from} to {@code to} as
     * fast as Smack takes them, and asserts that {@code inbox} (on {@code to}) gets all of them, in order (by rid for a BOSH receiver).
     */
    private static void assertBurstArrives(AbstractXMPPConnection from, AbstractXMPPConnection to,
            Inbox<Message> inbox, String tag) throws Exception {
        List<String> bodies = IntStream.range(0, BURST).mapToObj(i -> tag + "-" + i).toList();
        JboshTap tap = to instanceof XMPPBOSHConnection bosh ? JboshTap.on(bosh) : null;
        for (String body : bodies) {
            sendChat(from, to.getUser(), body);
        }

        List<Message> got = inbox.take(BURST, BURST_TIMEOUT);
        if (tap == null) {
            assertThat(got).extracting(Message::getBody).containsExactlyElementsOf(bodies);
        } else {
            // jbosh may hand two concurrent responses to Smack in either order (JboshTap): the order
            // boshcm delivered is read by rid, exactly-once at Smack.
            assertThat(tap.chatBodies(tag)).containsExactlyElementsOf(bodies);
            assertThat(got).extracting(Message::getBody).containsExactlyInAnyOrderElementsOf(bodies);
        }
    }
}
