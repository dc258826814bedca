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
 * The hostile suite (issue 6): bad input gets the answer docs/security.md documents (the binding
 * condition the spec names as a 200 terminate body, or 413, 431, a closed connection), at once, and
 * never affects another session: a Smack BOSH client chats with a Smack TCP peer through the same CM
 * the whole time, and the last test checks that conversation lost nothing. The hostile requests are
 * raw HTTP ({@link RawBosh}, or a socket); those naming a session name a throw-away raw session.
 *
 * <p>The CM believes {@code X-Forwarded-For} from 127.0.0.1, and the raw client gives each request a
 * made-up client address, so that the per-address limits the node enforces (3 sessions, 5 new ones a
 * second) meet only the tests that aim at them. The bystander has no such header: it is 127.0.0.1.
 * Checklist IDs refer to {@code shared/docs/conformance-checklist.md}.
 */
@ExtendWith(LiveXmppExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIT {

    /** Every hostile request is answered within this (a bound, not a timing assertion). */
    private static final Duration QUICKLY = Duration.ofSeconds(10);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_BODY = 256 * 1024;
    private static final int PER_CLIENT = 3;
    private static final int PER_CLIENT_RATE = 5;
    private static final int PER_ORIGIN_RATE = 5;

    private static ProsodyServer prosody;
    private static DedicatedCm cm;
    private static RawBosh raw;
    private static final SmackClients clients = new SmackClients();
    private static Conversation conversation;

    @BeforeAll
    static void start(ProsodyServer server) throws Exception {
        prosody = server;
        cm = DedicatedCm.inFrontOf(prosody,
                "--http-trusted-proxies", "127.0.0.1",
                "--limits-max-sessions-per-client", String.valueOf(PER_CLIENT),
                "--limits-new-sessions-per-client-per-second", String.valueOf(PER_CLIENT_RATE),
                "--limits-new-sessions-per-origin-per-second", String.valueOf(PER_ORIGIN_RATE),
                "--http-request-timeout", "2s",
                "--session-served-domains", ProsodyServer.DOMAIN,
                "--session-route-allow-list", "xmpp.boshcm.test:5222");
        raw = cm.raw().withHeader("X-Forwarded-For", HostileInputIT::someClient);
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

    // ---------------------------------------------------------------- issue 6: the hostile suite

    /** S-1: a 10 MB body with its length declared gets 413; the CM answers before reading it. */
    @Test
    void s1_tenMegabyteBodyGets413() throws Exception {
        byte[] megabyte = new byte[1 << 20];
        java.util.Arrays.fill(megabyte, (byte) 'a');
        RawHttp answer = RawBosh.exchange(cm.boshUri(),
                "Content-Type: text/xml; charset=utf-8\r\nContent-Length: " + (10L << 20) + "\r\n", out -> {
                    for (int i = 0; i < 10; i++) out.write(megabyte);
                });

        assertThat(answer.status()).isEqualTo(413);
    }

    /** S-1: 10 MB sent chunked (no length to refuse it on) is cut at the limit: policy-violation. */
    @Test
    void s1_tenMegabyteChunkedBodyGetsPolicyViolation() throws Exception {
        byte[] chunk = "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
        RawHttp answer = RawBosh.exchange(cm.boshUri(),
                "Content-Type: text/xml; charset=utf-8\r\nTransfer-Encoding: chunked\r\n", out -> {
                    chunk(out, ("<body rid='1' to='boshcm.test' xmlns='" + HTTPBIND + "'><message xmlns='jabber:client'><body>")
                            .getBytes(StandardCharsets.UTF_8));
                    for (int i = 0; i < 160; i++) chunk(out, chunk);
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                });

        Reply reply = Reply.of(answer.status(), answer.body().getBytes(StandardCharsets.UTF_8));
        assertThat(reply.condition()).as("%s", reply).isEqualTo("policy-violation");
    }

    /**
     * S-2, RFC 6120 §11.1: external entities (XXE) to {@code file:///etc/passwd}, as a general and as a
     * parameter entity, get bad-request; nothing is fetched and nothing of the file comes back.
     */
    @Test
    void s2_externalEntitiesGetBadRequestAndNothingIsRead() throws Exception {
        String general = "<?xml version='1.0'?><!DOCTYPE body [<!ENTITY xxe SYSTEM 'file:///etc/passwd'>]>"
                + "<body rid='1' to='boshcm.test' xmlns='" + HTTPBIND + "'><message xmlns='jabber:client' to='x@boshcm.test'>"
                + "<body>&xxe;</body></message></body>";
        String parameter = "<!DOCTYPE body [<!ENTITY % p SYSTEM 'file:///etc/passwd'> %p;]>"
                + "<body rid='1' to='boshcm.test' xmlns='" + HTTPBIND + "'/>";
        for (String xxe : List.of(general, parameter)) {
            Reply reply = await(post(xxe), QUICKLY);
            assertThat(reply.condition()).as("%s", reply).isEqualTo("bad-request");
            assertThat(reply.text()).doesNotContain("root:");
        }
    }

    /**
     * XEP-0124 §14.1 (B-14.1-1, B-6-5): rids are 1 … 2^53 − 1. 2^53, 2^53 + 1 and beyond get bad-request,
     * at creation and on a live session (which it ends, like any rejected body naming a session).
     */
    @Test
    void b14_1_1_ridOfTwoToThe53PlusOneGetsBadRequest() throws Exception {
        for (String rid : List.of("9007199254740992", "9007199254740993", "18446744073709551617")) {
            assertTerminates(post(RawBosh.creation(1, 1, 10, "").replace("rid='1'", "rid='" + rid + "'")), "bad-request");
        }
        RawBosh.Session victim = raw.open(1, 10);
        assertTerminates(victim.sendRid(9007199254740993L, "", "").reply(), "bad-request");
        assertTerminates(victim.send("").reply(), "item-not-found");
    }

    /**
     * S-7: thousands of session creations from one address. {@code limits.max-sessions-per-client}
     * (3 here) open, then every other gets policy-violation, without an upstream connection: first for
     * the concurrent sessions, then, the address's tokens spent, for its creation rate.
     */
    @Test
    void s7_thousandsOfSessionsFromOneAddressGetPolicyViolation() throws Exception {
        RawBosh one = cm.raw().withHeader("X-Forwarded-For", () -> "203.0.113.66");
        double connectsBefore = cm.meter("bosh_upstream_connects_started_total");
        double perClientBefore = cm.meter("bosh_sessions_refused_total", "reason", "max-sessions-per-client");
        double rateBefore = cm.meter("bosh_sessions_refused_total", "reason", "creation-rate");
        List<Reply> opened = new java.util.ArrayList<>();
        int refused = 0;
        for (int batch = 0; batch < 100; batch++) {
            List<java.util.concurrent.CompletableFuture<Reply>> replies = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                replies.add(one.postAsync(RawBosh.creation(1000, 1, 10, "")));
            }
            for (java.util.concurrent.CompletableFuture<Reply> r : replies) {
                Reply reply = await(r, TIMEOUT);
                if (reply.isTerminal()) {
                    assertThat(reply.condition()).as("%s", reply).isEqualTo("policy-violation");
                    refused++;
                } else {
                    opened.add(reply);
                }
            }
        }

        assertThat(opened).hasSize(PER_CLIENT);
        assertThat(refused).isEqualTo(2000 - PER_CLIENT);
        double perClient = cm.meter("bosh_sessions_refused_total", "reason", "max-sessions-per-client") - perClientBefore;
        double rate = cm.meter("bosh_sessions_refused_total", "reason", "creation-rate") - rateBefore;
        assertThat(perClient).as("refused for the open sessions").isPositive();
        assertThat(rate).as("refused for the rate").isPositive();
        assertThat(perClient + rate).isEqualTo(refused);
        assertThat(cm.meter("bosh_upstream_connects_started_total") - connectsBefore)
                .as("refused creations open no connection").isEqualTo(PER_CLIENT);
        terminate(one, opened, 1001);
    }

    /**
     * S-7: a page on one origin making its visitors' browsers (many addresses) open sessions is held to
     * {@code limits.new-sessions-per-origin-per-second} (5 here): the rest get policy-violation.
     */
    @Test
    void s7_creationsFromOneOriginAreRateLimitedAcrossAddresses() throws Exception {
        RawBosh page = raw.withHeader("Origin", () -> "https://evil.example");
        double before = cm.meter("bosh_sessions_refused_total", "reason", "origin-creation-rate");
        List<java.util.concurrent.CompletableFuture<Reply>> replies = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            replies.add(page.postAsync(RawBosh.creation(1, 1, 10, "")));
        }
        int refused = 0;
        List<Reply> opened = new java.util.ArrayList<>();
        for (java.util.concurrent.CompletableFuture<Reply> r : replies) {
            Reply reply = await(r, TIMEOUT);
            if (reply.isTerminal()) {
                assertThat(reply.condition()).as("%s", reply).isEqualTo("policy-violation");
                refused++;
            } else {
                opened.add(reply);
            }
        }
        terminate(raw, opened, 2);
        assertThat(refused).as("at most the burst and a second's refill got through").isGreaterThanOrEqualTo(30 - 2 * PER_ORIGIN_RATE);
        assertThat(cm.meter("bosh_sessions_refused_total", "reason", "origin-creation-rate") - before).isEqualTo(refused);
    }

    /** S-7 (slowloris): request headers trickled a byte at a time are cut at {@code http.request-timeout} (2 s here). */
    @Test
    void s7_slowlorisHeadersAreCutAtTheRequestTimeout() throws Exception {
        double before = cm.meter("bosh_limit_hits_total", "kind", "request-timeout");
        String head = "POST " + cm.boshUri().getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "X-Slow: " + "a".repeat(2000);

        int sent = trickle(head.getBytes(StandardCharsets.US_ASCII), 0);

        assertThat(sent).as("bytes the CM took before closing").isLessThan(head.length());
        assertThat(cm.meter("bosh_limit_hits_total", "kind", "request-timeout") - before).isGreaterThanOrEqualTo(1);
    }

    /** S-7 (slow body): headers at once, then a body trickled: cut at the request timeout too. */
    @Test
    void s7_slowBodyIsCutAtTheRequestTimeout() throws Exception {
        double before = cm.meter("bosh_limit_hits_total", "kind", "request-timeout");
        String body = "<body rid='1' to='boshcm.test' xmlns='" + HTTPBIND + "'>" + " ".repeat(2000) + "</body>";
        String head = "POST " + cm.boshUri().getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n";

        int sent = trickle((head + body).getBytes(StandardCharsets.US_ASCII), head.length());

        assertThat(sent).isLessThan(head.length() + body.length());
        assertThat(cm.meter("bosh_limit_hits_total", "kind", "request-timeout") - before).isGreaterThanOrEqualTo(1);
    }

    /** S-7: a request head over {@code http.max-header-bytes} (8 KiB) gets 431, counted. */
    @Test
    void s7_oversizedHeadersGet431() throws Exception {
        double before = cm.meter("bosh_limit_hits_total", "kind", "header-size");
        RawHttp answer = RawBosh.exchange(cm.boshUri(), "Content-Type: text/xml\r\nX-Big: " + "a".repeat(16 * 1024)
                + "\r\nContent-Length: 0\r\n", out -> { });

        assertThat(answer.status()).isEqualTo(431);
        assertThat(cm.meter("bosh_limit_hits_total", "kind", "header-size") - before).isEqualTo(1);
    }

    /**
     * S-4, S-5 (docs/security.md): someone who learnt a session's sid (a log line, a shoulder) but not its
     * rid sequence reads nothing. A guessed rid is outside the window (2^53 possible values, a window of
     * {@code requests}): the answer is item-not-found with no payload, and the session ends (its stanzas
     * bounce to their senders), so a leaked sid costs the user the session, never its traffic.
     */
    @Test
    void s4_aSidWithoutTheRidSequenceReadsNothing() throws Exception {
        XmppUser victimUser = prosody.createUser("victim");
        XmppUser senderUser = prosody.createUser("victimpeer");
        RawBosh.Session victim = raw.open(1, 10);
        victim.login(victimUser);
        XMPPTCPConnection sender = clients.tcp(prosody, senderUser);
        Inbox<Message> bounces = inbox(sender, stanza -> stanza instanceof Message m && m.getType() == Message.Type.error,
                Message.class);
        Message secret = sender.getStanzaFactory().buildMessageStanza().to(org.jxmpp.jid.impl.JidCreate.from(victim.jid()))
                .ofType(Message.Type.chat).setBody("secret for the victim only").build();
        sender.sendStanza(secret);
        Thread.sleep(1000);                          // the message reaches the CM's buffer for the victim (no request is held)

        RawBosh attacker = cm.raw().withHeader("X-Forwarded-For", () -> "192.0.2.66");
        long guess = ThreadLocalRandom.current().nextLong(1, 1L << 53);
        Reply stolen = await(attacker.postAsync(victim.body(guess, "", "")), QUICKLY);

        assertThat(stolen.condition()).as("%s", stolen).isEqualTo("item-not-found");
        assertThat(stolen.payloads()).isEmpty();
        assertThat(stolen.text()).doesNotContain("secret");
        assertThat(bounces.next(TIMEOUT).getStanzaId()).as("the message went back to its sender (X-7-1), never to the attacker")
                .isEqualTo(secret.getStanzaId());
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

    /** Ends the sessions whose creation replies are {@code created} (their next rid is {@code rid}). */
    private static void terminate(RawBosh via, List<Reply> created, long rid) throws InterruptedException {
        for (Reply c : created) {
            await(via.postAsync("<body rid='" + rid + "' sid='" + c.attribute("sid").orElseThrow() + "' type='terminate' xmlns='"
                    + HTTPBIND + "'/>"), TIMEOUT);
        }
    }

    /** A client address for one request, from the benchmarking range (RFC 2544): clear of every per-address limit. */
    private static String someClient() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "198.18." + r.nextInt(256) + "." + r.nextInt(1, 255);
    }

    /**
     * Writes {@code bytes} on a fresh socket: the first {@code atOnce} at once, the rest one byte every
     * 20 ms, until done or the CM closes the connection. Returns how many bytes were written.
     */
    private static int trickle(byte[] bytes, int atOnce) throws Exception {
        try (java.net.Socket socket = new java.net.Socket(cm.boshUri().getHost(), cm.boshUri().getPort())) {
            java.io.OutputStream out = socket.getOutputStream();
            java.io.InputStream in = socket.getInputStream();
            out.write(bytes, 0, atOnce);
            out.flush();
            for (int i = atOnce; i < bytes.length; i++) {
                try {
                    out.write(bytes[i]);
                    out.flush();
                } catch (java.io.IOException closed) {
                    return i;
                }
                Thread.sleep(20);
                socket.setSoTimeout(1);
                try {
                    if (in.read() < 0) return i + 1;
                } catch (java.net.SocketTimeoutException stillOpen) {
                    // nothing yet
                } catch (java.io.IOException reset) {
                    return i + 1;
                }
            }
            return bytes.length;
        }
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
