package boshcm.it;

import static boshcm.it.SmackClients.sendChat;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.impl.JidCreate;
import org.w3c.dom.Element;

/**
 * XEP-0198 in pass-through mode (issue 3 part 1; checklist SM-11 mode A), against a real server's
 * stream management ({@link StreamManagementPassThroughIT}: Prosody's mod_smacks,
 * {@link EjabberdStreamManagementPassThroughIT}: ejabberd's mod_stream_mgmt): a browser that enabled
 * stream management with resumption over BOSH and then went away (its BOSH session dies of
 * inactivity) resumes its XMPP session through a new BOSH session and gets what was sent meanwhile.
 * This works only because boshcm drops the upstream connection without a closing stream tag when
 * such a session ends: a graceful close would have ended the server's session.
 *
 * <p>Both servers accept {@code h='0'} (the client handled nothing after {@code <enable/>}) and
 * retransmit the queued messages with a {@code <delay/>}; Prosody sends {@code <resumed/>} and the
 * messages in one reply, ejabberd spreads them over several, so the test reads replies until it
 * has the outcome and all three bodies.
 */
@ExtendWith(LiveXmppExtension.class)
abstract class StreamManagementPassThroughFlows {

    private static final String SM = "urn:xmpp:sm:3";
    private static final Duration STEP = Duration.ofSeconds(20);

    private final SmackClients clients = new SmackClients();
    private DedicatedCm cm;

    /** The XMPP server behind boshcm; the TCP peer connects to it directly. */
    abstract XmppServer server();

    @AfterEach
    void stop() {
        clients.close();
        if (cm != null) {
            cm.close();
        }
    }

    @Test
    void sm11_clientResumesItsServerSessionThroughANewBoshSessionAfterInactivity() throws Exception {
        cm = DedicatedCm.inFrontOf(server(), "--session-inactivity", "2s");
        XmppUser alice = server().createUser("smpass");
        XmppUser bob = server().createUser("smpasspeer");

        RawBosh.Session first = cm.raw().open(1, 2);
        String aliceFull = first.login(alice);
        Element enabled = first.poll(p -> RawBosh.is(p, SM, "enabled") || RawBosh.is(p, SM, "failed"),
                "<enable xmlns='urn:xmpp:sm:3' resume='true'/>", STEP);
        assertThat(enabled.getLocalName()).as("the client's enable went through untouched").isEqualTo("enabled");
        assertThat(enabled.getAttribute("resume")).as("%s granted resumption", server().name()).isIn("true", "1");
        String smId = enabled.getAttribute("id");

        // The browser goes away: no more requests. boshcm ends the BOSH session after inactivity.
        cm.awaitMeter("bosh_sessions_ended_total", n -> n >= 1, Duration.ofSeconds(30), "cause", "inactivity");

        XMPPTCPConnection peer = clients.tcp(server(), bob);
        for (int i = 1; i <= 3; i++) {
            sendChat(peer, JidCreate.from(aliceFull), "while-away-" + i);
        }

        // The page comes back: a new BOSH session, authenticate again, and resume instead of binding.
        RawBosh.Session second = cm.raw().open(1, 2);
        second.authenticate(alice);
        List<String> got = new ArrayList<>();
        List<RawBosh.Reply> seen = new ArrayList<>();
        String outcome = null;
        String payloads = "<resume xmlns='urn:xmpp:sm:3' previd='" + smId + "' h='0'/>";
        long deadline = System.nanoTime() + STEP.toNanos();
        while ((outcome == null || got.size() < 3) && System.nanoTime() < deadline) {
            RawBosh.Reply reply = second.roundTrip(payloads);
            payloads = "";
            seen.add(reply);
            assertThat(reply.isTerminal()).as("reply %s after %s", reply, seen).isFalse();
            for (Element p : reply.payloads()) {
                if (RawBosh.is(p, SM, "resumed") || RawBosh.is(p, SM, "failed")) {
                    outcome = p.getLocalName();
                } else if (RawBosh.is(p, RawBosh.CLIENT, "message")) {
                    got.addAll(RawBosh.chatBodies(List.of(p)));
                }
            }
        }
        assertThat(outcome).as("the server kept the session: boshcm left it resumable; replies %s", seen).isEqualTo("resumed");
        assertThat(got).as("what was sent while the browser was away; replies %s", seen).containsExactly("while-away-1", "while-away-2", "while-away-3");
    }
}
