package boshcm.it;

import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.nick;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.BoshTarget.BoshService;
import boshcm.it.SmackClients.Inbox;
import java.time.Duration;
import java.util.Map;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smackx.muc.MultiUserChat;
import org.jivesoftware.smackx.muc.MultiUserChatManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
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
@ExtendWith(LiveXmppExtension.class)
class StropheBoshIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static ProsodyServer prosody;
    private static BoshService bosh;

    private final SmackClients clients = new SmackClients();

    @BeforeAll
    static void start(ProsodyServer server, BoshService service) {
        BrowserRun.assertInstalled("strophe.js");
        prosody = server;
        bosh = service;
    }

    @AfterEach
    void disconnectAll() {
        clients.close();
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
        peer.addSyncStanzaListener(stanza -> {
            Message m = (Message) stanza;
            try {
                peer.sendStanza(peer.getStanzaFactory().buildMessageStanza()
                        .to(m.getFrom()).ofType(Message.Type.chat).setBody("echo: " + m.getBody()).build());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, s -> s instanceof Message m && m.getType() == Message.Type.chat && m.getBody() != null
                && m.getFrom() != null && m.getFrom().asBareJid().equals(alice.jid()));

        BrowserRun run = BrowserRun.run(Map.of(
                "client", "strophe",
                "bosh", bosh.uri().toString(),
                "jid", alice.jidString(), "password", alice.password(),
                "peer", bob.jidString(), "room", roomJid.toString(), "nick", "alice",
                "hold", hold));
        Map<String, String> summary = run.summary();

        assertThat(summary.get("ok")).as(run.describe()).isEqualTo("true");
        assertThat(summary.get("steps")).as(run.describe())
                .isEqualTo("connected,message-sent,echo-received,muc-joined,groupchat-reflected,disconnected");
        assertThat(Integer.parseInt(summary.get("preflights"))).as("CORS preflights seen by Chromium\n" + run.describe())
                .isPositive();
        assertThat(summary.get("allowOrigin")).as(run.describe()).isIn(summary.get("pageOrigin"), "*");
        assertThat(roomInbox.next(m -> m.getBody() != null && m.getBody().startsWith("groupchat-strophe-"), TIMEOUT))
                .as("the browser's groupchat message, seen by the TCP occupant").isNotNull();
        System.err.println("[StropheBoshIT] hold=" + hold + " against " + bosh + ": " + summary);
    }
}
