package boshcm.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.BodyLimits;
import boshcm.protocol.body.BodyParser;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.ParseOutcome;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.session.CloseMode;
import boshcm.protocol.session.ExchangeId;
import boshcm.protocol.session.SessionPolicy;
import boshcm.protocol.session.UpstreamTarget;
import boshcm.protocol.xmpp.FeatureSet;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import boshcm.server.http.Exchange;
import boshcm.server.logging.LogCapture;
import boshcm.server.upstream.UpstreamConnection;
import boshcm.server.upstream.UpstreamConnector;
import boshcm.server.upstream.UpstreamListener;
import ch.qos.logback.classic.Level;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The registry and driver over a real event loop, with an in-memory upstream and recording exchanges. */
class SessionRegistryTest {

    private static final AtomicLong IDS = new AtomicLong();
    private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1);
    private final FakeConnector connector = new FakeConnector();
    private final BodyParser parser = new BodyParser(BodyLimits.defaults());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void tearDown() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private SessionRegistry registry(SessionRegistry.Limits limits) {
        return new SessionRegistry(SessionPolicy.defaults(), loops, connector, new SidGenerator("t1"), limits,
                meters, System::nanoTime);
    }

    private ClientBody body(String xml) {
        return ((ParseOutcome.Parsed) parser.parse(xml.getBytes(StandardCharsets.UTF_8))).body();
    }

    private static String create() {
        return "<body rid='100' to='example.com' ver='1.11' wait='30' hold='1' xmlns='http://jabber.org/protocol/httpbind'/>";
    }

    @Test
    void creationOpensUpstreamOnTheSessionLoopAndAnswersWithTheFeatures() throws Exception {
        SessionRegistry r = registry(new SessionRegistry.Limits(0, 0, 0));
        FakeExchange x = new FakeExchange("10.0.0.1", false);
        r.request(body(create()), x);
        FakeConnection up = connector.opened.poll(5);
        assertThat(up.target.domain()).isEqualTo("example.com");
        up.emit(new StreamEvent.Opened(new StreamHeader(Optional.empty(), Optional.of("example.com"), Optional.of("id1"),
                Optional.empty(), Optional.of("1.0"))));
        up.emit(new StreamEvent.Features(new XmlPayload(Namespaces.STREAMS, "features", Map.of(),
                "<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>".getBytes(StandardCharsets.UTF_8)),
                new FeatureSet(false, false, List.of(), false, false, false)));
        String answer = x.answer();
        assertThat(answer).contains("sid='t1-").contains("<stream:features");
        assertThat(r.size()).isEqualTo(1);
        System.gc();                              // the gauge must not lose its state to the collector
        assertThat(meters.get("bosh.sessions.active").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("bosh.sessions.started").counter().count()).isEqualTo(1.0);
    }

    @Test
    void b17_1_1_unknownSidIsItemNotFoundWith200() throws Exception {
        SessionRegistry r = registry(new SessionRegistry.Limits(0, 0, 0));
        FakeExchange x = new FakeExchange("10.0.0.1", false);
        r.request(body("<body rid='5' sid='t1-nope' xmlns='http://jabber.org/protocol/httpbind'/>"), x);
        assertThat(x.answer()).contains("condition='item-not-found'");
        assertThat(x.status).isEqualTo(200);
    }

    @Test
    void b19_1_2_plainRequestForHttpsSessionClosesOnlyThatConnection() throws Exception {
        SessionRegistry r = registry(new SessionRegistry.Limits(0, 0, 0));
        FakeExchange created = new FakeExchange("10.0.0.1", true);
        r.request(body(create()), created);
        connector.opened.poll(5).ready();
        String sid = created.answer().replaceAll("(?s).*sid='([^']+)'.*", "$1");
        FakeExchange plain = new FakeExchange("10.0.0.1", false);
        r.request(body("<body rid='101' sid='" + sid + "' xmlns='http://jabber.org/protocol/httpbind'/>"), plain);
        assertThat(plain.aborted).isTrue();
        FakeExchange secure = new FakeExchange("10.0.0.1", true);
        r.request(body("<body rid='101' sid='" + sid + "' wait='1' xmlns='http://jabber.org/protocol/httpbind'/>"), secure);
        assertThat(r.size()).isEqualTo(1);
        assertThat(secure.aborted).isFalse();
    }

    @Test
    void s7_sessionsPerClientAndCreationRateAreBounded() throws Exception {
        SessionRegistry perClient = registry(new SessionRegistry.Limits(0, 1, 0));
        perClient.request(body(create()), new FakeExchange("10.0.0.2", false));
        FakeExchange second = new FakeExchange("10.0.0.2", false);
        perClient.request(body(create()), second);
        assertThat(second.answer()).contains("condition='policy-violation'");
        FakeExchange other = new FakeExchange("10.0.0.3", false);
        perClient.request(body(create()), other);
        assertThat(perClient.size()).isEqualTo(2);

        SessionRegistry rate = registry(new SessionRegistry.Limits(0, 0, 2));
        for (int i = 0; i < 2; i++) {
            rate.request(body(create()), new FakeExchange("10.0.0.4", false));
        }
        FakeExchange third = new FakeExchange("10.0.0.4", false);
        rate.request(body(create()), third);
        assertThat(third.answer()).contains("condition='policy-violation'");
    }

    /**
     * S-7: the per-address token bucket holds {@code ceil(rate)} creations and refills at {@code rate}
     * per second of the registry's clock (a test clock here: no sleeping); a refusal is policy-violation,
     * counted by reason and as a limit hit, and opens no upstream connection. Other addresses are not affected.
     */
    @Test
    void s7_creationRatePerClientRefillsWithTheClock() throws Exception {
        AtomicLong now = new AtomicLong(1_000_000_000L);
        SessionRegistry r = new SessionRegistry(SessionPolicy.defaults(), loops, connector, new SidGenerator("t1"),
                new SessionRegistry.Limits(0, 0, 2), meters, now::get);
        for (int i = 0; i < 2; i++) {
            r.request(body(create()), new FakeExchange("10.0.0.4", false));
        }
        FakeExchange third = new FakeExchange("10.0.0.4", false);
        r.request(body(create()), third);
        assertThat(third.answer()).isEqualTo("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='policy-violation'/>");
        FakeExchange elsewhere = new FakeExchange("10.0.0.5", false);
        r.request(body(create()), elsewhere);
        assertThat(connector.opened.poll(5)).isNotNull();
        assertThat(connector.opened.poll(5)).isNotNull();
        assertThat(connector.opened.poll(5)).as("the address next door is not limited").isNotNull();
        assertThat(connector.opened.isEmpty()).as("nothing opened for the refused creation").isTrue();

        now.addAndGet(499_000_000L);                    // 0.499 s at 2 per second: not a whole token yet
        FakeExchange early = new FakeExchange("10.0.0.4", false);
        r.request(body(create()), early);
        assertThat(early.answer()).contains("condition='policy-violation'");
        now.addAndGet(2_000_000L);                      // 0.501 s: one token
        r.request(body(create()), new FakeExchange("10.0.0.4", false));
        assertThat(connector.opened.poll(5)).as("refilled").isNotNull();

        assertThat(meters.get("bosh.sessions.refused").tag("reason", "creation-rate").counter().count()).isEqualTo(2.0);
        assertThat(meters.get("bosh.limit.hits").tag("kind", "creation-rate").counter().count()).isEqualTo(2.0);
    }

    /**
     * S-7, per Origin: a page on one origin that makes its visitors' browsers (many addresses) open
     * sessions is held to {@code limits.new-sessions-per-origin-per-second}; spellings of the origin share
     * its bucket, other origins and requests without an Origin are not counted.
     */
    @Test
    void s7_creationRatePerOriginIsBoundedAcrossAddresses() throws Exception {
        AtomicLong now = new AtomicLong(5_000_000_000L);
        SessionRegistry r = new SessionRegistry(SessionPolicy.defaults(), loops, connector, new SidGenerator("t1"),
                new SessionRegistry.Limits(0, 0, 0, 3), meters, now::get);
        List<FakeExchange> attempts = new java.util.ArrayList<>();
        for (int i = 0; i < 10; i++) {
            FakeExchange x = new FakeExchange("198.51.100." + i, false,
                    Optional.of(i % 2 == 0 ? "https://evil.example" : "HTTPS://EVIL.example"));
            attempts.add(x);
            r.request(body(create()), x);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(connector.opened.poll(5)).isNotNull();
        }
        for (FakeExchange x : attempts.subList(3, 10)) {
            assertThat(x.answer()).contains("condition='policy-violation'");
        }
        r.request(body(create()), new FakeExchange("198.51.100.99", false, Optional.of("https://chat.example")));
        r.request(body(create()), new FakeExchange("198.51.100.98", false));
        assertThat(connector.opened.poll(5)).as("another origin").isNotNull();
        assertThat(connector.opened.poll(5)).as("no origin").isNotNull();
        assertThat(meters.get("bosh.sessions.refused").tag("reason", "origin-creation-rate").counter().count()).isEqualTo(7.0);
        assertThat(meters.get("bosh.limit.hits").tag("kind", "origin-creation-rate").counter().count()).isEqualTo(7.0);

        now.addAndGet(1_000_000_000L);
        FakeExchange later = new FakeExchange("198.51.100.77", false, Optional.of("https://evil.example"));
        r.request(body(create()), later);
        assertThat(connector.opened.poll(5)).as("a second later the bucket has refilled").isNotNull();
    }

    /** S-7: {@code limits.max-sessions} refuses the next creation with policy-violation; a session that ends makes room. */
    @Test
    void s7_totalSessionsAreBoundedWithAClearRefusal() throws Exception {
        SessionRegistry r = registry(new SessionRegistry.Limits(2, 0, 0));
        FakeExchange first = new FakeExchange("10.0.0.1", false);
        r.request(body(create()), first);
        r.request(body(create()), new FakeExchange("10.0.0.2", false));
        FakeExchange third = new FakeExchange("10.0.0.3", false);
        r.request(body(create()), third);
        assertThat(third.answer()).contains("condition='policy-violation'");
        assertThat(meters.get("bosh.sessions.refused").tag("reason", "max-sessions").counter().count()).isEqualTo(1.0);
        assertThat(r.size()).isEqualTo(2);

        FakeConnection up = connector.opened.poll(5);
        up.ready();
        String sid = sidOf(first.answer());
        r.request(body(later(101, sid, " type='terminate'")), new FakeExchange("10.0.0.1", false));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (r.size() != 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        FakeExchange fourth = new FakeExchange("10.0.0.3", false);
        r.request(body(create()), fourth);
        assertThat(r.size()).isEqualTo(2);
        assertThat(fourth.body).isNotDone();
    }

    @Test
    void b17_2_5_shutdownAnswersHeldRequestsWithSystemShutdownAndClosesUpstream() throws Exception {
        SessionRegistry r = registry(new SessionRegistry.Limits(0, 0, 0));
        FakeExchange created = new FakeExchange("10.0.0.1", false);
        r.request(body(create()), created);
        FakeConnection up = connector.opened.poll(5);
        up.ready();
        String sid = created.answer().replaceAll("(?s).*sid='([^']+)'.*", "$1");
        FakeExchange held = new FakeExchange("10.0.0.1", false);
        r.request(body("<body rid='101' sid='" + sid + "' xmlns='http://jabber.org/protocol/httpbind'/>"), held);
        r.shutdown(Duration.ofSeconds(5));
        assertThat(held.answer()).contains("condition='system-shutdown'");
        assertThat(up.closed.get(5, TimeUnit.SECONDS)).isEqualTo(CloseMode.GRACEFUL);
        assertThat(r.size()).isZero();
        FakeExchange late = new FakeExchange("10.0.0.1", false);
        r.request(body(create()), late);
        assertThat(late.answer()).contains("condition='system-shutdown'");
    }

    /**
     * A drain (SIGTERM): creations are refused with the farewell and counted, while an open session
     * goes on (its payloads still reach upstream); when it ends by itself, {@code awaitEmpty} returns
     * at once, whatever time was left.
     */
    @Test
    void b17_2_5_drainRefusesCreationsWhileOpenSessionsGoOnUntilTheyEnd() throws Exception {
        SessionRegistry r = registry(new SessionRegistry.Limits(0, 0, 0));
        FakeExchange created = new FakeExchange("10.0.0.1", false);
        r.request(body(create()), created);
        FakeConnection up = connector.opened.poll(5);
        up.ready();
        String sid = sidOf(created.answer());
        assertThat(r.accepting()).isTrue();

        r.drain(ServerBody.terminate(Condition.SYSTEM_SHUTDOWN));
        assertThat(r.accepting()).isFalse();
        FakeExchange refused = new FakeExchange("10.0.0.9", false);
        r.request(body(create()), refused);
        assertThat(refused.answer()).isEqualTo("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='system-shutdown'/>");
        assertThat(meters.get("bosh.sessions.refused").tag("reason", "draining").counter().count()).isEqualTo(1.0);
        assertThat(connector.opened.isEmpty()).as("no connection for the refused creation").isTrue();

        FakeExchange during = new FakeExchange("10.0.0.1", false);
        r.request(body("<body rid='101' sid='" + sid + "' xmlns='http://jabber.org/protocol/httpbind'>"
                + "<message xmlns='jabber:client' to='b@example.com' id='d1'><body>still here</body></message></body>"), during);
        assertThat(r.awaitEmpty(Duration.ofMillis(50))).as("the session is still open").isFalse();
        assertThat(up.sent).extracting(p -> p.attribute("id").orElse("")).contains("d1");

        FakeExchange terminate = new FakeExchange("10.0.0.1", false);
        r.request(body(later(102, sid, " type='terminate'")), terminate);
        assertThat(r.awaitEmpty(Duration.ofSeconds(5))).isTrue();
        assertThat(during.answer()).contains("type='terminate'").doesNotContain("condition=");
        assertThat(meters.get("bosh.sessions.ended").tag("cause", "client-terminate").counter().count()).isEqualTo(1.0);
    }

    /**
     * XEP-0124 §17.2 (B-17.2-3): with a successor configured, the sessions still open when the drain
     * ends get see-other-uri with the {@code <uri/>} child on every held request, and their streams close.
     */
    @Test
    void b17_2_3_sessionsOpenAtTheEndOfADrainGetSeeOtherUri() throws Exception {
        SessionRegistry r = registry(new SessionRegistry.Limits(0, 0, 0));
        FakeExchange created = new FakeExchange("10.0.0.1", false);
        r.request(body(create()), created);
        FakeConnection up = connector.opened.poll(5);
        up.ready();
        String sid = sidOf(created.answer());
        FakeExchange held = new FakeExchange("10.0.0.1", false);
        r.request(body(later(101, sid, "")), held);

        r.drain(ServerBody.seeOtherUri("https://cm2.example.com/http-bind"));
        assertThat(r.awaitEmpty(Duration.ZERO)).isFalse();
        r.shutdown(Duration.ofSeconds(5));
        assertThat(held.answer()).isEqualTo("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate'"
                + " condition='see-other-uri'><uri>https://cm2.example.com/http-bind</uri></body>");
        assertThat(up.closed.get(5, TimeUnit.SECONDS)).isEqualTo(CloseMode.GRACEFUL);
        assertThat(r.size()).isZero();
        assertThat(meters.get("bosh.sessions.ended").tag("cause", "shutdown").tag("condition", "see-other-uri")
                .counter().count()).isEqualTo(1.0);
    }

    /**
     * XEP-0124 §7.1 (B-7.1-1): a body with a {@code sid} is never a session creation, whatever creation
     * attributes it carries: an unknown sid gets item-not-found, and no session or connection is made.
     */
    @Test
    void b7_1_1_bodyWithAnUnknownSidIsNeverACreation() throws Exception {
        SessionRegistry r = registry(new SessionRegistry.Limits(0, 0, 0));
        FakeExchange x = new FakeExchange("10.0.0.1", false);
        r.request(body("<body rid='100' sid='t1-nonexistent' to='example.com' ver='1.11' wait='30' hold='1'"
                + " xmlns='http://jabber.org/protocol/httpbind'/>"), x);
        assertThat(x.answer()).contains("type='terminate'").contains("condition='item-not-found'");
        assertThat(r.size()).isZero();
        assertThat(connector.opened.isEmpty()).isTrue();
        assertThat(meters.get("bosh.sessions.started").counter().count()).isZero();
    }

    /**
     * XEP-0124 §13 #terminate (B-13-3): once the client has terminated, its sid is forgotten: the next
     * request and the replay of the terminate request both get item-not-found, and the upstream
     * stream was closed gracefully.
     */
    @Test
    void b13_3_terminatedSessionIsGoneForNewRequestsAndReplays() throws Exception {
        SessionRegistry r = registry(new SessionRegistry.Limits(0, 0, 0));
        FakeExchange created = new FakeExchange("10.0.0.1", false);
        r.request(body(create()), created);
        FakeConnection up = connector.opened.poll(5);
        up.ready();
        String sid = sidOf(created.answer());
        FakeExchange held = new FakeExchange("10.0.0.1", false);
        r.request(body(later(101, sid, "")), held);
        FakeExchange terminate = new FakeExchange("10.0.0.1", false);
        r.request(body(later(102, sid, " type='terminate'")), terminate);
        assertThat(held.answer()).contains("type='terminate'").doesNotContain("condition=");
        assertThat(terminate.answer()).doesNotContain("type=");
        assertThat(up.closed.get(5, TimeUnit.SECONDS)).isEqualTo(CloseMode.GRACEFUL);

        FakeExchange next = new FakeExchange("10.0.0.1", false);
        r.request(body(later(103, sid, "")), next);
        FakeExchange replay = new FakeExchange("10.0.0.1", false);
        r.request(body(later(102, sid, " type='terminate'")), replay);
        assertThat(next.answer()).contains("type='terminate'").contains("condition='item-not-found'");
        assertThat(replay.answer()).contains("type='terminate'").contains("condition='item-not-found'");
        assertThat(r.size()).isZero();
        assertThat(connector.opened.isEmpty()).as("no second connection").isTrue();
    }

    /**
     * S-4: a sid and the next rid are enough to take over a session, so logs never show a whole sid,
     * only {@link SidGenerator#redact}'s prefix: checked on everything the session classes log at
     * DEBUG over a session's life (created, stanzas undeliverable, ended), messages and MDC alike.
     */
    @Test
    void s4_sidsAreLoggedOnlyRedacted() throws Exception {
        try (LogCapture logs = LogCapture.of("boshcm", Level.DEBUG).level(SessionLog.LOGGER, Level.DEBUG)) {
            SessionRegistry r = registry(new SessionRegistry.Limits(0, 0, 0));
            FakeExchange created = new FakeExchange("10.0.0.1", false);
            r.request(body(create()), created);
            FakeConnection up = connector.opened.poll(5);
            up.ready();
            String sid = sidOf(created.answer());
            up.emit(new StreamEvent.Element(new XmlPayload(Namespaces.JABBER_CLIENT, "message", Map.of("id", "m1"),
                    "<message xmlns='jabber:client' id='m1'><body>x</body></message>".getBytes(StandardCharsets.UTF_8))));
            up.emit(new StreamEvent.Lost("reset"));     // m1 and the end wait for a request that never comes
            r.shutdown(Duration.ofSeconds(5));
            assertThat(r.size()).isZero();

            List<String> lines = logs.events().stream().map(e -> e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage())
                    + " " + e.getMDCPropertyMap()).toList();
            assertThat(logs.on(SessionLog.LOGGER)).as("the session's end is logged, named by its redacted sid")
                    .anyMatch(e -> e.getFormattedMessage().startsWith("session end")
                            && SidGenerator.redact(sid).equals(LogCapture.sid(e)));
            assertThat(lines).as("so is m1, which could not bounce").anyMatch(l -> l.contains("undeliverable"));
            assertThat(lines).noneMatch(l -> l.contains(sid)).noneMatch(l -> l.contains(sid.substring(3)));
        }
    }

    private static String sidOf(String creationAnswer) {
        return creationAnswer.replaceAll("(?s).*sid='([^']+)'.*", "$1");
    }

    private static String later(long rid, String sid, String attributes) {
        return "<body rid='" + rid + "' sid='" + sid + "'" + attributes + " xmlns='http://jabber.org/protocol/httpbind'/>";
    }

    // ------------------------------------------------------------------------------ fakes

    static final class FakeExchange implements Exchange {
        final ExchangeId id = new ExchangeId(IDS.incrementAndGet());
        final String client;
        final boolean secure;
        final Optional<String> origin;
        final CompletableFuture<String> body = new CompletableFuture<>();
        volatile int status;
        volatile boolean aborted;

        FakeExchange(String client, boolean secure) {
            this(client, secure, Optional.empty());
        }

        FakeExchange(String client, boolean secure, Optional<String> origin) {
            this.client = client;
            this.secure = secure;
            this.origin = origin;
        }

        @Override
        public Optional<String> origin() {
            return origin;
        }

        String answer() throws Exception {
            return body.get(5, TimeUnit.SECONDS);
        }

        @Override
        public ExchangeId id() {
            return id;
        }

        @Override
        public boolean respond(int status, String contentType, byte[] bytes) {
            this.status = status;
            return body.complete(new String(bytes, StandardCharsets.UTF_8));
        }

        @Override
        public void onGone(Runnable callback) {}

        @Override
        public boolean secure() {
            return secure;
        }

        @Override
        public String clientAddress() {
            return client;
        }

        @Override
        public boolean abort() {
            aborted = true;
            return true;
        }
    }

    static final class FakeConnection implements UpstreamConnection {
        final EventLoop loop;
        final UpstreamTarget target;
        final UpstreamListener listener;
        final List<XmlPayload> sent = new CopyOnWriteArrayList<>();
        final CompletableFuture<CloseMode> closed = new CompletableFuture<>();

        FakeConnection(EventLoop loop, UpstreamTarget target, UpstreamListener listener) {
            this.loop = loop;
            this.target = target;
            this.listener = listener;
        }

        void emit(StreamEvent event) {
            loop.execute(() -> listener.onEvent(event));
        }

        void ready() {
            emit(new StreamEvent.Features(new XmlPayload(Namespaces.STREAMS, "features", Map.of(),
                    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>".getBytes(StandardCharsets.UTF_8)),
                    new FeatureSet(false, false, List.of(), false, false, false)));
        }

        @Override
        public void send(List<XmlPayload> payloads) {
            assertThat(loop.inEventLoop()).isTrue();
            sent.addAll(payloads);
        }

        @Override
        public void restart(StreamHeader header, boolean hideSm) {}

        @Override
        public void close(CloseMode mode, Optional<String> streamError) {
            closed.complete(mode);
        }

        @Override
        public boolean encrypted() {
            return false;
        }
    }

    static final class FakeConnector implements UpstreamConnector {
        final Queue opened = new Queue();

        @Override
        public UpstreamConnection open(EventLoop loop, UpstreamTarget target, StreamHeader header, boolean hideSm,
                                       UpstreamListener listener) {
            assertThat(loop.inEventLoop()).as("opened on the session's loop").isTrue();
            FakeConnection c = new FakeConnection(loop, target, listener);
            opened.add(c);
            return c;
        }
    }

    static final class Queue {
        private final java.util.concurrent.LinkedBlockingQueue<FakeConnection> q = new java.util.concurrent.LinkedBlockingQueue<>();

        void add(FakeConnection c) {
            q.add(c);
        }

        boolean isEmpty() {
            return q.isEmpty();
        }

        FakeConnection poll(int seconds) throws InterruptedException {
            FakeConnection c = q.poll(seconds, TimeUnit.SECONDS);
            assertThat(c).as("an upstream connection was opened").isNotNull();
            return c;
        }
    }
}
