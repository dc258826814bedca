package boshcm.server.session;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.BodyType;
import boshcm.protocol.body.BoshVersion;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.session.CloseMode;
import boshcm.protocol.session.ExchangeId;
import boshcm.protocol.session.SessionPolicy;
import boshcm.protocol.session.UpstreamTarget;
import boshcm.protocol.session.BoshSession;
import boshcm.protocol.sm.ReauthMethod;
import boshcm.protocol.sm.SmPolicy;
import boshcm.protocol.xmpp.FeatureSet;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import boshcm.server.http.Exchange;
import boshcm.server.metrics.SessionMetrics;
import boshcm.server.upstream.UpstreamConnection;
import boshcm.server.upstream.UpstreamConnector;
import boshcm.server.upstream.UpstreamListener;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SessionDriver} in memory: a fake connector records the upstream connections, exchanges
 * record their responses, time is a counter. XEP-0124 §16: one upstream connection per stream, each
 * connection's events tagged with its stream's name.
 */
class SessionDriverTest {

    private static final Pattern STREAM = Pattern.compile("\\sstream='([^']+)'");

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final FakeConnector connector = new FakeConnector();
    private final AtomicBoolean ended = new AtomicBoolean();
    private final SessionDriver driver = new SessionDriver("n1-test", channel.eventLoop(),
            new BoshSession("n1-test", SessionPolicy.defaults(), new SidGenerator("n1")::streamName), connector,
            new SessionMetrics(new SimpleMeterRegistry(), () -> 0), clock::get, true, () -> ended.set(true));
    private long nextExchange;

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void b16_2_eachStreamGetsItsOwnConnectionAndItsEventsAreTaggedWithItsName() {
        FakeExchange creation = exchange();
        driver.create(body(1000, Optional.empty(), Optional.empty(), Optional.of("example.com"), false), creation);
        assertThat(connector.opened).hasSize(1);
        FakeConnection first = connector.opened.get(0);
        first.ready("example.com");
        String firstName = streamOf(creation.response());
        assertThat(firstName).hasSize(22);

        FakeExchange held = exchange();
        driver.request(body(1001, Optional.empty(), Optional.empty(), Optional.empty(), false), held);
        FakeExchange add = exchange();
        driver.request(body(1002, Optional.empty(), Optional.empty(), Optional.of("example.org"), false), add);
        assertThat(connector.opened).hasSize(2);
        FakeConnection second = connector.opened.get(1);
        assertThat(second.target.domain()).isEqualTo("example.org");
        String secondName = streamOf(add.response());
        assertThat(secondName).isNotEqualTo(firstName).hasSize(22);

        second.ready("example.org");                                  // the held request carries st2's features
        assertThat(streamOf(held.response())).isEqualTo(secondName);

        driver.request(body(1003, Optional.of(secondName), Optional.of(message("to-2")), Optional.empty(), false), exchange());
        assertThat(first.sent).isEmpty();
        assertThat(second.sent).containsExactly("to-2");

        driver.request(body(1004, Optional.of(secondName), Optional.empty(), Optional.empty(), true), exchange());
        assertThat(second.closed).isTrue();
        assertThat(first.closed).isFalse();
        assertThat(ended).isFalse();

        first.listener.onEvent(new StreamEvent.Lost("reset"));        // the last stream: the session ends
        assertThat(ended).isTrue();
    }

    /**
     * Never a leak: when answering a request fails (a bug), the session ends, and if answering its other
     * requests on the way out fails too, they are closed instead, and the session is still counted,
     * logged and removed.
     */
    @Test
    void aSessionThatCrashesWhileEndingIsStillEndedAndItsRequestsClosed() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicBoolean done = new AtomicBoolean();
        SessionDriver d = new SessionDriver("n1-crash", channel.eventLoop(),
                new BoshSession("n1-crash", SessionPolicy.defaults(), new SidGenerator("n1")::streamName), connector,
                new SessionMetrics(registry, () -> 0), clock::get, true, () -> done.set(true));
        FakeExchange creation = exchange();
        d.create(body(1000, Optional.empty(), Optional.empty(), Optional.of("example.com"), false), creation);
        connector.opened.get(0).ready("example.com");
        FakeExchange first = exchange();
        first.failing = true;
        d.request(body(1001, Optional.empty(), Optional.empty(), Optional.empty(), false), first);
        FakeExchange second = exchange();
        second.failing = true;
        // hold=1: the second request releases the first, whose answer fails; the session crashes, and
        // answering the second on the way out fails as well.
        d.request(body(1002, Optional.empty(), Optional.empty(), Optional.empty(), false), second);

        assertThat(done).as("removed from the registry").isTrue();
        assertThat(second.aborted).isTrue();
        assertThat(registry.get("bosh.sessions.ended").tag("cause", "upstream").counter().count()).isEqualTo(1);
        assertThat(connector.opened.get(0).closed).isTrue();
    }

    /**
     * docs/metrics.md: the driver times each request from its arrival to its answer, and each server
     * element from its read to the response that carries it, and counts what the session tallies.
     */
    @Test
    void metricsHoldTimeDeliveryLatencyAndRequestOutcomes() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SessionDriver d = new SessionDriver("n1-test", channel.eventLoop(),
                new BoshSession("n1-test", SessionPolicy.defaults(), new SidGenerator("n1")::streamName), connector,
                new SessionMetrics(registry, () -> 0), clock::get, true, () -> {});
        FakeExchange creation = exchange();
        d.create(body(1000, Optional.empty(), Optional.empty(), Optional.of("example.com"), false), creation);
        clock.addAndGet(5_000_000);
        FakeConnection upstream = connector.opened.get(0);
        upstream.ready("example.com");                              // the creation carries the features: held 5 ms
        upstream.listener.onEvent(new StreamEvent.Element(message("m1")));   // no request held: it waits
        clock.addAndGet(30_000_000);
        FakeExchange first = exchange();
        d.request(body(1001, Optional.empty(), Optional.empty(), Optional.empty(), false), first);   // takes m1 at once
        FakeExchange second = exchange();
        d.request(body(1002, Optional.empty(), Optional.empty(), Optional.empty(), false), second);
        clock.addAndGet(20_000_000);
        upstream.listener.onEvent(new StreamEvent.Element(message("m2")));   // answers the held request at once

        assertThat(creation.response()).contains("stream:features");
        assertThat(first.response()).contains("m1");
        assertThat(second.response()).contains("m2");
        var hold = registry.get("bosh.request.hold.duration").timer();
        assertThat(hold.count()).isEqualTo(3);
        assertThat(hold.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5 + 0 + 20);
        var delivery = registry.get("bosh.delivery.latency").timer();
        assertThat(delivery.count()).as("features are not stamped").isEqualTo(2);
        assertThat(delivery.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(30 + 0);
        assertThat(registry.get("bosh.requests").tag("outcome", "in_order").counter().count()).isEqualTo(2);
        assertThat(registry.get("bosh.stanzas").tag("direction", "to_client").counter().count()).isEqualTo(2);
    }

    /**
     * SM-14, U-9: with managed XEP-0198, an upstream drop makes the session open its stream again; the
     * driver drops the old connection without a closing tag and never hears it again, so a late event
     * of the superseded connection (here a stanza) reaches no one.
     */
    @Test
    void sm14_aReopenedStreamReplacesItsConnectionAndTheOldOneIsNeverHeardAgain() {
        SessionPolicy managed = SessionPolicy.defaults().withSm(SmPolicy.managed(Set.of(ReauthMethod.PLAIN_CAPTURE)));
        AtomicBoolean done = new AtomicBoolean();
        SessionDriver d = new SessionDriver("n1-sm", channel.eventLoop(),
                new BoshSession("n1-sm", managed, new SidGenerator("n1")::streamName), connector,
                new SessionMetrics(new SimpleMeterRegistry(), () -> 0), clock::get, true, () -> done.set(true));
        d.create(parse("<body rid='1000' to='example.com' ver='1.11' wait='30' hold='1' xmlns='" + Namespaces.HTTPBIND + "'/>"), exchange());
        FakeConnection first = connector.opened.get(0);
        first.ready("example.com");
        String plain = Base64.getEncoder().encodeToString("\0u\0pw".getBytes(StandardCharsets.UTF_8));
        d.request(parse(req(1001, "", "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain + "</auth>")), exchange());
        first.listener.onEvent(new StreamEvent.Element(element(Namespaces.SASL, "success", Map.of(),
                "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>")));
        d.request(parse(req(1002, "xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh'", "")), exchange());
        first.listener.onEvent(new StreamEvent.Features(element(Namespaces.STREAMS, "features", Map.of(),
                "<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>"),
                new FeatureSet(false, false, List.of(), true, true, false)));        // bind and sm offered
        d.request(parse(req(1003, "", "<iq xmlns='jabber:client' type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>")), exchange());
        first.listener.onEvent(new StreamEvent.Element(element(Namespaces.JABBER_CLIENT, "iq", Map.of("type", "result", "id", "b1"),
                "<iq xmlns='jabber:client' type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>u@example.com/r</jid></bind></iq>"),
                Optional.of("u@example.com/r")));
        assertThat(first.sent).contains("enable");
        first.listener.onEvent(new StreamEvent.Element(element(Namespaces.SM, "enabled", Map.of("id", "sm1", "resume", "true"),
                "<enabled xmlns='urn:xmpp:sm:3' id='sm1' resume='true'/>")));
        FakeExchange held = exchange();
        d.request(parse(req(1004, "", "")), held);

        first.listener.onEvent(new StreamEvent.Lost("reset"));
        assertThat(connector.opened).as("the stream is opened again").hasSize(2);
        assertThat(first.closedMode).isEqualTo(CloseMode.ABORT);
        first.listener.onEvent(new StreamEvent.Element(element(Namespaces.JABBER_CLIENT, "message", Map.of("id", "ghost"),
                "<message xmlns='jabber:client' id='ghost'><body>late</body></message>")));
        assertThat(held.responses).as("nothing from the superseded connection").noneMatch(r -> r.contains("ghost"));
        assertThat(done).isFalse();
    }

    private static final boshcm.protocol.body.BodyParser PARSER =
            new boshcm.protocol.body.BodyParser(boshcm.protocol.body.BodyLimits.defaults());

    private static ClientBody parse(String xml) {
        return ((boshcm.protocol.body.ParseOutcome.Parsed) PARSER.parse(xml.getBytes(StandardCharsets.UTF_8))).body();
    }

    private static String req(long rid, String attrs, String payloads) {
        return "<body rid='" + rid + "' sid='n1-sm' " + attrs + " xmlns='" + Namespaces.HTTPBIND + "'>" + payloads + "</body>";
    }

    private static XmlPayload element(String ns, String name, Map<String, String> attributes, String xml) {
        return new XmlPayload(ns, name, attributes, xml.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- fakes

    private FakeExchange exchange() {
        return new FakeExchange(new ExchangeId(++nextExchange));
    }

    private static String streamOf(String response) {
        Matcher m = STREAM.matcher(response);
        assertThat(m.find()).as("stream attribute in %s", response).isTrue();
        return m.group(1);
    }

    private static XmlPayload message(String id) {
        String xml = "<message to='peer@example.com' id='" + id + "'><body>x</body></message>";
        return new XmlPayload(Namespaces.JABBER_CLIENT, "message", Map.of("to", "peer@example.com", "id", id),
                xml.getBytes(StandardCharsets.UTF_8));
    }

    private static ClientBody body(long rid, Optional<String> stream, Optional<XmlPayload> payload,
                                   Optional<String> to, boolean terminate) {
        boolean creation = rid == 1000;
        return new ClientBody(rid, creation ? Optional.empty() : Optional.of("n1-test"),
                terminate ? BodyType.TERMINATE : BodyType.NONE, OptionalLong.empty(), OptionalInt.empty(), false,
                Optional.empty(), Optional.empty(), stream, to, Optional.empty(), Optional.empty(), Optional.of("en"),
                creation ? Optional.of(BoshVersion.V1_11) : Optional.empty(),
                creation ? OptionalInt.of(30) : OptionalInt.empty(), creation ? OptionalInt.of(1) : OptionalInt.empty(),
                Optional.empty(), Optional.empty(), payload.map(List::of).orElse(List.of()));
    }

    private static final class FakeExchange implements Exchange {
        private final ExchangeId id;
        private final List<String> responses = new ArrayList<>();
        /** Answering it throws, as a bug would. */
        boolean failing;
        boolean aborted;

        FakeExchange(ExchangeId id) {
            this.id = id;
        }

        String response() {
            assertThat(responses).as("responses to %s", id).hasSize(1);
            return responses.get(0);
        }

        @Override
        public ExchangeId id() {
            return id;
        }

        @Override
        public boolean respond(int status, String contentType, byte[] body) {
            if (failing) {
                throw new IllegalStateException("respond failed (test)");
            }
            responses.add(new String(body, StandardCharsets.UTF_8));
            return true;
        }

        @Override
        public boolean abort() {
            aborted = true;
            return true;
        }

        @Override
        public void onGone(Runnable callback) {}

        @Override
        public boolean secure() {
            return true;
        }

        @Override
        public String clientAddress() {
            return "127.0.0.1";
        }
    }

    private static final class FakeConnector implements UpstreamConnector {
        final List<FakeConnection> opened = new ArrayList<>();

        @Override
        public UpstreamConnection open(EventLoop loop, UpstreamTarget target, StreamHeader header, boolean hideSm,
                                       UpstreamListener listener) {
            FakeConnection c = new FakeConnection(target, listener);
            opened.add(c);
            return c;
        }
    }

    private static final class FakeConnection implements UpstreamConnection {
        final UpstreamTarget target;
        final UpstreamListener listener;
        final List<String> sent = new ArrayList<>();
        boolean closed;
        CloseMode closedMode;

        FakeConnection(UpstreamTarget target, UpstreamListener listener) {
            this.target = target;
            this.listener = listener;
        }

        /** The server opens the stream and offers its features. */
        void ready(String domain) {
            listener.onEvent(new StreamEvent.Opened(new StreamHeader(Optional.empty(), Optional.of(domain),
                    Optional.of("id-" + domain), Optional.empty(), Optional.of("1.0"))));
            XmlPayload features = new XmlPayload(Namespaces.STREAMS, "features", Map.of(),
                    "<stream:features xmlns:stream='http://etherx.jabber.org/streams'/>".getBytes(StandardCharsets.UTF_8));
            listener.onEvent(new StreamEvent.Features(features, new FeatureSet(false, false, List.of(), false, false, false)));
        }

        @Override
        public void send(List<XmlPayload> payloads) {
            payloads.forEach(p -> sent.add(p.attribute("id").orElse(p.localName())));
        }

        @Override
        public void restart(StreamHeader header, boolean hideSm) {}

        @Override
        public void close(CloseMode mode, Optional<String> streamError) {
            closed = true;
            closedMode = mode;
        }

        @Override
        public boolean encrypted() {
            return true;
        }
    }
}
