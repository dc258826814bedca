package boshcm.it;

import static boshcm.it.SmackClients.echoChats;
import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.nick;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.SmackClients.Inbox;
import java.util.Map;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * strophe.js 5 in headless Debian Chromium (playwright-core, {@code src/test/js/run-client.mjs})
 * against the selected BOSH target. The page comes from another origin (its own loopback port), so
 * every BOSH POST is a cross-origin {@code text/xml} request and is preflighted (checklist H-1, H-2).
 * A Smack TCP peer echoes chat messages and owns the MUC room the browser joins.
 *
 * <p>Needs {@code node} and {@code npm ci} in {@code src/test/js}; {@code scripts/test.sh} does both.
 */
class StropheBoshIT extends BrowserClientFixture {

    @BeforeAll
    static void requireClient() {
        BrowserRun.assertInstalled("strophe.js");
    }

    /**
     * A browser session end to end: SCRAM login, chat both ways, MUC join and groupchat, terminate.
     * strophe.js lets the client ask for {@code hold} in {@code connect()} and then follows the hold
     * the CM grants (XEP-0124 §7.1/§7.2), though it never keeps more than two requests open.
     */
    @ParameterizedTest(name = "hold={0}")
    @ValueSource(ints = {1, 2})
    void stropheInChromiumChatsJoinsMucAndDisconnectsCrossOrigin(int hold) throws Exception {
        XmppUser alice = prosody.createUser("strophe");
        XmppUser bob = prosody.createUser("strophepeer");
        XMPPTCPConnection peer = clients.tcp(prosody, bob);
        EntityBareJid roomJid = JidCreate.entityBareFrom("browser-" + alice.localpart() + "@" + prosody.mucDomain());
        MultiUserChat room = MultiUserChatManager.getInstanceFor(peer).getMultiUserChat(roomJid);
        room.create(nick("bob")).makeInstant();
        var browserOccupant = JidCreate.entityFullFrom(roomJid + "/alice");
        Inbox<Message> roomInbox = inbox(peer, s -> browserOccupant.equals(s.getFrom()), Message.class);
        echoChats(peer, alice.jid(), m -> {});

        BrowserRun run = runClient("strophe", alice, bob, Map.of("room", roomJid.toString(), "nick", "alice", "hold", hold));
        Map<String, String> summary = assertCompleted(run,
                "connected,message-sent,echo-received,muc-joined,groupchat-reflected,disconnected");

        assertThat(Integer.parseInt(summary.get("preflights"))).as("CORS preflights seen by Chromium\n" + run.describe())
                .isPositive();
        assertThat(roomInbox.next(m -> m.getBody() != null && m.getBody().startsWith("groupchat-strophe-"), TIMEOUT))
                .as("the browser's groupchat message, seen by the TCP occupant").isNotNull();
        System.err.println("[StropheBoshIT] hold=" + hold + " against " + bosh + ": " + summary);
    }
}
