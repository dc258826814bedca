package boshcm.it;

import static boshcm.it.RawBosh.await;
import static boshcm.it.RawBosh.message;
import static boshcm.it.SmackClients.chatFrom;
import static boshcm.it.SmackClients.echoChats;
import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.sendChat;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.RawBosh.Reply;
import boshcm.it.RawBosh.Sent;
import boshcm.it.SmackClients.Inbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;

/**
 * The sessions other connection managers kill must survive: lost responses, retransmissions,
 * reordered requests, a duplicated pending request, a page reload, a pause. Raw BOSH clients
 * ({@link RawBosh}, SASL PLAIN through the CM) and strophe.js in Chromium talk to a real Prosody
 * through a {@link DedicatedCm} started per test (so its meters see that test's sessions only); Smack
 * TCP peers sit on the other side. Always boshcm, whatever {@code -Dbosh.target} says: these are
 * promises of this CM. Checklist IDs refer to {@code shared/docs/conformance-checklist.md}.
 */
@ExtendWith(LiveXmppExtension.class)
class BoshResilienceIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static ProsodyServer prosody;

    private final SmackClients clients = new SmackClients();
    private DedicatedCm cm;

    // Alice's contact bob, on TCP to Prosody, and (set by loginRawClientAndPeer) alice on a raw BOSH
    // session through cm, with what bob gets from her.
    private XmppUser bob;
    private RawBosh.Session raw;
    private Jid aliceFull;
    private XMPPTCPConnection peer;
    private Inbox<Message> peerInbox;

    @BeforeAll
    static void start(ProsodyServer server) {
        prosody = server;
    }

    @AfterEach
    void stop() {
        clients.close();
        if (cm != null) cm.close();
    }

    /**
     * XEP-0124 §14.3 #rids-broken (B-14.3-2): "the connection manager SHOULD return the response it
     * sent for that request", and its payloads are not forwarded again. A client on a lossy network
     * (hold=1) loses every third response, some while its next request is already held, and
     * retransmits the rid; two requests carrying a message are also sent twice in a row (the older
     * copy gets {@code type='error'} if the rid is still pending, B-14.3-3, or both get the same answer
     * if data answered it in between). Every retransmission gets the byte-identical answer, the peer's 20 messages arrive
     * exactly once and in order, and the client's 8 messages reach the peer exactly once and in order.
     */
    @Test
    void b14_3_2_lostResponsesAreRetransmittedFromCacheAndEveryMessageArrivesExactlyOnceInOrder() throws Exception {
        cm = DedicatedCm.inFrontOf(prosody);
        loginRawClientAndPeer("blip", 1, 2);
        int downCount = 20;
        int upCount = 8;

        Lossy client = new Lossy(raw);
        List<Sent> held = List.of(raw.send(""));
        int down = 0;
        int up = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (client.received.size() < downCount || up < upCount) {
            assertThat(System.nanoTime()).as("received so far: %s", client.received).isLessThan(deadline);
            if (down < downCount) {
                sendChat(peer, aliceFull, "down-" + down++);
            }
            if (up < upCount) {
                // A new request with a message: the held one is answered at once (hold=1).
                Sent next = raw.send(message(bob.jidString(), "up-" + up));
                List<Sent> copies = up % 4 == 1 ? List.of(next, raw.resend(next)) : List.of(next);
                up++;
                client.settle(held);
                held = copies;
            } else {
                client.settle(held);                                  // held until data or wait
                held = List.of(raw.send(""));
            }
        }
        raw.send(message(bob.jidString(), "up-end"));
        client.settle(held);

        assertThat(client.received).containsExactlyElementsOf(bodies("down", downCount));
        assertThat(peerInbox.take(upCount + 1, TIMEOUT)).extracting(Message::getBody)
                .as("every client message once, in order; a duplicate would come before up-end")
                .containsExactlyElementsOf(concat(bodies("up", upCount), List.of("up-end")));
        assertThat(client.retransmissions).as("retransmissions answered from the cache").isGreaterThanOrEqualTo(5);
        assertThat(client.duplicates).as("requests sent twice").isEqualTo(2);
        assertThat(client.pendingDuplicates).as("copies answered type='error' (B-14.3-3)").isLessThanOrEqualTo(2);
    }

    /**
     * XEP-0124 §14.3 (B-14.3-2) when the blip takes the TCP connection with it: each held request's
     * connection is reset right after the peer sends a message, racing the CM's answer, and the client
     * retransmits the rid. Whether the CM wrote the message into the dead connection (then the
     * retransmission gets it from the cache) or saw the connection go first (then the message waits
     * for the next request), all 10 messages arrive exactly once and in order.
     */
    @Test
    void b14_3_2_heldRequestsWhoseConnectionIsResetLoseNoMessage() throws Exception {
        cm = DedicatedCm.inFrontOf(prosody);
        loginRawClientAndPeer("reset", 1, 2);
        int count = 10;

        List<String> received = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long rid = raw.takeRid();
            String xml = raw.body(rid, "", "");
            double dispatched = cm.meter("bosh_http_requests_total", "outcome", "dispatched");
            java.net.Socket connection = RawBosh.postAndKeepSocket(cm.boshUri(), xml);
            if (i % 2 == 0) {
                // Handed to the session before the message can reach it; odd ones may not even be read.
                cm.awaitMeter("bosh_http_requests_total", v -> v > dispatched, TIMEOUT, "outcome", "dispatched");
            }
            sendChat(peer, aliceFull, "down-" + i);
            RawBosh.reset(connection);
            Reply retransmitted = cm.raw().post(xml);
            assertThat(retransmitted.isTerminal()).as("%s", retransmitted).isFalse();
            received.addAll(retransmitted.chatBodies());
        }
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (received.size() < count && System.nanoTime() < deadline) {
            Reply r = raw.roundTrip("");
            assertThat(r.isTerminal()).as("%s", r).isFalse();
            received.addAll(r.chatBodies());
        }

        assertThat(received).containsExactlyElementsOf(bodies("down", count));
    }

    /**
     * XEP-0124 §14.2 #rids-order (B-14.2-1): "the connection manager MUST forward the payloads to the
     * server and respond to the client in the order specified by the 'rid' attributes". With hold=2,
     * rid n+1 carrying M(b) arrives before rid n carrying M(a): the peer gets a, then b; the next data
     * goes on rid n's response, the data after that on rid n+1's.
     */
    @Test
    void b14_2_1_requestsArrivingOutOfOrderAreForwardedAndAnsweredInRidOrder() throws Exception {
        cm = DedicatedCm.inFrontOf(prosody);
        loginRawClientAndPeer("order", 2, 20);

        long n = raw.takeRid();
        long n1 = raw.takeRid();
        Sent second = raw.sendRid(n1, "", message(bob.jidString(), "b"));
        cm.awaitHeld(1);                                              // rid n+1 waits ahead of the gap
        Sent first = raw.sendRid(n, "", message(bob.jidString(), "a"));

        assertThat(peerInbox.take(2, TIMEOUT)).extracting(Message::getBody).containsExactly("a", "b");
        cm.awaitHeld(2);
        sendChat(peer, aliceFull, "c");
        Reply toN = await(first.reply());
        assertThat(toN.chatBodies()).as("rid n is answered first: %s", toN).containsExactly("c");
        raw.send("");                                                 // rid n+2: n+1 and n+2 held (hold=2)
        cm.awaitHeld(2);
        sendChat(peer, aliceFull, "d");
        Reply toN1 = await(second.reply());
        assertThat(toN1.chatBodies()).as("rid n+1 answered second: %s", toN1).containsExactly("d");
    }

    /**
     * XEP-0124 §14.3 (B-14.3-3): a repeated rid that is still pending answers the older connection
     * with the recoverable {@code type='error'}, and later data goes to the new one. §17.3 (B-17.3-1):
     * the session goes on: a retransmission of that rid gets the cached answer, and the next request's
     * message reaches the peer once.
     */
    @Test
    void b14_3_3_repeatedPendingRidAnswersOlderConnectionWithRecoverableErrorAndSessionContinues() throws Exception {
        cm = DedicatedCm.inFrontOf(prosody);
        loginRawClientAndPeer("repeat", 1, 20);

        Sent older = raw.send("");
        cm.awaitHeld(1);
        Sent newer = raw.resend(older);

        Reply error = await(older.reply());
        assertThat(error.status()).isEqualTo(200);
        assertThat(error.type()).as("%s", error).isEqualTo("error");
        cm.awaitHeld(1);                                              // the newer connection is held in its place
        assertThat(newer.reply()).isNotDone();
        sendChat(peer, aliceFull, "x");
        Reply data = await(newer.reply());
        assertThat(data.chatBodies()).as("%s", data).containsExactly("x");

        // B-17.3-1: recoverable. A retransmission gets the cached answer; the session goes on.
        assertThat(await(raw.resend(newer).reply()).text()).isEqualTo(data.text());
        Sent withMessage = raw.send(message(bob.jidString(), "c"));
        raw.send(message(bob.jidString(), "end"));
        assertThat(await(withMessage.reply()).isTerminal()).isFalse();
        assertThat(peerInbox.take(2, TIMEOUT)).extracting(Message::getBody).containsExactly("c", "end");
    }

    /**
     * XEP-0124 §14.3 and strophe.js {@code keepalive}: a page reload aborts the held request; the new
     * page {@code restore()}s the sid and next rid from sessionStorage and carries on in the same
     * session (same sid, same full JID, no second session creation), and chat still flows. The CM
     * notices Chromium dropping the held request (so nothing is written into the dead connection),
     * and a message the peer sends while the page reloads is delivered to the restored page.
     */
    @Test
    void b14_3_pageReloadReattachesWithCachedSidAndRidAndNoMessageIsLost() throws Exception {
        BrowserRun.assertInstalled("strophe.js");
        cm = DedicatedCm.inFrontOf(prosody);
        XmppUser alice = prosody.createUser("reload");
        bob = prosody.createUser("reloadpeer");
        peer = clients.tcp(prosody, bob);
        List<Jid> echoedTo = new ArrayList<>();
        echoChats(peer, alice.jid(), m -> {
            synchronized (echoedTo) {
                echoedTo.add(m.getFrom());
            }
        });
        java.nio.file.Path sync = java.nio.file.Files.createTempDirectory("strophe-reload");

        CompletableFuture<BrowserRun> running = BrowserRun.start(Map.of(
                "client", "strophe",
                "mode", "reload", "bosh", cm.boshUri().toString(), "syncDir", sync.toString(),
                "duringReload", "sent during the reload",
                "jid", alice.jidString(), "password", alice.password(), "peer", bob.jidString(), "hold", 1));
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!java.nio.file.Files.exists(sync.resolve("reloaded"))) {
            if (running.isDone()) {
                throw new AssertionError("the browser stopped before the reload\n" + running.get().describe());
            }
            assertThat(System.nanoTime()).as("the page reloaded").isLessThan(deadline);
            Thread.sleep(20);
        }
        cm.awaitHeld(0);                                              // the aborted request is known gone
        Jid browser;
        synchronized (echoedTo) {
            browser = echoedTo.get(0);
        }
        sendChat(peer, browser, "sent during the reload");
        java.nio.file.Files.createFile(sync.resolve("go"));
        BrowserRun run = running.get(150, java.util.concurrent.TimeUnit.SECONDS);
        Map<String, String> summary = run.assertSucceeded("connected,echo-before-reload,reloaded,"
                + "attached,during-reload-received,echo-after-reload,disconnected");

        assertThat(summary.get("sidAfter")).as(run.describe()).isEqualTo(summary.get("sidBefore"));
        assertThat(summary.get("jidAfter")).as(run.describe()).isEqualTo(summary.get("jidBefore"));
        assertThat(summary.get("sessionCreations")).as(run.describe()).isEqualTo("1");
        synchronized (echoedTo) {
            assertThat(echoedTo).as("the peer saw one full JID before and after the reload").hasSize(2);
            assertThat(echoedTo.get(1).toString()).isEqualTo(echoedTo.get(0).toString());
        }
    }

    /**
     * XEP-0124 §10 #inactive (B-10-4): a pause request answers every held request at once, itself with
     * no payloads, and the session survives a silence longer than {@code inactivity} but shorter than
     * the pause; a message sent meanwhile comes with the next request. B-10-5: that request restores
     * the normal inactivity, so a silence after it ends the session long before the pause would have.
     *
     * <p>No sleeping: a control session goes silent after the paused one; once the CM has ended the
     * control session for inactivity (a meter), the paused one has been silent longer than that.
     */
    @Test
    void b10_4_pauseReleasesHeldRequestsAndOutlivesInactivityAndDeliversWhatCameMeanwhile() throws Exception {
        cm = DedicatedCm.inFrontOf(prosody, "--session-inactivity", "2s", "--session-max-pause", "120s");
        loginRawClientAndPeer("pause", 1, 20);

        Sent held = raw.send("");
        cm.awaitHeld(1);
        Sent pause = raw.send("pause='60'", "");
        Reply heldReply = await(held.reply(), Duration.ofSeconds(10));
        Reply pauseReply = await(pause.reply(), Duration.ofSeconds(10));
        assertThat(heldReply.isTerminal()).as("%s", heldReply).isFalse();
        assertThat(pauseReply.isTerminal()).as("%s", pauseReply).isFalse();
        assertThat(pauseReply.payloads()).as("the pause response carries no payloads: %s", pauseReply).isEmpty();

        int endedBefore = cm.sessionsEnded("inactivity");
        RawBosh.Session control = cm.raw().open(1, 20);               // silent from its creation reply on
        assertThat(control.creation().isTerminal()).isFalse();
        sendChat(peer, aliceFull, "while paused");
        cm.awaitMeter("bosh_sessions_ended_total", v -> v >= endedBefore + 1, TIMEOUT, "cause", "inactivity");

        Reply resumed = raw.roundTrip("");
        assertThat(resumed.chatBodies()).as("%s", resumed).containsExactly("while paused");

        // B-10-5: the normal inactivity is back; the session ends well within the 60 s pause.
        cm.awaitMeter("bosh_sessions_ended_total", v -> v >= endedBefore + 2, TIMEOUT, "cause", "inactivity");
        Reply gone = raw.roundTrip("");
        assertThat(gone.condition()).as("%s", gone).isEqualTo("item-not-found");
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Registers alice ({@code tag}) and bob ({@code tag + "peer"}), logs alice in on a raw BOSH session
     * through {@link #cm} ({@code hold}, {@code wait}) and bob over TCP, and records in
     * {@link #peerInbox} bob's chat messages from alice.
     */
    private void loginRawClientAndPeer(String tag, int hold, int wait) throws Exception {
        XmppUser alice = prosody.createUser(tag);
        bob = prosody.createUser(tag + "peer");
        raw = cm.raw().open(hold, wait);
        aliceFull = JidCreate.from(raw.login(alice));
        peer = clients.tcp(prosody, bob);
        peerInbox = inbox(peer, chatFrom(alice.jid()), Message.class);
    }

    /** The raw client's side of a lossy network: settles held requests, losing every third answer. */
    private static final class Lossy {
        final RawBosh.Session session;
        final List<String> received = new ArrayList<>();
        int answered;
        int retransmissions;
        int pendingDuplicates;
        int duplicates;

        Lossy(RawBosh.Session session) {
            this.session = session;
        }

        /**
         * Waits for the answer to a request sent once or twice (a pending duplicate: one copy gets
         * {@code type='error'}); every third answer is "lost" and the rid retransmitted, which must
         * give the same bytes. Records the chat messages of the answer that was read.
         */
        void settle(List<Sent> copies) throws InterruptedException {
            List<Reply> good = new ArrayList<>();
            for (Sent s : copies) {
                Reply r = await(s.reply());
                if (r.isRecoverableError()) {
                    pendingDuplicates++;
                } else {
                    good.add(r);
                }
            }
            // A duplicate that arrived while the rid was pending made the older copy's answer an error
            // (B-14.3-3); one that arrived after the rid was answered got the cached answer (B-14.3-2).
            assertThat(good).as("answers to rid %s", copies.get(0).rid()).isNotEmpty();
            assertThat(good).extracting(Reply::text).as("answers to rid %s", copies.get(0).rid()).containsOnly(good.get(0).text());
            if (copies.size() > 1) duplicates++;
            Reply reply = good.get(0);
            assertThat(reply.status()).isEqualTo(200);
            assertThat(reply.isTerminal()).as("%s", reply).isFalse();
            if (++answered % 3 == 0) {
                Reply again = await(session.resend(copies.get(0)).reply());
                assertThat(again.text()).as("retransmitted rid %s", copies.get(0).rid()).isEqualTo(reply.text());
                retransmissions++;
                reply = again;
            }
            received.addAll(reply.chatBodies());
        }
    }

    private static List<String> bodies(String tag, int n) {
        return IntStream.range(0, n).mapToObj(i -> tag + "-" + i).toList();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
