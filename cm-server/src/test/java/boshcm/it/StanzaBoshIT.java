package boshcm.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stanza 12 (legastero/stanza) in headless Debian Chromium against the selected BOSH target, the page
 * on another origin (page/stanza.mjs via run-client.mjs, which bundles Stanza with esbuild). Stanza
 * asks for {@code hold=2} and always keeps two requests in flight; boshcm's default
 * {@code session.max-hold} is 2, so it must grant 2 ({@code requests=3}). With Prosody upstream Stanza
 * also enables XEP-0198 on the stream the CM relays (reported, not asserted).
 */
class StanzaBoshIT extends BrowserClientFixture {

    @BeforeAll
    static void requireClient() {
        BrowserRun.assertInstalled("stanza", "esbuild", "events");
    }

    /** hold=2 granted; login, a chat message from a TCP contact, the reply, disconnect. */
    @Test
    void stanzaInChromiumGetsHold2ReceivesAnswersAndDisconnects() throws Exception {
        XmppUser alice = prosody.createUser("stanza");
        XmppUser bob = prosody.createUser("stanzapeer");
        GreetingPeer peer = GreetingPeer.start(clients, prosody, bob, alice);

        BrowserRun run = runClient("stanza", alice, bob, Map.of());
        Map<String, String> summary = assertCompleted(run,
                "connected,message-received,reply-sent,reply-acknowledged,disconnected");

        assertThat(summary.get("requestedHold")).as(run.describe()).isEqualTo("2");
        if (bosh.target() == BoshTarget.BOSHCM) {
            assertThat(summary.get("grantedHold")).as("hold granted by boshcm (max-hold 2)\n" + run.describe())
                    .isEqualTo("2");
            assertThat(summary.get("grantedRequests")).as(run.describe()).isEqualTo("3");
        }
        assertReplyReachedPeer(run, peer, "Stanza");
        if (bosh.target() == BoshTarget.BOSHCM) {
            // boshcm closes the upstream stream on terminate, so Prosody ends the session at once. With
            // XEP-0198 on, stanzas Stanza had not acked come back bounced first: a presence of type
            // error may precede the unavailable one. (Prosody's own mod_bosh instead puts the session
            // in smacks hibernation on terminate: contacts see it leave only when that times out.)
            awaitUnavailableAtPeer(run, peer, "Stanza");
        }
        System.err.println("[StanzaBoshIT] against " + bosh + ": " + summary);
    }
}
