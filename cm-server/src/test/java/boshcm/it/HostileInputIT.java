package boshcm.it;

import static boshcm.it.RawBosh.HTTPBIND;
import static boshcm.it.RawBosh.await;
import static boshcm.it.SmackClients.chatFrom;
import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.sendChat;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.RawBosh.RawHttp;
import boshcm.it.RawBosh.Reply;
import boshcm.it.RawBosh.Sent;
import boshcm.it.SmackClients.Inbox;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.Jid;

/**
 * Bad input gets the binding condition the spec names, as a 200 terminate body (or 413), at once,
 * and never affects another session: a Smack BOSH client chats with a Smack TCP peer through the same
 * CM the whole time, and the last test checks that conversation lost nothing. The hostile requests
 * are raw HTTP ({@link RawBosh}); those naming a session name a throw-away raw session.
 * Checklist IDs refer to {@code shared/docs/conformance-checklist.md}.
 */
@ExtendWith(LiveXmppExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {

    /** Every hostile request is answered within this (a bound, not a timing assertion). */
    private static final Duration QUICKLY = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_BODY = 256 * 1024;

    private static ProsodyServer prosody;
    private static DedicatedCm cm;
    private static RawBosh raw;
    private static final SmackClients clients = new SmackClients();
    private static Conversation conversation;

    @BeforeAll
    static void start(ProsodyServer server) throws Exception {
        prosody = server;
        // Many creations per second from 127.0.0.1 here: no per-client creation rate limit (S-7).
        cm = DedicatedCm.inFrontOf(prosody,
                "--limits-new-sessions-per-client-per-second", "0",
                "--session-served-domains", ProsodyServer.DOMAIN,
                "--session-route-allow-list", "xmpp.boshcm.test:5222");
        raw = cm.raw();
        XmppUser alice = prosody.createUser("bystander");
        XmppUser bob = prosody.createUser("bystanderpeer");
        AbstractXMPPConnection bosh = clients.bosh(cm.service(), alice);
        XMPPTCPConnection peer = clients.tcp(prosody, bob);
        conversation = new Conversation(bosh, peer);
        conversation.start();
    }

    @AfterAll
    static void stop() {
        if (conversation != null) conversation.stop();
        clients.close();
        if (cm != null) cm.close();
    }

    // ---------------------------------------------------------------- XML

    /** XEP-0124 §6 (B-6-3): a body that is not well-formed XML gets bad-request. */
    @Test
    void b6_3_notWellFormedBodyGetsBadRequest() throws Exception {
        assertTerminates(post("<body rid='1' xmlns='" + HTTPBIND + "'><message xmlns='jabber:client'>"), "bad-request");
        assertTerminates(post("<body rid='1' to='boshcm.test' xmlns='" + HTTPBIND + "'/><body/>"), "bad-request");
        assertTerminates(post("not xml at all"), "bad-request");
        assertTerminates(post("<body rid='1' to='boshcm.test' xmlns='" + HTTPBIND + "'><!-- x --></body>"),
                "bad-request");
    }

    /**
     * XEP-0124 §6 (B-6-3), RFC 6120 §11.1 (S-2): "billion laughs" in the internal subset is refused
     * as bad-request, and nothing is expanded.
     */
    @Test
    void b6_3_billionLaughsGetsBadRequestWithoutExpansion() throws Exception {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE body [<!ENTITY l0 'ha'>");
        for (int i = 1; i <= 10; i++) {
            dtd.append("<!ENTITY l").append(i).append(" '").append(("&l" + (i - 1) + ";").repeat(10)).append("'>");
        }
        dtd.append("]>");
        String bomb = dtd + "<body rid='1' to='boshcm.test' xmlns='" + HTTPBIND
                + "'><message xmlns='jabber:client' to='x@boshcm.test'><body>&l10;</body></message></body>";

        assertTerminates(post(bomb), "bad-request");
    }

    /** S-2: element depth is limited; a 10 000-deep nesting gets bad-request. */
    @Test
    void s2_tenThousandDeepNestingGetsBadRequest() throws Exception {
        String deep = "<body rid='1' to='boshcm.test' xmlns='" + HTTPBIND + "'>" + "<a>".repeat(10_000)
                + "</a>".repeat(10_000) + "</body>";

        assertTerminates(post(deep), "bad-request");
    }

    /** XEP-0124 §6 (S-3): bytes that are not UTF-8 get bad-request. */
    @Test
    void s3_invalidUtf8GetsBadRequest() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("<body rid='1' to='boshcm.test' xmlns='" + HTTPBIND
                + "'><message xmlns='jabber:client' to='x@boshcm.test'><body>").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE});
        body.writeBytes("</body></message></body>".getBytes(StandardCharsets.UTF_8));

        assertTerminates(raw.postAsync(body.toByteArray()), "bad-request");
    }

    /** S-3: a character XML 1.0 forbids, even as a character reference, gets bad-request. */
    @Test
    void s3_forbiddenCharacterReferenceGetsBadRequest() throws Exception {
        assertTerminates(post("<body rid='1' to='boshcm.test' xmlns='" + HTTPBIND
                + "'><message xmlns='jabber:client' to='x@boshcm.test'><body>a&#1;b</body></message></body>"),
                "bad-request");
    }

    /**
     * XEP-0206 §5 (X-3-3): the CM owns the stream framing; a {@code <stream:stream>} payload gets
     * bad-request and ends the session that sent it.
     */
    @Test
    void x3_3_streamStreamPayloadGetsBadRequestAndEndsThatSession() throws Exception {
        RawBosh.Session victim = raw.open(1, 10);

        Sent sent = victim.send("<stream:stream xmlns:stream='http://etherx.jabber.org/streams' to='boshcm.test'/>");

        assertTerminates(sent.reply(), "bad-request");
        assertTerminates(victim.send("").reply(), "item-not-found");
    }

    /** XEP-0124 §7.1 (B-6-5): a missing rid or one that is not a positive integer gets bad-request. */
    @Test
    void b6_5_missingOrInvalidRidGetsBadRequest() throws Exception {
        assertTerminates(post("<body to='boshcm.test' ver='1.11' xmlns='" + HTTPBIND + "'/>"), "bad-request");
        for (String rid : List.of("0", "-5", "1e3", "abc", "99999999999999999999")) {
            assertTerminates(post("<body rid='" + rid + "' to='boshcm.test' ver='1.11' xmlns='" + HTTPBIND + "'/>"),
                    "bad-request");
        }
    }

    // ---------------------------------------------------------------- size

    /** S-1: a declared Content-Length over the limit gets HTTP 413 before a byte of the body is read. */
    @Test
    void s1_declaredOversizeBodyGets413WithoutBeingRead() throws Exception {
        RawHttp answer = RawBosh.exchange(cm.boshUri(),
                "Content-Type: text/xml; charset=utf-8\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n",
                out -> { /* no body at all: the CM must not wait for it */ });

        assertThat(answer.status()).isEqualTo(413);
    }

    /**
     * S-1: a chunked body that outgrows the limit while streaming gets {@code T(policy-violation)};
     * DECISION: the session it names ends.
     */
    @Test
    void s1_streamedOversizeBodyGetsPolicyViolationAndEndsItsSession() throws Exception {
        RawBosh.Session victim = raw.open(1, 10);
        byte[] head = ("<body rid='" + victim.takeRid() + "' sid='" + victim.sid() + "' xmlns='" + HTTPBIND
                + "'><message xmlns='jabber:client' to='x@boshcm.test'><body>").getBytes(StandardCharsets.UTF_8);
        byte[] filler = "a".repeat(16 * 1024).getBytes(StandardCharsets.US_ASCII);

        RawHttp answer = RawBosh.exchange(cm.boshUri(),
                "Content-Type: text/xml; charset=utf-8\r\nTransfer-Encoding: chunked\r\n", out -> {
                    chunk(out, head);
                    for (int sent = 0; sent <= MAX_BODY * 2; sent += filler.length) {
                        chunk(out, filler);
                    }
                    chunk(out, "</body></message></body>".getBytes(StandardCharsets.UTF_8));
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                });

        assertThat(answer.status()).isEqualTo(200);
        Reply reply = Reply.of(answer.status(), answer.body().getBytes(StandardCharsets.UTF_8));
        assertThat(reply.condition()).as("%s", reply).isEqualTo("policy-violation");
        assertTerminates(victim.send("").reply(), "item-not-found");
    }

    /**
     * S-1: the limit applies after gzip decoding (XEP-0124 §7.1 {@code accept}): a small gzip body
     * that inflates past it gets {@code T(policy-violation)}.
     */
    @Test
    void s1_gzipBombGetsPolicyViolation() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write(("<body rid='1' to='boshcm.test' xmlns='" + HTTPBIND
                    + "'><message xmlns='jabber:client' to='x@boshcm.test'><body>").getBytes(StandardCharsets.UTF_8));
            byte[] filler = new byte[64 * 1024];
            java.util.Arrays.fill(filler, (byte) 'a');
            for (int i = 0; i < 160; i++) gzip.write(filler);            // 10 MiB inflated
        }
        assertThat(zipped.size()).isLessThan(MAX_BODY / 4);

        assertTerminates(raw.postAsync(zipped.toByteArray(), "Content-Encoding", "gzip"), "policy-violation");
    }

    // ---------------------------------------------------------------- sid and rid

    /** XEP-0124 §17.2 (B-17.1-1 DECISION): an unknown sid gets 200 + item-not-found, not HTTP 404. */
    @Test
    void b17_1_1_unknownSidGetsItemNotFound() throws Exception {
        assertTerminates(post("<body rid='1001' sid='no-such-sid-" + ThreadLocalRandom.current().nextLong()
                + "' xmlns='" + HTTPBIND + "'/>"), "item-not-found");
    }

    /**
     * XEP-0124 §14.2 #rids-order (B-14.2-2): a rid beyond the window of another session terminates
     * that session with item-not-found; its held request is answered with a terminate too.
     */
    @Test
    void b14_2_2_ridBeyondWindowOfAnotherSessionEndsThatSessionWithItemNotFound() throws Exception {
        RawBosh.Session victim = raw.open(1, 10);
        Sent held = victim.send("");
        long beyond = victim.nextRid() + 5;

        assertTerminates(victim.sendRid(beyond, "", "").reply(), "item-not-found");
        // other-request if the CM held it when the culprit came (B-17.2-2), item-not-found if it came second.
        Reply heldReply = await(held.reply(), QUICKLY);
        assertThat(heldReply.type()).as("%s", heldReply).isEqualTo("terminate");
        assertThat(heldReply.condition()).as("%s", heldReply).isIn("other-request", "item-not-found");
        assertTerminates(victim.send("").reply(), "item-not-found");
    }

    /** XEP-0124 §17.1 (B-17.1-1): a legacy client (no {@code ver}) gets HTTP 404 for the same thing. */
    @Test
    void b17_1_1_legacySessionGetsHttp404ForRidBeyondWindow() throws Exception {
        long rid = ThreadLocalRandom.current().nextLong(1L << 20, 1L << 40);
        Reply creation = raw.post("<body rid='" + rid + "' to='boshcm.test' wait='10' hold='1' xmlns='" + HTTPBIND + "'/>");
        assertThat(creation.attribute("sid")).as("%s", creation).isPresent();

        Reply reply = await(raw.postAsync("<body rid='" + (rid + 9) + "' sid='" + creation.attribute("sid").get()
                + "' xmlns='" + HTTPBIND + "'/>"), QUICKLY);

        assertThat(reply.status()).as("%s", reply).isEqualTo(404);
    }

    // ---------------------------------------------------------------- addressing

    /** XEP-0124 §7.1 (B-7.1-5): no {@code to}, or an empty one, gets improper-addressing. */
    @Test
    void b7_1_5_missingOrEmptyToGetsImproperAddressing() throws Exception {
        assertTerminates(post("<body rid='1' ver='1.11' wait='10' hold='1' xmlns='" + HTTPBIND + "'/>"),
                "improper-addressing");
        assertTerminates(post("<body rid='1' to='' ver='1.11' wait='10' hold='1' xmlns='" + HTTPBIND + "'/>"),
                "improper-addressing");
    }

    /** XEP-0124 §7.1 (B-7.1-5): a domain this CM does not serve gets host-unknown. */
    @Test
    void b7_1_5_domainNotServedGetsHostUnknown() throws Exception {
        assertTerminates(post("<body rid='1' to='other.test' ver='1.11' wait='10' hold='1' xmlns='" + HTTPBIND + "'/>"),
                "host-unknown");
    }

    /**
     * XEP-0124 §7.1 (B-7.1-6, S-6): with routes honoured, a {@code route} not on the allow-list gets
     * host-unknown; the CM is never an open relay.
     */
    @Test
    void b7_1_6_routeNotAllowListedGetsHostUnknown() throws Exception {
        assertTerminates(post(RawBosh.creation(1, 1, 10, "route='xmpp:127.0.0.1:25'")), "host-unknown");
        assertTerminates(post(RawBosh.creation(1, 1, 10, "route='xmpp:evil.test:5222'")), "host-unknown");
    }

    // ---------------------------------------------------------------- the bystander

    /** None of the above touched the Smack session: its conversation lost nothing and goes on. */
    @Test
    @Order(Integer.MAX_VALUE)
    void hostileInputNeverAffectsAnotherSession() throws Exception {
        int before = conversation.roundTrips.get();
        conversation.awaitRoundTrips(before + 3, TIMEOUT);
        conversation.stop();
        assertThat(conversation.failure.get()).isNull();
        conversation.roundTrip("after all hostile input");
    }

    // ---------------------------------------------------------------- helpers

    private static java.util.concurrent.CompletableFuture<Reply> post(String xml) {
        return raw.postAsync(xml);
    }

    private static void assertTerminates(java.util.concurrent.CompletableFuture<Reply> pending, String condition)
            throws InterruptedException {
        Reply reply = await(pending, QUICKLY);
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        assertThat(reply.isBody()).as("a BOSH body: %s", reply).isTrue();
        assertThat(reply.type()).as("%s", reply).isEqualTo("terminate");
        assertThat(reply.condition()).as("%s", reply).isEqualTo(condition);
    }

    private static void chunk(java.io.OutputStream out, byte[] data) throws java.io.IOException {
        out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(data);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * A Smack BOSH client and a TCP peer chatting in the background: the BOSH client sends
     * {@code bg-n}, the peer echoes it, the client waits for the echo before the next one.
     */
    private static final class Conversation {
        final AbstractXMPPConnection bosh;
        final Inbox<Message> echoes;
        final AtomicInteger roundTrips = new AtomicInteger();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Jid peerJid;
        private Thread thread;

        Conversation(AbstractXMPPConnection bosh, XMPPTCPConnection peer) {
            this.bosh = bosh;
            this.peerJid = peer.getUser();
            this.echoes = inbox(bosh, chatFrom(peer.getUser().asEntityBareJid()), Message.class);
            // Not SmackClients.echoChats: a failed echo is recorded here, where the last test reports it.
            peer.addSyncStanzaListener(stanza -> {
                Message m = (Message) stanza;
                try {
                    sendChat(peer, m.getFrom(), "echo: " + m.getBody());
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                }
            }, chatFrom(bosh.getUser().asEntityBareJid()));
        }

        void start() {
            thread = new Thread(() -> {
                try {
                    for (int i = 0; running.get(); i++) {
                        roundTrip("bg-" + i);
                        roundTrips.incrementAndGet();
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "hostile-it-conversation");
            thread.setDaemon(true);
            thread.start();
        }

        void roundTrip(String body) throws Exception {
            sendChat(bosh, peerJid, body);
            Message echo = echoes.next(TIMEOUT);
            if (!("echo: " + body).equals(echo.getBody())) {
                throw new AssertionError("expected the echo of " + body + ", got " + echo.getBody());
            }
        }

        void awaitRoundTrips(int n, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (roundTrips.get() < n && failure.get() == null) {
                assertThat(System.nanoTime()).as("round trips: %s", roundTrips.get()).isLessThan(deadline);
                Thread.sleep(20);
            }
        }

        void stop() {
            running.set(false);
            if (thread != null) {
                try {
                    thread.join(TIMEOUT.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
