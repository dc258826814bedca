package boshcm.it;

import static boshcm.it.SmackClients.bodies;
import static boshcm.it.SmackClients.chatFrom;
import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.sendChat;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.SmackClients.Inbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.Jid;

/**
 * {@link ZeroLossFlows} with a browser on one side (checklist SM-9, SM-12, SM-14, SM-17): strophe.js 5
 * in headless Chromium ({@code run-client.mjs}, mode {@code stream}) and a Smack BOSH client, both
 * through boshcm in XEP-0198 managed mode, exchange numbered chat messages both ways at a steady pace
 * while the fault proxy between boshcm and the server cuts every upstream connection {@link #CUTS}
 * times, alternating a TCP reset and a clean close, at random moments. strophe.js logs in with SASL
 * PLAIN only (its only registered mechanism), so boshcm can capture the credential for its resumes.
 *
 * <p>Both directions are checked by rid, the order boshcm delivered in: strophe's own record of each
 * response it processed, and {@link JboshTap} on the Smack side. Each
 * application gets each message exactly once; strophe's handlers get them in order too, unless
 * strophe processed two concurrent responses out of rid order: it hands a response's stanzas to its
 * handlers when that XMLHttpRequest completes and does not re-sequence by rid, and Chromium does not
 * always complete two requests in the order their responses were written (the run reports when, and
 * whether its network stack already had them the other way round). strophe sees no status after
 * CONNECTED, no terminate, no HTTP error, no retransmission and no sid but the first; boshcm starts
 * and ends no other session.
 *
 * <p>Against Prosody's mod_smacks ({@link StropheZeroLossProsodyIT}) and ejabberd's mod_stream_mgmt
 * ({@link StropheZeroLossEjabberdIT}, opt-in: ejabberd 23.01's resume handover reorders, bounces and
 * duplicates stanzas on its own side, see there).
 *
 * <p>Needs {@code node} and {@code npm ci} in {@code src/test/js}; {@code scripts/test.sh} does both.
 */
@ExtendWith(LiveXmppExtension.class)
abstract class StropheZeroLossFlows {

    /** Cuts of every open upstream connection (each one reaches both sessions' connections). */
    static final int CUTS = 50;
    /** Each sender's pace: 25 messages a second in each direction. */
    private static final Duration PACE = Duration.ofMillis(40);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** A cap on strophe's messages; the test stops it (a file in the sync directory) long before. */
    private static final int MAX_BROWSER_MESSAGES = 5000;

    private final SmackClients clients = new SmackClients();
    private DedicatedCm cm;
    private FaultProxy proxy;
    private Path sync;

    abstract XmppServer server();

    @BeforeAll
    static void requireClient() {
        BrowserRun.assertInstalled("strophe.js");
    }

    @AfterEach
    void stop() throws IOException {
        clients.close();
        if (cm != null) {
            cm.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (sync != null) {
            try (Stream<Path> files = Files.list(sync)) {
                for (Path file : files.toList()) {
                    Files.deleteIfExists(file);
                }
            }
            Files.deleteIfExists(sync);
        }
    }

    @Test
    void sm12_zeroLoss_stropheSeesNothingOfFiftyUpstreamCuts() throws Exception {
        proxy = FaultProxy.inFrontOf(server());
        cm = DedicatedCm.inFrontOf(server(), proxy, "--sm", "managed", "--sm-reauth", "plain-capture");
        XmppUser alice = server().createUser("zerostrophe");
        XmppUser bob = server().createUser("zerosmack");
        XMPPBOSHConnection peer = clients.bosh(cm.service(), bob, "PLAIN");
        Inbox<Message> peerInbox = inbox(peer, chatFrom(alice.jid()), Message.class);
        JboshTap peerResponses = JboshTap.on(peer);

        sync = Files.createTempDirectory("strophe-zero-loss");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("client", "strophe");
        config.put("mode", "stream");
        config.put("bosh", cm.boshUri().toString());
        config.put("jid", alice.jidString());
        config.put("password", alice.password());
        config.put("peer", peer.getUser().toString());
        config.put("hold", 1);
        config.put("paceMs", PACE.toMillis());
        config.put("count", MAX_BROWSER_MESSAGES);
        config.put("syncDir", sync.toString());
        config.put("stepTimeoutMs", 30_000);
        config.put("totalTimeoutMs", 90_000);
        CompletableFuture<BrowserRun> running = BrowserRun.start(config);

        // strophe's first message says it is logged in and where to answer (its full JID).
        Message first = firstMessage(peerInbox, running);
        List<String> gotAtPeer = new ArrayList<>(List.of(first.getBody()));
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, Throwable> failures = new java.util.concurrent.ConcurrentHashMap<>();
        PacedSender p2s = new PacedSender("p2s", peer, first.getFrom(), PACE, stop, failures);
        p2s.start();

        SplittableRandom random = new SplittableRandom(0x5eedL);
        int cuts = 0;
        while (cuts < CUTS) {
            proxy.awaitActive(2, TIMEOUT);                          // both sessions connected again
            Thread.sleep(random.nextInt(0, 400));                   // traffic, a resume, or both, under way
            if (running.isDone()) {
                throw new AssertionError("the browser stopped after " + cuts + " cuts\n" + running.get().describe());
            }
            proxy.cutAll(cuts % 2 == 0 ? FaultProxy.Cut.RESET : FaultProxy.Cut.CLEAN);
            cuts++;
        }
        stop.set(true);
        Files.createFile(sync.resolve("stop"));                     // strophe sends s2p-end and waits for p2s-end
        p2s.join(TIMEOUT.toMillis());
        assertThat(failures.get("p2s")).as("the Smack sender never saw an error").isNull();
        BrowserRun run = running.get(TIMEOUT.toSeconds() + 150, TimeUnit.SECONDS);
        Map<String, String> summary = run.summary();
        String report = run.describe();

        assertThat(summary.get("ok")).as(report).isEqualTo("true");
        assertThat(summary.get("steps")).as(report).isEqualTo("connected,end-sent,end-delivered,peer-end-received");
        assertThat(summary.get("mechanisms")).as("strophe could only use PLAIN").isEqualTo("PLAIN");
        // strophe saw nothing of the cuts: the login's statuses only, no terminate, no HTTP error, one sid.
        assertThat(summary.get("statuses")).as(report).isEqualTo("CONNECTING,CONNECTED");
        assertThat(summary.get("failure")).as(report).isEqualTo("null");
        assertThat(summary.get("terminates")).as(report).isEmpty();
        assertThat(summary.get("httpErrors")).as(report).isEmpty();
        assertThat(summary.get("retransmits")).as("strophe never had to resend a request\n" + report).isEqualTo("0");
        assertThat(summary.get("sidAtConnect")).as(report).isNotEqualTo("null").isEqualTo(summary.get("sidAtEnd"));
        assertThat(summary.get("sids")).as("every POST carried the login's sid").isEqualTo(summary.get("sidAtConnect"));
        assertThat(summary.get("sessionCreations")).as(report).isEqualTo("1");

        // Smack → strophe: by rid (what boshcm delivered, XEP-0124 §14) exactly once and in order. strophe
        // hands each response's stanzas to its handlers when that XMLHttpRequest completes: two concurrent
        // responses can complete in either order in Chromium, and strophe.js does not put them back in
        // rid order. So in its handlers: exactly once, and in order unless strophe processed a response
        // after a higher rid's ("ridsOutOfOrder"; "networkOutOfOrder" and "lateTimings" say whether
        // Chromium's network stack already had them the other way round).
        String arrivals = "responses in the order strophe processed them (rid:bodies@ms): " + summary.get("arrivals")
                + "\nprocessed after a higher rid: " + summary.get("ridsOutOfOrder")
                + "; finished by the network after a higher rid: " + summary.get("networkOutOfOrder")
                + "; rid:finished at (ms): " + summary.get("lateTimings");
        List<String> received = split(summary.get("received"));
        assertThat(split(summary.get("receivedByRid"))).as("Smack → strophe, by rid\n" + arrivals)
                .containsExactlyElementsOf(p2s.sent);
        assertThat(received).as("Smack → strophe, in strophe's handlers: each exactly once\n" + arrivals)
                .containsExactlyInAnyOrderElementsOf(p2s.sent);
        if (summary.get("ridsOutOfOrder").isEmpty()) {
            assertThat(received).as("Smack → strophe, in strophe's handler order\n" + arrivals)
                    .containsExactlyElementsOf(p2s.sent);
        }

        // strophe → Smack: by rid exactly what strophe sent, in order; at Smack each exactly once.
        int browserSent = Integer.parseInt(summary.get("sent"));
        List<String> s2p = new ArrayList<>();
        for (int i = 0; i < browserSent; i++) {
            s2p.add("s2p-" + i);
        }
        s2p.add("s2p-end");
        gotAtPeer.addAll(bodies(peerInbox.takeThrough(m -> m.getBody().equals("s2p-end"), TIMEOUT)));
        assertThat(peerResponses.chatBodies("s2p")).as("strophe → Smack, by rid: each exactly once, in order")
                .containsExactlyElementsOf(s2p);
        assertThat(gotAtPeer).as("strophe → Smack at Smack: each exactly once").containsExactlyInAnyOrderElementsOf(s2p);
        assertThat(browserSent).as("a steady flow from strophe during the cuts").isGreaterThan(100);
        assertThat(p2s.sent.size()).as("a steady flow to strophe during the cuts").isGreaterThan(100);

        assertThat(peer.isConnected()).as("the Smack BOSH client saw no terminate").isTrue();
        assertThat(cm.meter("bosh_sessions_started_total")).as("the same two sessions throughout").isEqualTo(2);
        assertThat(cm.meter("bosh_sessions_ended_total")).isZero();
        assertThat(cm.meter("bosh_sm_resumes_failed_total")).isZero();
        double resumed = cm.meter("bosh_sm_resumes_succeeded_total");
        double connections = cm.meter("bosh_sm_resume_connections_total");
        assertThat(resumed).as("every cut of a live connection was resumed").isGreaterThanOrEqualTo(CUTS);
        System.out.printf("%s strophe zero-loss: %d cuts, %d strophe → Smack + %d Smack → strophe messages, %.0f resumes"
                        + " over %.0f connections, %d proxy connections, %s strophe BOSH POSTs, %d messages swapped by"
                        + " jbosh's concurrent response threads, %d by strophe processing responses out of rid order"
                        + " (rids [%s], network [%s], rid:finished at ms [%s])%n",
                server().name(), cuts, browserSent, p2s.sent.size() - 1, resumed, connections, proxy.accepted(),
                summary.get("boshPosts"), ZeroLossFlows.displaced(gotAtPeer, s2p), ZeroLossFlows.displaced(received, p2s.sent),
                summary.get("ridsOutOfOrder"), summary.get("networkOutOfOrder"), summary.get("lateTimings"));
    }

    /** strophe's first chat message, or the browser's report if it stopped or never sent one. */
    private static Message firstMessage(Inbox<Message> inbox, CompletableFuture<BrowserRun> running) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                return inbox.next(Duration.ofMillis(250));
            } catch (AssertionError nothingYet) {
                if (running.isDone()) {
                    throw new AssertionError("the browser stopped before its first message\n" + running.get().describe());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no message from the browser within " + TIMEOUT + "\n"
                            + running.get(150, TimeUnit.SECONDS).describe());
                }
            }
        }
    }

    private static List<String> split(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : Arrays.asList(joined.split(","));
    }
}
