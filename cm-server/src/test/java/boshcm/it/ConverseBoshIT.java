package boshcm.it;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.BoshTarget.BoshService;
import java.time.Duration;
import java.util.Map;
import org.jivesoftware.smack.packet.Presence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * converse.js 14 (its headless build, {@code converse.js/src/headless/dist/converse-headless.min.js}
 * from the npm package) in headless Debian Chromium against the selected BOSH target, the page on
 * another origin (page/converse.mjs via run-client.mjs). XEP-0156 discovery, WebSocket, auto-reconnect
 * and session caching are off, so the only transport is the BOSH URL under test.
 */
@ExtendWith(LiveXmppExtension.class)
class ConverseBoshIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static ProsodyServer prosody;
    private static BoshService bosh;

    private final SmackClients clients = new SmackClients();

    @BeforeAll
    static void start(ProsodyServer server, BoshService service) {
        BrowserRun.assertInstalled("converse.js");
        prosody = server;
        bosh = service;
    }

    @AfterEach
    void disconnectAll() {
        clients.close();
    }

    /** Login (SASL over BOSH, bind), a chat message from a TCP contact, the reply, logout. */
    @Test
    void converseInChromiumReceivesAnswersAndLogsOut() throws Exception {
        XmppUser alice = prosody.createUser("converse");
        XmppUser bob = prosody.createUser("conversepeer");
        GreetingPeer peer = GreetingPeer.start(clients, prosody, bob, alice);

        BrowserRun run = BrowserRun.run(Map.of(
                "client", "converse",
                "bosh", bosh.uri().toString(),
                "jid", alice.jidString(), "password", alice.password(),
                "peer", bob.jidString()));
        Map<String, String> summary = run.summary();

        assertThat(summary.get("ok")).as(run.describe()).isEqualTo("true");
        assertThat(summary.get("steps")).as(run.describe())
                .isEqualTo("connected,message-received,reply-sent,reply-acknowledged,disconnected");
        assertThat(summary.get("allowOrigin")).as(run.describe()).isIn(summary.get("pageOrigin"), "*");
        assertThat(run.await("converse's reply, seen by the TCP peer", () -> peer.replies.next(TIMEOUT)).getBody())
                .isEqualTo("reply: " + peer.greeting);
        run.await("converse's unavailable presence, seen by the TCP peer", () -> peer.presences.next(
                p -> p.getFrom().equals(peer.greeted()) && p.getType() == Presence.Type.unavailable, TIMEOUT));
        System.err.println("[ConverseBoshIT] against " + bosh + ": " + summary);
    }
}
