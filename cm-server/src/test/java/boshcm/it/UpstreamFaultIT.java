package boshcm.it;

import static boshcm.it.RawBosh.STREAMS;
import static boshcm.it.RawBosh.await;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.RawBosh.Reply;
import boshcm.it.RawBosh.Sent;
import boshcm.server.upstream.FakeXmppServer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

/**
 * Upstream faults Prosody cannot produce on demand, from a scripted {@link FakeXmppServer} on
 * loopback (cleartext: {@code --upstream-tls disabled}), seen by a raw BOSH client through a
 * {@link DedicatedCm}: a stream error after a stanza, a TCP reset, restricted XML, and a client that
 * goes silent with stanzas waiting. Checklist IDs refer to {@code shared/docs/conformance-checklist.md}.
 */
class UpstreamFaultIT {

    private static final String STREAM_ERRORS = "urn:ietf:params:xml:ns:xmpp-streams";
    private static final String STANZA_TO = "u@boshcm.test/raw";
    private static final String PEER = "p@boshcm.test/x";

    private FakeXmppServer upstream;
    private DedicatedCm cm;

    @BeforeEach
    void startFakeServer() throws Exception {
        upstream = new FakeXmppServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (cm != null) cm.close();
        upstream.close();
    }

    /**
     * XEP-0206 §6 (X-6-1): with a request held, a stanza and then {@code <stream:error>} arriving
     * together (one TCP read) are answered on that request as one {@code T(remote-stream-error)}
     * holding the stanza and then the stream error, not as a stanza-only response with the error left
     * for a request the client may never send.
     */
    @Test
    void x6_1_stanzaAndStreamErrorInOneReadGiveTheHeldRequestOneTerminateWithBoth() throws Exception {
        cm = startCm();
        Upstreamed session = openSession(20);
        Sent held = session.client.send("");
        cm.awaitHeld(1);

        session.server.send("<message from='" + PEER + "' to='" + STANZA_TO + "' type='chat' id='m1'><body>x</body></message>"
                + "<stream:error><policy-violation xmlns='" + STREAM_ERRORS + "'/><text xmlns='" + STREAM_ERRORS
                + "'>bye</text></stream:error></stream:stream>");

        Reply reply = await(held.reply());
        assertThat(reply.condition()).as("%s", reply).isEqualTo("remote-stream-error");
        assertThat(reply.payloads()).extracting(Element::getLocalName).as("%s", reply).containsExactly("message", "error");
        assertThat(RawBosh.children(reply.payloads().get(1))).extracting(Element::getLocalName)
                .containsExactly("policy-violation", "text");
    }

    /**
     * XEP-0124 §8 (B-8-5) and XEP-0206 §2 (X-2-1): stanzas the server sends together (one TCP read)
     * go to the browser together, on the held request, instead of one per round trip.
     */
    @Test
    void b8_5_stanzasArrivingInOneReadShareTheHeldRequestsResponse() throws Exception {
        cm = startCm();
        Upstreamed session = openSession(20);
        Sent held = session.client.send("");
        cm.awaitHeld(1);

        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            burst.append("<message from='" + PEER + "' to='" + STANZA_TO + "' type='chat'><body>b" + i + "</body></message>");
        }
        session.server.send(burst.toString());

        Reply reply = await(held.reply());
        assertThat(reply.chatBodies()).as("%s", reply).containsExactly("b0", "b1", "b2", "b3", "b4");
    }

    /**
     * XEP-0206 §6 (X-6-1) and XEP-0124 §17.2 (B-17.2-1): a stanza and then {@code <stream:error>}
     * arriving while no request is open reach the client on its next request as
     * {@code T(remote-stream-error)} holding the stanza, then a full copy of the stream error with
     * {@code xmlns:stream} declared, never mapped to the look-alike binding condition host-unknown.
     */
    @Test
    void x6_1_b17_2_1_streamErrorWhileNoRequestIsOpenGivesNextRequestTheStanzaThenTheError() throws Exception {
        cm = startCm();
        Upstreamed session = openSession(10);

        session.server.send("<message from='" + PEER + "' to='" + STANZA_TO + "' type='chat' id='m1'><body>x</body></message>"
                + "<stream:error><host-unknown xmlns='" + STREAM_ERRORS + "'/><text xmlns='" + STREAM_ERRORS
                + "'>bye</text></stream:error></stream:stream>");
        assertThat(session.server.readUntil("</stream:stream>"))
                .as("the CM closes its side once it has the error").isNotNull();
        Reply reply = session.client.roundTrip("");

        assertThat(reply.type()).as("%s", reply).isEqualTo("terminate");
        assertThat(reply.condition()).as("%s", reply).isEqualTo("remote-stream-error");
        assertThat(reply.text()).contains("xmlns:stream=");
        List<Element> payloads = reply.payloads();
        assertThat(payloads).extracting(Element::getLocalName).as("%s", reply).containsExactly("message", "error");
        assertThat(payloads.get(0).getNamespaceURI()).isEqualTo(RawBosh.CLIENT);
        assertThat(payloads.get(0).getAttribute("id")).isEqualTo("m1");
        Element error = payloads.get(1);
        assertThat(error.getNamespaceURI()).isEqualTo(STREAMS);
        assertThat(RawBosh.children(error)).extracting(Element::getLocalName).containsExactly("host-unknown", "text");
        assertThat(RawBosh.children(error)).extracting(Element::getNamespaceURI).containsOnly(STREAM_ERRORS);
        assertThat(RawBosh.children(error).get(1).getTextContent()).isEqualTo("bye");
    }

    /** U-10: the server's TCP reset, with no stream error, gives the held request {@code T(remote-connection-failed)}. */
    @Test
    void u10_upstreamResetGivesRemoteConnectionFailed() throws Exception {
        cm = startCm();
        Upstreamed session = openSession(20);
        Sent held = session.client.send("");
        cm.awaitHeld(1);

        session.server.reset();

        Reply reply = await(held.reply());
        assertThat(reply.type()).as("%s", reply).isEqualTo("terminate");
        assertThat(reply.condition()).as("%s", reply).isEqualTo("remote-connection-failed");
    }

    /**
     * RFC 6120 §11.1 (U-14): a DOCTYPE from the server is restricted XML: the CM answers
     * {@code <stream:error><restricted-xml/>}, closes, and the client gets
     * {@code T(remote-connection-failed)}.
     */
    @Test
    void u14_upstreamDoctypeGetsRestrictedXmlAndClientGetsRemoteConnectionFailed() throws Exception {
        cm = startCm();
        Upstreamed session = openSession(20);
        Sent held = session.client.send("");
        cm.awaitHeld(1);

        session.server.send("<!DOCTYPE x>");

        String answer = session.server.readUntil("</stream:stream>");
        assertThat(answer).contains("<stream:error>").contains("<restricted-xml xmlns='" + STREAM_ERRORS + "'/>");
        assertThat(answer.indexOf("restricted-xml")).isLessThan(answer.indexOf("</stream:stream>"));
        Reply reply = await(held.reply());
        assertThat(reply.condition()).as("%s", reply).isEqualTo("remote-connection-failed");
    }

    /**
     * XEP-0206 §7 (X-7-1) and XEP-0124 §10 (B-10-1): stanzas buffered for a client that went silent are
     * bounced when inactivity ends the session (message: recipient-unavailable; iq get:
     * service-unavailable; nothing for presence or for an error message), then the stream is closed.
     * The sid is gone afterwards.
     */
    @Test
    void x7_1_b10_1_silentClientsBufferedStanzasAreBouncedThenStreamCloses() throws Exception {
        cm = startCm("--session-inactivity", "2s");
        Upstreamed session = openSession(1);                      // the creation reply carried the features

        session.server.send("<message from='" + PEER + "' to='" + STANZA_TO + "' type='chat' id='q1'><body>q</body></message>"
                + "<iq from='" + PEER + "' to='" + STANZA_TO + "' type='get' id='i1'><query xmlns='jabber:iq:version'/></iq>"
                + "<presence from='" + PEER + "' to='" + STANZA_TO + "'/>"
                + "<message from='" + PEER + "' to='" + STANZA_TO + "' type='error' id='e1'><error type='cancel'>"
                + "<item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");

        String sent = session.server.readUntil("</stream:stream>");
        List<String> bounces = elements(sent.substring(0, sent.indexOf("</stream:stream>")));
        assertThat(bounces).as("what the CM sent before closing: %s", sent).hasSize(2);
        assertThat(bounces.get(0)).startsWith("<message").contains("type='error'").contains("to='" + PEER + "'")
                .contains("id='q1'").contains("<recipient-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>");
        assertThat(bounces.get(1)).startsWith("<iq").contains("type='error'").contains("to='" + PEER + "'")
                .contains("id='i1'").contains("<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>");
        Reply after = session.client.roundTrip("");
        assertThat(after.condition()).as("%s", after).isEqualTo("item-not-found");
    }

    /**
     * Checklist U-15, S-10: a browser that does not poll while its server floods. Past
     * {@code session.pause-reading-bytes} the CM stops reading the server's connection, so TCP flow
     * control stops the server: it cannot write its 32 MB, although the session holds at most
     * {@code session.max-buffered-bytes} (512 KiB) for the browser and is never cut. Once the browser
     * polls, reading resumes and every message arrives, once, in order.
     */
    @Test
    void u15_s10_aSlowBrowserStopsTheCmReadingTheServerAndNothingIsLost() throws Exception {
        cm = startCm("--session-max-buffered-bytes", "512k", "--session-pause-reading-bytes", "64k",
                "--session-inactivity", "60s");
        Upstreamed session = openSession(10);
        int messages = 32_000;
        String filler = "x".repeat(900);
        AtomicLong written = new AtomicLong();
        AtomicReference<Throwable> writeFailure = new AtomicReference<>();
        Thread flood = new Thread(() -> {
            try {
                for (int i = 0; i < messages; i += 100) {
                    StringBuilder batch = new StringBuilder();
                    for (int j = i; j < i + 100; j++) {
                        batch.append("<message from='" + PEER + "' to='" + STANZA_TO + "' type='chat' id='f" + j + "'><body>f" + j
                                + " " + filler + "</body></message>");
                    }
                    session.server.send(batch.toString());
                    written.addAndGet(batch.length());
                }
            } catch (Throwable t) {
                writeFailure.set(t);
            }
        }, "flooding-server");
        flood.setDaemon(true);
        flood.start();

        cm.awaitMeter("bosh_upstream_reading_paused", v -> v == 1, java.time.Duration.ofSeconds(30));
        long stalledAt = awaitStall(written);
        System.err.println("[u15] the server wrote " + stalledAt + " of ~" + (long) messages * (filler.length() + 90)
                + " bytes before TCP stopped it");
        assertThat(stalledAt).as("the server is held up by TCP, not buffered for").isLessThan((long) messages * filler.length());
        assertThat(cm.meter("bosh_limit_hits_total", "kind", "buffered-bytes")).isZero();
        assertThat(cm.meter("bosh_sessions_ended_total")).isZero();
        assertThat(cm.meter("bosh_upstream_read_pauses_total")).isEqualTo(1.0);

        List<String> received = new ArrayList<>();
        while (received.size() < messages) {
            Reply reply = session.client.roundTrip("");
            assertThat(reply.isTerminal()).as("%s", reply.condition()).isFalse();
            for (String body : reply.chatBodies()) {
                received.add(body.substring(0, body.indexOf(' ')));
            }
        }
        flood.join(30_000);
        assertThat(writeFailure.get()).isNull();
        assertThat(received).hasSize(messages);
        for (int i = 0; i < messages; i++) {
            assertThat(received.get(i)).isEqualTo("f" + i);
        }
        cm.awaitMeter("bosh_upstream_reading_paused", v -> v == 0, java.time.Duration.ofSeconds(10));
        assertThat(cm.meter("bosh_limit_hits_total", "kind", "buffered-bytes")).isZero();
    }

    /**
     * RFC 6120 §13.12, checklist U-15: a server stanza far over the CM's 1 MiB limit (5 MB here) is cut
     * while it still arrives, never buffered whole: the server gets a policy-violation stream error, the
     * browser's held request remote-connection-failed.
     */
    @Test
    void u15_aServerStanzaOverTheLimitIsCutWhileArriving() throws Exception {
        cm = startCm();
        Upstreamed session = openSession(20);
        Sent held = session.client.send("");
        cm.awaitHeld(1);
        Thread big = new Thread(() -> {
            try {
                session.server.send("<message from='" + PEER + "' to='" + STANZA_TO + "' type='chat' id='big'><body>");
                String megabyte = "y".repeat(1 << 20);
                for (int i = 0; i < 5; i++) {
                    session.server.send(megabyte);
                }
            } catch (java.io.IOException expected) {
                // the CM closed the connection under the rest of it
            }
        }, "oversized-stanza");
        big.setDaemon(true);
        big.start();

        Reply reply = await(held.reply());
        assertThat(reply.condition()).as("%s", reply).isEqualTo("remote-connection-failed");
        assertThat(reply.payloads()).isEmpty();
        assertThat(session.server.readUntil("</stream:stream>")).contains("<policy-violation xmlns='" + STREAM_ERRORS + "'/>");
        assertThat(cm.meter("bosh_upstream_failures_total", "reason", "protocol")).isEqualTo(1.0);
    }

    /** Waits until {@code written} stops growing (sampled every 200 ms, unchanged for a second); returns it. */
    private static long awaitStall(AtomicLong written) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        long last = -1;
        int unchanged = 0;
        while (unchanged < 5) {
            assertThat(System.nanoTime()).as("the server never stopped writing").isLessThan(deadline);
            Thread.sleep(200);
            long now = written.get();
            unchanged = now == last ? unchanged + 1 : 0;
            last = now;
        }
        return last;
    }

    // ---------------------------------------------------------------- helpers

    private DedicatedCm startCm(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--http-port", "0", "--bind", ProsodyServer.HOST,
                "--upstream", "127.0.0.1:" + upstream.port(), "--upstream-tls", "disabled"));
        args.addAll(List.of(extra));
        return DedicatedCm.withArgs(args);
    }

    /** A BOSH session and the fake server's side of its stream. */
    private record Upstreamed(RawBosh.Session client, FakeXmppServer.Peer server) {}

    /**
     * Creates a session (hold=1, {@code wait}), plays the server up to stream features with bind, and
     * returns once the creation reply (carrying those features) is in: no request is open then.
     */
    private Upstreamed openSession(int wait) throws Exception {
        CompletableFuture<RawBosh.Session> creating = cm.raw().openAsync(1, wait, "");
        FakeXmppServer.Peer server = upstream.accept();
        server.readStreamHeader();
        server.send(FakeXmppServer.header("s1") + FakeXmppServer.featuresBind());
        RawBosh.Session client = await(creating);
        assertThat(client.creation().payloads()).extracting(Element::getLocalName).as("%s", client.creation())
                .containsExactly("features");
        return new Upstreamed(client, server);
    }

    private static final Pattern TOP_LEVEL = Pattern.compile("<(message|iq|presence)\\b.*?</\\1>|<(message|iq|presence)\\b[^>]*/>",
            Pattern.DOTALL);

    /** Top-level stanzas in what the CM wrote (its stanzas are never nested in one another). */
    private static List<String> elements(String xml) {
        List<String> out = new ArrayList<>();
        Matcher m = TOP_LEVEL.matcher(xml);
        while (m.find()) out.add(m.group());
        return out;
    }
}
