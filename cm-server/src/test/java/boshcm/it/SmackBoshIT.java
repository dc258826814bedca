package boshcm.it;

import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.nick;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.BoshTarget.BoshService;
import boshcm.it.SmackClients.Inbox;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.filter.StanzaTypeFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.roster.Roster;
import org.jivesoftware.smack.roster.RosterEntry;
import org.jivesoftware.smack.roster.packet.RosterPacket;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * Smack 4.4.8 {@code XMPPBOSHConnection} through the selected BOSH target (boshcm by default,
 * {@code -Dbosh.target=prosody} for Prosody's mod_bosh) to a real Prosody, with Smack TCP peers
 * connected to Prosody directly: the core flows of {@link SmackBoshFlows}, plus PLAIN, roster and MUC.
 * Checklist IDs refer to {@code shared/docs/conformance-checklist.md}.
 */
class SmackBoshIT extends SmackBoshFlows {

    private static ProsodyServer prosody;
    private static BoshService bosh;

    @BeforeAll
    static void start(ProsodyServer server, BoshService service) {
        prosody = server;
        bosh = service;
    }

    @Override
    XmppServer server() {
        return prosody;
    }

    @Override
    BoshService bosh() {
        return bosh;
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

    private static StanzaFilter groupchatFrom(EntityBareJid room) {
        return stanza -> StanzaTypeFilter.MESSAGE.accept(stanza)
                && ((Message) stanza).getType() == Message.Type.groupchat
                && stanza.getFrom() != null && stanza.getFrom().asBareJid().equals(room);
    }
}
