package boshcm.it;

import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.nick;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.BoshTarget.BoshService;
import boshcm.it.SmackClients.Inbox;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.filter.FromMatchesFilter;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Presence;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.jivesoftware.smackx.ping.PingManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Smack 4.4.8 {@code XMPPBOSHConnection} through the selected BOSH target (boshcm by default,
 * {@code -Dbosh.target=prosody} for Prosody's mod_bosh) to a real Prosody, with Smack TCP peers
 * connected to Prosody directly. Checklist IDs refer to {@code shared/docs/conformance-checklist.md}.
 */
@ExtendWith(LiveXmppExtension.class)
class SmackBoshIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration BURST_TIMEOUT = Duration.ofSeconds(90);
    private static final int BURST = 200;

    private static ProsodyServer prosody;
    private static BoshService bosh;

    private final SmackClients clients = new SmackClients();

    @BeforeAll
    static void start(ProsodyServer server, BoshService service) {
        prosody = server;
        bosh = service;
    }

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
        XmppUser alice = prosody.createUser("scram");

        AbstractXMPPConnection connection = clients.bosh(bosh, alice, "SCRAM-SHA-1");

        assertThat(connection.isAuthenticated()).isTrue();
        assertThat(connection.getUsedSaslMechansism()).isEqualTo("SCRAM-SHA-1");
        assertThat(connection.getUser().asEntityBareJidString()).isEqualTo(alice.jidString());
        assertThat(PingManager.getInstanceFor(connection).pingMyServer(false)).isTrue();
    }

    /**
     * XEP-0206 §5 (checklist X-5-1): PLAIN works because the upstream stream is TLS-protected
     * ({@code allow_unencrypted_plain_auth = false} on Prosody).
     */
    @Test
    void plainLoginOverBoshSucceedsBecauseUpstreamIsEncrypted() throws Exception {
        XmppUser alice = prosody.createUser("plain");

        AbstractXMPPConnection connection = clients.bosh(bosh, alice, "PLAIN");

        assertThat(connection.isAuthenticated()).isTrue();
        assertThat(connection.getUsedSaslMechansism()).isEqualTo("PLAIN");
    }

    /** RFC 6121 §2.2 roster get, carried as an iq over BOSH (checklist X-2-1 payload shapes). */
    @Test
    void rosterFetchedOverBoshHoldsSeededContact() throws Exception {
        XmppUser alice = prosody.createUser("roster");
        XmppUser bob = prosody.createUser("roster");
        prosody.befriend(alice, bob);

        AbstractXMPPConnection connection = clients.bosh(bosh, alice);
        Roster roster = Roster.getInstanceFor(connection);
        roster.reloadAndWait();

        RosterEntry entry = roster.getEntry(bob.jid());
        assertThat(entry).as("roster entry for %s in %s", bob.jid(), roster.getEntries()).isNotNull();
        assertThat(entry.getType()).isEqualTo(RosterPacket.ItemType.both);
        assertThat(entry.getGroups()).extracting(g -> g.getName()).containsExactly("it");
    }

    /** XEP-0124 §8 (checklist B-8-1, B-8-5): payloads go up at once and come down on a held request. */
    @Test
    void messagesFlowBothWaysBetweenBoshClientAndTcpPeer() throws Exception {
        XmppUser alice = prosody.createUser("chat");
        XmppUser bob = prosody.createUser("chat");
        AbstractXMPPConnection boshClient = clients.bosh(bosh, alice);
        XMPPTCPConnection peer = clients.tcp(prosody, bob);
        Inbox<Message> boshInbox = inbox(boshClient, chatFrom(bob.jid()), Message.class);
        Inbox<Message> peerInbox = inbox(peer, chatFrom(alice.jid()), Message.class);

        send(boshClient, peer.getUser(), "ping from bosh");
        assertThat(peerInbox.next(TIMEOUT).getBody()).isEqualTo("ping from bosh");

        send(peer, boshClient.getUser(), "pong from tcp");
        Message pong = boshInbox.next(TIMEOUT);
        assertThat(pong.getBody()).isEqualTo("pong from tcp");
        assertThat(pong.getFrom().toString()).isEqualTo(peer.getUser().toString());
    }

    /** XEP-0124 §8 (checklist B-8-3 "always answer in rid order", B-8-5): no loss, no reordering downstream. */
    @Test
    void burstOf200FromTcpPeerArrivesAtBoshClientCompleteAndInOrder() throws Exception {
        XmppUser alice = prosody.createUser("down");
        XmppUser bob = prosody.createUser("down");
        AbstractXMPPConnection boshClient = clients.bosh(bosh, alice);
        XMPPTCPConnection peer = clients.tcp(prosody, bob);
        Inbox<Message> boshInbox = inbox(boshClient, chatFrom(bob.jid()), Message.class);

        for (String body : burstBodies("down")) {
            send(peer, boshClient.getUser(), body);
        }

        assertThat(boshInbox.take(BURST, BURST_TIMEOUT)).extracting(Message::getBody)
                .containsExactlyElementsOf(burstBodies("down"));
    }

    /** XEP-0124 §8/§14 (checklist B-8-1): requests are forwarded upstream in rid order, none lost. */
    @Test
    void burstOf200FromBoshClientArrivesAtTcpPeerCompleteAndInOrder() throws Exception {
        XmppUser alice = prosody.createUser("up");
        XmppUser bob = prosody.createUser("up");
        AbstractXMPPConnection boshClient = clients.bosh(bosh, alice);
        XMPPTCPConnection peer = clients.tcp(prosody, bob);
        Inbox<Message> peerInbox = inbox(peer, chatFrom(alice.jid()), Message.class);

        for (String body : burstBodies("up")) {
            send(boshClient, peer.getUser(), body);
        }

        assertThat(peerInbox.take(BURST, BURST_TIMEOUT)).extracting(Message::getBody)
                .containsExactlyElementsOf(burstBodies("up"));
    }

    /** XEP-0045 §7.2 and §7.4 through BOSH: join an existing room, groupchat reflected to all occupants. */
    @Test
    void mucGroupchatIsSeenByBoshAndTcpOccupants() throws Exception {
        XmppUser alice = prosody.createUser("muc");
        XmppUser bob = prosody.createUser("muc");
        AbstractXMPPConnection boshClient = clients.bosh(bosh, alice);
        XMPPTCPConnection peer = clients.tcp(prosody, bob);
        EntityBareJid roomJid = JidCreate.entityBareFrom("room-" + alice.localpart() + "@" + prosody.mucDomain());

        MultiUserChat peerRoom = MultiUserChatManager.getInstanceFor(peer).getMultiUserChat(roomJid);
        peerRoom.create(nick("bob")).makeInstant();
        MultiUserChat boshRoom = MultiUserChatManager.getInstanceFor(boshClient).getMultiUserChat(roomJid);
        Inbox<Message> boshInbox = inbox(boshClient, groupchatFrom(roomJid), Message.class);
        Inbox<Message> peerInbox = inbox(peer, groupchatFrom(roomJid), Message.class);
        boshRoom.join(nick("alice"));

        boshRoom.sendMessage("hello from bosh");
        peerRoom.sendMessage("hello from tcp");

        // Both occupants get both messages; the order between the two senders is not defined.
        for (Inbox<Message> inbox : List.of(boshInbox, peerInbox)) {
            Map<String, String> senderByBody = new HashMap<>();
            while (senderByBody.size() < 2) {
                Message m = inbox.next(msg -> msg.getBody() != null && msg.getBody().startsWith("hello from "), TIMEOUT);
                senderByBody.put(m.getBody(), m.getFrom().getResourceOrEmpty().toString());
            }
            assertThat(senderByBody).as(inbox == boshInbox ? "seen by the BOSH client" : "seen by the TCP peer")
                    .containsExactlyInAnyOrderEntriesOf(Map.of("hello from bosh", "alice", "hello from tcp", "bob"));
        }
    }

    /**
     * XEP-0124 §13 (checklist B-13-1): the unavailable presence inside the terminate request reaches
     * the server before the stream closes, so a subscribed contact sees the BOSH user go offline.
     */
    @Test
    void boshLogoutMakesSubscribedTcpPeerSeeUnavailable() throws Exception {
        XmppUser alice = prosody.createUser("bye");
        XmppUser bob = prosody.createUser("bye");
        prosody.befriend(alice, bob);
        XMPPTCPConnection peer = clients.tcp(prosody, bob);
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
        Message message = from.getStanzaFactory().buildMessageStanza()
                .to(to).ofType(Message.Type.chat).setBody(body).build();
        from.sendStanza(message);
    }

    private static StanzaFilter chatFrom(EntityBareJid sender) {
        return stanza -> stanza instanceof Message m && m.getType() == Message.Type.chat
                && m.getBody() != null && m.getFrom() != null && m.getFrom().asBareJid().equals(sender);
    }

    private static StanzaFilter groupchatFrom(EntityBareJid room) {
        return stanza -> StanzaTypeFilter.MESSAGE.accept(stanza)
                && ((Message) stanza).getType() == Message.Type.groupchat
                && stanza.getFrom() != null && stanza.getFrom().asBareJid().equals(room);
    }
}
