package boshcm.it;

import static boshcm.it.SmackClients.bodies;
import static boshcm.it.SmackClients.chatFrom;
import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.sendChat;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.SmackClients.Inbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.packet.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The zero-loss test of issue 3 (checklist SM-9, SM-12, SM-14, SM-17): two users, both Smack BOSH
 * clients through boshcm in XEP-0198 managed mode, exchange numbered messages in both directions at a
 * steady rate while the fault proxy between boshcm and the server cuts every upstream connection at
 * least {@link #CUTS} times, alternating a clean close and a TCP reset, at random moments: in the
 * middle of traffic, and often in the middle of a resume (its SASL, restart or {@code <resume/>}),
 * which boshcm retries. boshcm delivers every message exactly once and in order (read by rid from
 * the client's responses: jbosh may hand two responses to Smack in either order, {@link JboshTap}),
 * each application gets each message exactly once, neither BOSH client sees a terminate, and the two
 * BOSH sessions are the ones created at the start. Against Prosody's mod_smacks
 * ({@link ZeroLossProsodyIT}) and ejabberd's mod_stream_mgmt ({@link ZeroLossEjabberdIT}).
 */
@ExtendWith(LiveXmppExtension.class)
abstract class ZeroLossFlows {

    /** Cuts of every open upstream connection (each one reaches both sessions' connections). */
    static final int CUTS = 50;
    /** Each sender's pace: 25 messages a second in each direction. */
    private static final Duration PACE = Duration.ofMillis(40);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final SmackClients clients = new SmackClients();
    private DedicatedCm cm;
    private FaultProxy proxy;

    abstract XmppServer server();

    @AfterEach
    void stop() {
        clients.close();
        if (cm != null) {
            cm.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @Test
    void sm12_zeroLoss_numberedMessagesBothWaysSurviveFiftyUpstreamCuts() throws Exception {
        proxy = FaultProxy.inFrontOf(server());
        cm = DedicatedCm.inFrontOf(server(), proxy, "--sm", "managed", "--sm-reauth", "plain-capture");
        XmppUser alice = server().createUser("zeroa");
        XmppUser bob = server().createUser("zerob");
        XMPPBOSHConnection a = clients.bosh(cm.service(), alice, "PLAIN");
        XMPPBOSHConnection b = clients.bosh(cm.service(), bob, "PLAIN");
        Inbox<Message> aInbox = inbox(a, chatFrom(bob.jid()), Message.class);
        Inbox<Message> bInbox = inbox(b, chatFrom(alice.jid()), Message.class);
        JboshTap aResponses = JboshTap.on(a);
        JboshTap bResponses = JboshTap.on(b);
        proxy.awaitActive(2, TIMEOUT);

        AtomicBoolean stop = new AtomicBoolean();
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        PacedSender ab = new PacedSender("a2b", a, b.getUser(), PACE, stop, failures);
        PacedSender ba = new PacedSender("b2a", b, a.getUser(), PACE, stop, failures);
        ab.start();
        ba.start();

        SplittableRandom random = new SplittableRandom(0x5eedL);
        int cuts = 0;
        while (cuts < CUTS) {
            proxy.awaitActive(2, TIMEOUT);                          // both sessions connected again
            Thread.sleep(random.nextInt(0, 400));                   // traffic, a resume, or both, under way
            proxy.cutAll(cuts % 2 == 0 ? FaultProxy.Cut.RESET : FaultProxy.Cut.CLEAN);
            cuts++;
        }
        stop.set(true);
        ab.join(TIMEOUT.toMillis());
        ba.join(TIMEOUT.toMillis());
        assertThat(failures).as("the senders never saw an error").isEmpty();

        List<String> gotAtB = bodies(bInbox.takeThrough(m -> m.getBody().equals("a2b-end"), TIMEOUT));
        List<String> gotAtA = bodies(aInbox.takeThrough(m -> m.getBody().equals("b2a-end"), TIMEOUT));
        // What boshcm delivered, in rid order: exactly the sent sequence.
        assertThat(bResponses.chatBodies("a2b")).as("alice → bob, by rid: each exactly once, in order").containsExactlyElementsOf(ab.sent);
        assertThat(aResponses.chatBodies("b2a")).as("bob → alice, by rid: each exactly once, in order").containsExactlyElementsOf(ba.sent);
        // What the applications got: each exactly once. Their order is jbosh's (JboshTap).
        assertThat(gotAtB).as("alice → bob at Smack: each exactly once").containsExactlyInAnyOrderElementsOf(ab.sent);
        assertThat(gotAtA).as("bob → alice at Smack: each exactly once").containsExactlyInAnyOrderElementsOf(ba.sent);
        assertThat(ab.sent.size()).as("a steady flow during the cuts").isGreaterThan(100);

        assertThat(a.isConnected() && b.isConnected()).as("neither BOSH client saw a terminate").isTrue();
        assertThat(cm.meter("bosh_sessions_started_total")).as("the same two sessions throughout").isEqualTo(2);
        assertThat(cm.meter("bosh_sessions_ended_total")).isZero();
        assertThat(cm.meter("bosh_sm_resumes_failed_total")).isZero();
        double resumed = cm.meter("bosh_sm_resumes_succeeded_total");
        double connections = cm.meter("bosh_sm_resume_connections_total");
        assertThat(resumed).as("every cut of a live connection was resumed").isGreaterThanOrEqualTo(CUTS);
        System.out.printf("%s zero-loss: %d cuts, %d + %d messages, %.0f resumes over %.0f connections, %d proxy"
                        + " connections, %d + %d messages swapped by jbosh's concurrent response threads%n",
                server().name(), cuts, ab.sent.size() - 1, ba.sent.size() - 1, resumed, connections, proxy.accepted(),
                displaced(gotAtB, ab.sent), displaced(gotAtA, ba.sent));
    }

    /** How many received messages are not where the sent order puts them. */
    static int displaced(List<String> got, List<String> sent) {
        int n = 0;
        for (int i = 0; i < Math.min(got.size(), sent.size()); i++) {
            n += got.get(i).equals(sent.get(i)) ? 0 : 1;
        }
        return n;
    }
}
