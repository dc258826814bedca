package boshcm.server.session;

import static boshcm.server.logging.LogCapture.fields;
import static boshcm.server.logging.LogCapture.sid;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.BodyLimits;
import boshcm.protocol.body.BodyParser;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.ParseOutcome;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.session.BoshSession;
import boshcm.protocol.session.CloseMode;
import boshcm.protocol.session.ExchangeId;
import boshcm.protocol.session.SessionPolicy;
import boshcm.protocol.session.UpstreamTarget;
import boshcm.protocol.xmpp.FeatureSet;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import boshcm.server.http.Exchange;
import boshcm.server.logging.LogCapture;
import boshcm.server.logging.SessionMdc;
import boshcm.server.metrics.SessionMetrics;
import boshcm.server.upstream.UpstreamConnection;
import boshcm.server.upstream.UpstreamConnector;
import boshcm.server.upstream.UpstreamListener;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What a session logs: one {@code boshcm.session} line when it starts and one when it ends, with the
 * fields an operator needs to tell why it ended, and its redacted sid in the MDC of every line logged
 * while its work runs, on the shared event loop, and of no line after (docs/logging.md).
 */
class SessionLoggingTest {

    private static final String SID_A = "n1-q2Xk0v1V9yXGZJtW3pF2ag";
    private static final String SID_B = "n1-Zz9y8x7w6v5u4t3s2r1q0p";
    private static final BodyParser PARSER = new BodyParser(BodyLimits.defaults());

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final FakeConnector connector = new FakeConnector();
    private final LogCapture logs = LogCapture.of("boshcm", Level.DEBUG).level(SessionLog.LOGGER, Level.INFO);
    private long nextExchange;

    SessionLoggingTest() {
        channel.freezeTime();
    }

    @AfterEach
    void close() {
        logs.close();
        channel.finishAndReleaseAll();
    }

    @Test
    void startAndEndLinesNameTheClientTheTargetTheNegotiationAndWhyTheSessionEnded() {
        SessionDriver a = driver(SID_A);
        a.create(parse("<body rid='1000' to='Example.COM' ver='1.11' wait='30' hold='1' xmlns='" + Namespaces.HTTPBIND + "'/>"),
                exchange());
        FakeConnection up = connector.opened.get(0);
        up.ready();
        a.request(parse(req(SID_A, 1001, "<message xmlns='jabber:client' to='juliet@example.com' id='m1'><body>hi</body></message>")),
                exchange());
        up.listener.onEvents(List.of(message("m2")));                    // answers 1001
        a.request(parse(req(SID_A, 1002, "")), exchange());                // held
        elapse(Duration.ofSeconds(5));
        up.listener.onEvents(List.of(new StreamEvent.Lost("connection reset")));

        List<ILoggingEvent> lines = logs.on(SessionLog.LOGGER);
        assertThat(lines).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "session start client=203.0.113.7 secure=false to=example.com ver=1.11 wait=30 hold=1",
                "session end client=203.0.113.7 to=example.com cause=upstream condition=remote-connection-failed"
                        + " duration_ms=5000 requests=3 payloads_up=1 payloads_down=2 upstream=\"connection reset\"");
        assertThat(lines).allSatisfy(e -> {
            assertThat(e.getLevel()).isEqualTo(Level.INFO);
            assertThat(sid(e)).isEqualTo("n1-q2Xk0v1V…");
        });
        // The same fields as key-value pairs, for log.format=json.
        assertThat(fields(lines.get(0))).containsEntry("client", "203.0.113.7").containsEntry("to", "example.com")
                .containsEntry("ver", "1.11").containsEntry("wait", "30").containsEntry("hold", "1");
        assertThat(fields(lines.get(1))).containsEntry("cause", "upstream")
                .containsEntry("condition", "remote-connection-failed").containsEntry("upstream", "connection reset");
    }

    /** A creation that is refused never starts: one line says so, and why. */
    @Test
    void aRefusedCreationIsOneLineWithItsCondition() {
        driver(SID_A).create(parse("<body rid='1000' ver='1.11' wait='30' hold='1' xmlns='" + Namespaces.HTTPBIND + "'/>"), exchange());
        assertThat(logs.on(SessionLog.LOGGER)).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("session refused client=203.0.113.7 to=\"\" condition=improper-addressing");
        assertThat(connector.opened).isEmpty();
    }

    /**
     * A client chooses its 'to': whatever it holds stays inside one quoted field of one line (such a
     * 'to' is no domain, so the creation is refused, RFC 7622 §3.2).
     */
    @Test
    void aClientsToCannotEndTheLineOrAddFields() {
        driver(SID_A).create(parse("<body rid='1000' to='example.com&#10;session end cause=forged&#34;' ver='1.11' wait='30' hold='1' xmlns='"
                + Namespaces.HTTPBIND + "'/>"), exchange());
        assertThat(logs.on(SessionLog.LOGGER)).extracting(ILoggingEvent::getFormattedMessage).singleElement()
                .isEqualTo("session refused client=203.0.113.7 to=\"example.com\\nsession end cause=forged\\\"\""
                        + " condition=improper-addressing");
    }

    /**
     * Two sessions share one event loop. Whatever runs for a session (its creation, the upstream
     * connection it opens, a write upstream, its timers, its end) sees its own sid in the MDC, and the
     * loop thread is left without one after each unit of work, so the next session's lines and lines
     * about no session at all are never mislabelled.
     */
    @Test
    void theMdcNamesTheSessionWhoseWorkRunsAndIsClearedAfterEachUnitOfWork() {
        SessionDriver a = driver(SID_A);
        SessionDriver b = driver(SID_B);

        a.create(parse("<body rid='1000' to='example.com' ver='1.11' wait='30' hold='1' xmlns='" + Namespaces.HTTPBIND + "'/>"), exchange());
        assertThat(SessionMdc.current()).as("after A's creation").isNull();
        b.create(parse("<body rid='5000' to='example.org' ver='1.11' wait='30' hold='1' xmlns='" + Namespaces.HTTPBIND + "'/>"), exchange());
        assertThat(SessionMdc.current()).as("after B's creation").isNull();
        FakeConnection upA = connector.opened.get(0);
        FakeConnection upB = connector.opened.get(1);
        assertThat(upA.mdcAtOpen).as("A's connection was opened with A's sid set").isEqualTo("n1-q2Xk0v1V…");
        assertThat(upB.mdcAtOpen).isEqualTo("n1-Zz9y8x7w…");

        upA.ready();
        a.request(parse(req(SID_A, 1001, "<message xmlns='jabber:client' to='juliet@example.com' id='m1'/>")), exchange());
        assertThat(upA.mdcAtSend).containsExactly("n1-q2Xk0v1V…");
        assertThat(SessionMdc.current()).isNull();

        upB.listener.onEvents(List.of(new StreamEvent.Lost("connection refused")));   // B ends on an upstream event
        assertThat(SessionMdc.current()).isNull();

        // A's timers: its held request is answered at 'wait', then it ends after 'inactivity'.
        elapse(Duration.ofSeconds(30));
        elapse(SessionPolicy.defaults().inactivity());
        assertThat(SessionMdc.current()).isNull();
        LoggerFactory.getLogger("boshcm.test").info("about no session");

        List<ILoggingEvent> lines = logs.on(SessionLog.LOGGER);
        assertThat(lines).extracting(e -> e.getFormattedMessage().split(" ")[1] + " " + sid(e)).containsExactly(
                "start n1-q2Xk0v1V…", "start n1-Zz9y8x7w…", "end n1-Zz9y8x7w…", "end n1-q2Xk0v1V…");
        assertThat(fields(lines.get(3))).containsEntry("cause", "inactivity").containsEntry("condition", "none");
        assertThat(logs.on("boshcm.test")).singleElement().satisfies(e -> assertThat(sid(e)).isNull());
        assertThat(logs.events()).extracting(LogCapture::sid).as("no line shows a whole sid")
                .noneMatch(s -> s != null && (s.contains(SID_A) || s.contains(SID_B)));
    }

    // ---------------------------------------------------------------- helpers and fakes

    private SessionDriver driver(String sid) {
        return new SessionDriver(sid, channel.eventLoop(), new BoshSession(sid, SessionPolicy.defaults(),
                new SidGenerator("n1")::streamName), connector, new SessionMetrics(new SimpleMeterRegistry(), () -> 0),
                clock::get, false, () -> { });
    }

    /** Moves the session clock and the loop's scheduler together, and runs what fell due. */
    private void elapse(Duration d) {
        clock.addAndGet(d.toNanos());
        channel.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
        channel.runScheduledPendingTasks();
        channel.runPendingTasks();
    }

    private FakeExchange exchange() {
        return new FakeExchange(new ExchangeId(++nextExchange));
    }

    private static ClientBody parse(String xml) {
        return ((ParseOutcome.Parsed) PARSER.parse(xml.getBytes(StandardCharsets.UTF_8))).body();
    }

    private static String req(String sid, long rid, String payloads) {
        return "<body rid='" + rid + "' sid='" + sid + "' xmlns='" + Namespaces.HTTPBIND + "'>" + payloads + "</body>";
    }

    private static StreamEvent message(String id) {
        String xml = "<message xmlns='jabber:client' from='juliet@example.com' id='" + id + "'><body>x</body></message>";
        return new StreamEvent.Element(new XmlPayload(Namespaces.JABBER_CLIENT, "message", Map.of("id", id),
                xml.getBytes(StandardCharsets.UTF_8)), Optional.empty());
    }

    private static final class FakeExchange implements Exchange {
        private final ExchangeId id;

        FakeExchange(ExchangeId id) {
            this.id = id;
        }

        @Override
        public ExchangeId id() {
            return id;
        }

        @Override
        public boolean respond(int status, String contentType, byte[] body) {
            return true;
        }

        @Override
        public void onGone(Runnable callback) {}

        @Override
        public boolean secure() {
            return false;
        }

        @Override
        public String clientAddress() {
            return "203.0.113.7";
        }
    }

    private static final class FakeConnector implements UpstreamConnector {
        final List<FakeConnection> opened = new ArrayList<>();

        @Override
        public UpstreamConnection open(EventLoop loop, UpstreamTarget target, StreamHeader header, boolean hideSm,
                                       UpstreamListener listener) {
            FakeConnection c = new FakeConnection(target, listener, SessionMdc.current());
            opened.add(c);
            return c;
        }
    }

    private static final class FakeConnection implements UpstreamConnection {
        final UpstreamTarget target;
        final UpstreamListener listener;
        final String mdcAtOpen;
        final List<String> mdcAtSend = new ArrayList<>();

        FakeConnection(UpstreamTarget target, UpstreamListener listener, String mdcAtOpen) {
            this.target = target;
            this.listener = listener;
            this.mdcAtOpen = mdcAtOpen;
        }

        /** The server opens the stream and offers its features, in one read. */
        void ready() {
            XmlPayload features = new XmlPayload(Namespaces.STREAMS, "features", Map.of(),
                    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>".getBytes(StandardCharsets.UTF_8));
            listener.onEvents(List.of(
                    new StreamEvent.Opened(new StreamHeader(Optional.empty(), Optional.of(target.domain()),
                            Optional.of("id-1"), Optional.empty(), Optional.of("1.0"))),
                    new StreamEvent.Features(features, new FeatureSet(false, false, List.of(), false, false, false))));
        }

        @Override
        public void send(List<XmlPayload> payloads) {
            mdcAtSend.add(SessionMdc.current());
        }

        @Override
        public void restart(StreamHeader header, boolean hideSm) {}

        @Override
        public void close(CloseMode mode, Optional<String> streamError) {}

        @Override
        public boolean encrypted() {
            return false;
        }
    }
}
