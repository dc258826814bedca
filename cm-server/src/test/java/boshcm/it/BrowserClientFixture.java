package boshcm.it;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.BoshTarget.BoshService;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jivesoftware.smack.packet.Presence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the browser client ITs ({@link StropheBoshIT}, {@link ConverseBoshIT}, {@link StanzaBoshIT})
 * share: the live Prosody and BOSH target, Smack TCP peers closed after each test, a {@link BrowserRun}
 * configured for the BOSH target, and the checks every run and every {@link GreetingPeer} scenario make.
 */
@ExtendWith(LiveXmppExtension.class)
abstract class BrowserClientFixture {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    static ProsodyServer prosody;
    static BoshService bosh;

    final SmackClients clients = new SmackClients();

    @BeforeAll
    static void startServers(ProsodyServer server, BoshService service) {
        prosody = server;
        bosh = service;
    }

    @AfterEach
    void disconnectAll() {
        clients.close();
    }

    /**
     * Runs {@code client} (run-client.mjs) against the BOSH target, logged in as {@code user} with
     * {@code peer} as its contact, plus the scenario's {@code extra} settings.
     */
    static BrowserRun runClient(String client, XmppUser user, XmppUser peer, Map<String, Object> extra)
            throws Exception {
        Map<String, Object> config = new LinkedHashMap<>(Map.of(
                "client", client,
                "bosh", bosh.uri().toString(),
                "jid", user.jidString(), "password", user.password(),
                "peer", peer.jidString()));
        config.putAll(extra);
        return BrowserRun.run(config);
    }

    /**
     * The run ended well after exactly {@code steps}, and the BOSH endpoint's CORS answer allowed the
     * page's origin (the page is served from another origin). Returns the summary for further checks.
     */
    static Map<String, String> assertCompleted(BrowserRun run, String steps) {
        Map<String, String> summary = run.assertSucceeded(steps);
        assertThat(summary.get("allowOrigin")).as(run.describe()).isIn(summary.get("pageOrigin"), "*");
        return summary;
    }

    /** The browser's reply to the greeting ({@code "reply: " + greeting}) reached the TCP peer. */
    static void assertReplyReachedPeer(BrowserRun run, GreetingPeer peer, String client) throws InterruptedException {
        assertThat(run.await(client + "'s reply, seen by the TCP peer", () -> peer.replies.next(TIMEOUT)).getBody())
                .isEqualTo("reply: " + peer.greeting);
    }

    /** The TCP peer saw the greeted browser session go unavailable (after its logout). */
    static void awaitUnavailableAtPeer(BrowserRun run, GreetingPeer peer, String client) throws InterruptedException {
        run.await(client + "'s unavailable presence, seen by the TCP peer", () -> peer.presences.next(
                p -> p.getFrom().equals(peer.greeted()) && p.getType() == Presence.Type.unavailable, TIMEOUT));
    }
}
