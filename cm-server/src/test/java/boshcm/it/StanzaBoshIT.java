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
 * Stanza 12 (legastero/stanza) in headless Debian Chromium against the selected BOSH target, the page
 * on another origin (page/stanza.mjs via run-client.mjs, which bundles Stanza with esbuild). Stanza
 * asks for {@code hold=2} and always keeps two requests in flight; boshcm's default
 * {@code session.max-hold} is 2, so it must grant 2 ({@code requests=3}). With Prosody upstream Stanza
 * also enables XEP-0198 on the stream the CM relays (reported, not asserted).
 */
@ExtendWith(LiveXmppExtension.class)
class StanzaBoshIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static ProsodyServer prosody;
    private static BoshService bosh;

    private final SmackClients clients = new SmackClients();

    @BeforeAll
    static void start(ProsodyServer server, BoshService service) {
        BrowserRun.assertInstalled("stanza", "esbuild", "events");
        prosody = server;
        bosh = service;
    }

    @AfterEach
    void disconnectAll() {
        clients.close();
    }

    /** hold=2 granted; login, a chat message from a TCP contact, the reply, disconnect. */
    @Test
    void stanzaInChromiumGetsHold2ReceivesAnswersAndDisconnects() throws Exception {
        XmppUser alice = prosody.createUser("stanza");
        XmppUser bob = prosody.createUser("stanzapeer");
        GreetingPeer peer = GreetingPeer.start(clients, prosody, bob, alice);

        BrowserRun run = BrowserRun.run(Map.of(
                "client", "stanza",
                "bosh", bosh.uri().toString(),
                "jid", alice.jidString(), "password", alice.password(),
                "peer", bob.jidString()));
        Map<String, String> summary = run.summary();

        assertThat(summary.get("ok")).as(run.describe()).isEqualTo("true");
        assertThat(summary.get("steps")).as(run.describe())
                .isEqualTo("connected,message-received,reply-sent,reply-acknowledged,disconnected");
        assertThat(summary.get("requestedHold")).as(run.describe()).isEqualTo("2");
        if (bosh.target() == BoshTarget.BOSHCM) {
            assertThat(summary.get("grantedHold")).as("hold granted by boshcm (max-hold 2)\n" + run.describe())
                    .isEqualTo("2");
            assertThat(summary.get("grantedRequests")).as(run.describe()).isEqualTo("3");
        }
        assertThat(summary.get("allowOrigin")).as(run.describe()).isIn(summary.get("pageOrigin"), "*");
        assertThat(run.await("Stanza's reply, seen by the TCP peer", () -> peer.replies.next(TIMEOUT)).getBody())
                .isEqualTo("reply: " + peer.greeting);
        if (bosh.target() == BoshTarget.BOSHCM) {
            // boshcm closes the upstream stream on terminate, so Prosody ends the session at once. With
            // XEP-0198 on, stanzas Stanza had not acked come back bounced first: a presence of type
            // error may precede the unavailable one. (Prosody's own mod_bosh instead puts the session
            // in smacks hibernation on terminate: contacts see it leave only when that times out.)
            run.await("Stanza's unavailable presence, seen by the TCP peer", () -> peer.presences.next(
                    p -> p.getFrom().equals(peer.greeted()) && p.getType() == Presence.Type.unavailable, TIMEOUT));
        }
        System.err.println("[StanzaBoshIT] against " + bosh + ": " + summary);
    }
}
