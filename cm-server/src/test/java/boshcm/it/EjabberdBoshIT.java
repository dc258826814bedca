package boshcm.it;

import static boshcm.it.SmackClients.inbox;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.BoshTarget.BoshService;
import boshcm.it.SmackClients.Inbox;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;

/**
 * The Smack BOSH core flows of {@link SmackBoshIT} with ejabberd 23.01 ({@link EjabberdServer}) as
 * the XMPP server: boshcm (its own instance, upstream STARTTLS to ejabberd's c2s, verified against
 * the test CA) or, with {@code -Dbosh.target=prosody}, ejabberd's own mod_bosh. TCP peers connect to
 * ejabberd directly.
 */
@ExtendWith(LiveXmppExtension.class)
class EjabberdBoshIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration BURST_TIMEOUT = Duration.ofSeconds(90);
    private static final int BURST = 200;

    private static EjabberdServer ejabberd;
    private static BoshService bosh;

    private final SmackClients clients = new SmackClients();

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

    @AfterEach
    void disconnectAll() {
        clients.close();
    }

    /** XEP-0206 §5: SCRAM-SHA-1 relayed round trip by round trip, restart, bind; then a ping. */
    @Test
    void scramSha1LoginOverBoshBindsAndAnswersPing() throws Exception {
        XmppUser alice = ejabberd.createUser("scram");

        AbstractXMPPConnection connection = clients.bosh(bosh, alice, "SCRAM-SHA-1");

        assertThat(connection.isAuthenticated()).isTrue();
        assertThat(connection.getUsedSaslMechansism()).isEqualTo("SCRAM-SHA-1");
        assertThat(connection.getUser().asEntityBareJidString()).isEqualTo(alice.jidString());
        assertThat(PingManager.getInstanceFor(connection).pingMyServer(false)).isTrue();
    }

    /** XEP-0124 §8: chat both ways between the BOSH client and a TCP peer. */
    @Test
    void messagesFlowBothWaysBetweenBoshClientAndTcpPeer() throws Exception {
        XmppUser alice = ejabberd.createUser("chat");
        XmppUser bob = ejabberd.createUser("chat");
        AbstractXMPPConnection boshClient = clients.bosh(bosh, alice);
        XMPPTCPConnection peer = clients.tcp(ejabberd, bob);
        Inbox<Message> boshInbox = inbox(boshClient, chatFrom(bob.jid()), Message.class);
        Inbox<Message> peerInbox = inbox(peer, chatFrom(alice.jid()), Message.class);

        send(boshClient, peer.getUser(), "ping from bosh");
        assertThat(peerInbox.next(TIMEOUT).getBody()).isEqualTo("ping from bosh");

        send(peer, boshClient.getUser(), "pong from tcp");
        Message pong = boshInbox.next(TIMEOUT);
        assertThat(pong.getBody()).isEqualTo("pong from tcp");
        assertThat(pong.getFrom().toString()).isEqualTo(peer.getUser().toString());
    }

    /** XEP-0124 §8 (B-8-3, B-8-5): 200 messages from the TCP peer arrive complete and in order. */
    @Test
    void burstOf200FromTcpPeerArrivesAtBoshClientCompleteAndInOrder() throws Exception {
        XmppUser alice = ejabberd.createUser("down");
        XmppUser bob = ejabberd.createUser("down");
        AbstractXMPPConnection boshClient = clients.bosh(bosh, alice);
        XMPPTCPConnection peer = clients.tcp(ejabberd, bob);
        Inbox<Message> boshInbox = inbox(boshClient, chatFrom(bob.jid()), Message.class);

        for (String body : burstBodies("down")) {
            send(peer, boshClient.getUser(), body);
        }

        assertThat(boshInbox.take(BURST, BURST_TIMEOUT)).extracting(Message::getBody)
                .containsExactlyElementsOf(burstBodies("down"));
    }

    /** XEP-0124 §8/§14 (B-8-1): 200 messages from the BOSH client arrive complete and in order. */
    @Test
    void burstOf200FromBoshClientArrivesAtTcpPeerCompleteAndInOrder() throws Exception {
        XmppUser alice = ejabberd.createUser("up");
        XmppUser bob = ejabberd.createUser("up");
        AbstractXMPPConnection boshClient = clients.bosh(bosh, alice);
        XMPPTCPConnection peer = clients.tcp(ejabberd, bob);
        Inbox<Message> peerInbox = inbox(peer, chatFrom(alice.jid()), Message.class);

        for (String body : burstBodies("up")) {
            send(boshClient, peer.getUser(), body);
        }

        assertThat(peerInbox.take(BURST, BURST_TIMEOUT)).extracting(Message::getBody)
                .containsExactlyElementsOf(burstBodies("up"));
    }

    /** XEP-0124 §13 (B-13-1): the logout's unavailable presence reaches ejabberd before the stream closes. */
    @Test
    void boshLogoutMakesSubscribedTcpPeerSeeUnavailable() throws Exception {
        XmppUser alice = ejabberd.createUser("bye");
        XmppUser bob = ejabberd.createUser("bye");
        ejabberd.befriend(alice, bob);
        XMPPTCPConnection peer = clients.tcp(ejabberd, bob);
        Inbox<Presence> presences = inbox(peer, new FromMatchesFilter(alice.jid(), true), Presence.class);

        AbstractXMPPConnection boshClient = clients.bosh(bosh, alice);
        Jid aliceFull = boshClient.getUser();
        presences.next(p -> p.getFrom().equals(aliceFull) && p.isAvailable(), TIMEOUT);

        boshClient.disconnect();

        Presence gone = presences.next(p -> p.getFrom().equals(aliceFull), TIMEOUT);
        assertThat(gone.getType()).isEqualTo(Presence.Type.unavailable);
    }

    private static List<String> burstBodies(String tag) {
        return IntStream.range(0, BURST).mapToObj(i -> tag + "-" + i).toList();
    }

    private static void send(AbstractXMPPConnection from, Jid to, String body) throws Exception {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza()
                .to(to).ofType(Message.Type.chat).setBody(body).build());
    }

    private static StanzaFilter chatFrom(EntityBareJid sender) {
        return stanza -> stanza instanceof Message m && m.getType() == Message.Type.chat
                && m.getBody() != null && m.getFrom() != null && m.getFrom().asBareJid().equals(sender);
    }
}
