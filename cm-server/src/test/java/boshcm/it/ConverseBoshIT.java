package boshcm.it;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * converse.js 14 (its headless build, {@code converse.js/src/headless/dist/converse-headless.min.js}
 * from the npm package) in headless Debian Chromium against the selected BOSH target, the page on
 * another origin (page/converse.mjs via run-client.mjs). XEP-0156 discovery, WebSocket, auto-reconnect
 * and session caching are off, so the only transport is the BOSH URL under test.
 */
class ConverseBoshIT extends BrowserClientFixture {

    @BeforeAll
    static void requireClient() {
        BrowserRun.assertInstalled("converse.js");
    }

    /** Login (SASL over BOSH, bind), a chat message from a TCP contact, the reply, logout. */
    @Test
    void converseInChromiumReceivesAnswersAndLogsOut() throws Exception {
        XmppUser alice = prosody.createUser("converse");
        XmppUser bob = prosody.createUser("conversepeer");
        GreetingPeer peer = GreetingPeer.start(clients, prosody, bob, alice);

        BrowserRun run = runClient("converse", alice, bob, Map.of());
        Map<String, String> summary = assertCompleted(run,
                "connected,message-received,reply-sent,reply-acknowledged,disconnected");

        assertReplyReachedPeer(run, peer, "converse");
        awaitUnavailableAtPeer(run, peer, "converse");
        System.err.println("[ConverseBoshIT] against " + bosh + ": " + summary);
    }
}
