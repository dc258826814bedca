package boshcm.protocol.session;

import static boshcm.protocol.FuzzChecks.anyString;
import static boshcm.protocol.FuzzChecks.requireWellFormedElement;

import boshcm.protocol.body.BodyLimits;
import boshcm.protocol.body.BodyParser;
import boshcm.protocol.body.BodyWriter;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.ParseOutcome;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.sm.AckPolicy;
import boshcm.protocol.sm.ReauthMethod;
import boshcm.protocol.sm.SmPolicy;
import boshcm.protocol.xmpp.FeatureSet;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * One fuzzed {@link BoshSession}, driven as the server's driver drives it (like {@link SessionFixture},
 * with a manual clock), with every effect checked as it comes. The fuzzer's bytes choose the policy,
 * the creation request and then each event: a request (the next rid, one ahead of a gap or beyond the
 * window, a retransmission, any rid; payloads, terminate, pause, restart, key, ack, stream, to), a
 * client leaving an exchange, a body through the real {@link BodyParser} (garbage included), server
 * events on any stream (stream header, features, stanzas, SASL, bind, XEP-0198 nonzas, large
 * elements, stream errors, close, malformed, lost), clock advances, an early timer, shutdown.
 *
 * <p>Invariants, after every event:
 * <ul>
 *   <li>no exception; at most one {@link Effect.Ended}, and after it nothing goes upstream and any
 *       later answer is a terminate body;</li>
 *   <li>an exchange is answered at most once, never after the client left it, and every response is
 *       well-formed XML;</li>
 *   <li>no more than {@code hold} requests are held, none past its {@code wait} deadline, and the
 *       session asked to be woken by then (XEP-0124 §8); a timer never spins at the same instant;</li>
 *   <li>client payloads go upstream in rid order, at most once on each connection (at most once in
 *       all without CM-managed XEP-0198, whose resume retransmits on the new connection), and only on
 *       a connection that is open;</li>
 *   <li>bounded queues: server data waiting for the browser stays within {@code maxBufferedBytes} (plus
 *       the one element that crossed it), client data waiting for a restart or a resume too;</li>
 * </ul>
 * and at the end, after hours of silence: the session has ended and every exchange was answered.
 */
final class FuzzedSession {

    /** The largest server payload the fuzzer makes: the slack over the buffer bound. */
    static final int MAX_SERVER_PAYLOAD = 4096;
    private static final BodyParser PARSER = new BodyParser(BodyLimits.defaults());
    private static final String[] DOMAINS = {"example.com", "example.org", "elsewhere.example", "", " ", "EXAMPLE.COM",
            "127.0.0.1", "[::1]", "a..b"};
    private static final String[] ROUTES = {"xmpp:xmpp.example.com:5222", "xmpp:127.0.0.1:5222", "xmpp:xmpp.example.com",
            "http:x:1", ""};
    private static final String[] STREAM_ERRORS = {"conflict", "system-shutdown", "connection-timeout", "see-other-host",
            "policy-violation", "host-unknown"};
    private static final int KEY_CHAIN = 64;
    /** Events kept for a failure message; {@code -Dfuzz.verbose=true} keeps more, with every effect. */
    private static final boolean VERBOSE = Boolean.getBoolean("fuzz.verbose");
    private static final int TRACE = VERBOSE ? 400 : 40;

    private final FuzzedDataProvider data;
    private final SessionPolicy policy;
    private final BoshSession session;
    private final ArrayDeque<String> trace = new ArrayDeque<>();

    private long now = 1_000_000_000_000L;
    private long wakeAt = Long.MAX_VALUE;
    private long exchangeCount;
    private final Map<ExchangeId, Exchange> exchanges = new LinkedHashMap<>();
    /** What the client sent for each rid: a retransmission sends the same body again. */
    private final Map<Long, ClientBody> bodies = new HashMap<>();
    /** The client's payloads by identity, each with its place in rid order (rid * 8 + index). */
    private final IdentityHashMap<XmlPayload, Long> order = new IdentityHashMap<>();
    private final Map<String, Upstream> upstreams = new LinkedHashMap<>();
    private long firstRid;
    private long nextRid;
    private String[] keys;
    private int serverMessages;
    private int streamNames;
    private boolean ended;

    private static final class Exchange {
        boolean answered;
        boolean gone;
    }

    /** One upstream stream as the driver sees it: its connection, and the client payloads written on it. */
    private static final class Upstream {
        boolean connected;
        long lastInOrder = -1;
        final Set<Long> written = new HashSet<>();
    }

    FuzzedSession(FuzzedDataProvider data) {
        this.data = data;
        SessionPolicy d = SessionPolicy.defaults();
        Duration polling = Duration.ofSeconds(data.consumeInt(0, 3));
        SmPolicy sm = SmPolicy.passThrough();
        if (data.consumeBoolean()) {
            int maxUnacked = data.consumeInt(1, 8);
            sm = SmPolicy.managed(Set.of(ReauthMethod.PLAIN_CAPTURE))
                    .withAckPolicy(new AckPolicy(maxUnacked, data.consumeInt(1, maxUnacked),
                            Duration.ofSeconds(data.consumeInt(1, 10))))
                    .withResumeWindow(Duration.ofSeconds(data.consumeInt(6, 120)));
        }
        policy = new SessionPolicy(d.maxVersion(), Duration.ofSeconds(data.consumeInt(0, 30)), data.consumeInt(0, 3),
                Duration.ofSeconds(data.consumeInt(1, 60)), polling.plusSeconds(data.consumeInt(1, 30)), polling,
                Duration.ofSeconds(data.consumeInt(0, 30)), data.consumeBoolean(), data.consumeBoolean(),
                data.consumeBoolean() ? Set.of("example.com", "example.org") : Set.of(),
                data.consumeBoolean() ? Set.of() : Set.of("xmpp.example.com:5222"), d.contentTypes(), "gzip",
                data.consumeBoolean(), data.consumeInt(1, 40), data.consumeInt(0, 10), Duration.ofSeconds(data.consumeInt(1, 20)),
                data.consumeInt(1000, 20_000), data.consumeInt(1, 10), data.consumeInt(200, 5000), data.consumeBoolean(),
                data.consumeInt(1, 3), sm);
        session = new BoshSession("S", policy, () -> "st" + ++streamNames);
    }

    void run() {
        try {
            create();
            for (int i = 0; i < 400 && data.remainingBytes() > 0; i++) {
                step(data.consumeInt(0, 19));
            }
            quiesce();
        } catch (RuntimeException e) {
            throw new AssertionError(e + context(), e);
        }
    }

    // ---------------------------------------------------------------- the client

    private void create() {
        firstRid = data.consumeBoolean() ? data.consumeLong(1, 100_000) : ClientBody.MAX_RID - data.consumeInt(0, 40);
        nextRid = firstRid + 1;
        Req req = Req.create(firstRid);
        if (data.consumeBoolean()) {
            req.to(data.consumeBoolean() ? null : pick(DOMAINS));
        }
        if (data.consumeBoolean()) {
            req.waitSecs(data.consumeBoolean() ? null : data.consumeInt(0, 100));
            req.hold(data.consumeBoolean() ? null : data.consumeInt(0, 5));
        }
        if (data.consumeBoolean()) {
            req.ver(pick(new String[] {null, "1.6", "1.11", "2.0", "1.99"}));
        }
        if (data.consumeBoolean()) {
            req.ack(1);
        }
        if (data.consumeBoolean()) {
            req.route(pick(ROUTES));
        }
        if (data.consumeBoolean()) {
            req.content(pick(new String[] {"text/xml; charset=utf-8", "TEXT/XML", "application/evil"}));
        }
        if (data.consumeBoolean()) {
            keys = new String[KEY_CHAIN];
            keys[0] = anyString(data, 12);
            for (int i = 1; i < KEY_CHAIN; i++) {
                keys[i] = KeySequence.sha1Hex(keys[i - 1]);
            }
            req.newKey(keys[KEY_CHAIN - 1]);
        }
        for (int i = data.consumeInt(0, 1); i > 0; i--) {
            req.payload(clientPayload(firstRid, 0));
        }
        ClientBody body = req.build();
        bodies.put(firstRid, body);
        ExchangeId x = newExchange("create rid " + firstRid + " " + body);
        apply(session.onCreate(body, x, now));
    }

    private void step(int op) {
        switch (op) {
            case 0, 1, 2, 3, 4 -> request(nextRid++);
            case 5 -> request(nextRid + data.consumeInt(1, 5));                  // ahead of a gap, or beyond the window
            case 6 -> request(nextRid - 1 - data.consumeInt(0, 6));              // a retransmission
            case 7 -> request(data.consumeLong(1, ClientBody.MAX_RID));          // anywhere
            case 8 -> leave();
            case 9, 10, 11 -> upstream(1);
            case 12 -> upstream(data.consumeInt(2, 6));
            case 13, 14 -> advance(data.consumeLong(0, 120_000));
            case 15 -> {
                note("early timer");
                apply(session.onTimer(now));
            }
            case 16 -> parsed();
            case 17 -> {
                ExchangeId x = newExchange("rejected");
                apply(session.onRejected(x, data.consumeBoolean() ? Condition.BAD_REQUEST : Condition.POLICY_VIOLATION, now));
            }
            case 18 -> request(nextRid++, true);                                 // another body for a rid
            default -> {
                if (data.consumeInt(0, 15) == 0) {
                    note("shutdown");
                    apply(data.consumeBoolean() ? session.onShutdown(now)
                            : session.onShutdown(ServerBody.seeOtherUri("https://cm2.example.com/bosh"), now));
                } else {
                    advance(data.consumeLong(0, 3_000));
                }
            }
        }
    }

    private void request(long rid) {
        request(rid, false);
    }

    /** Sends the body of {@code rid} (the one sent before, unless {@code fresh}) on a new exchange. */
    private void request(long rid, boolean fresh) {
        if (rid < 1 || rid > ClientBody.MAX_RID) {
            return;
        }
        ClientBody body = fresh ? newBody(rid) : bodies.get(rid);
        if (body == null) {
            body = newBody(rid);
            bodies.put(rid, body);
        }
        ExchangeId x = newExchange("request " + body);
        apply(session.onRequest(body, x, now));
    }

    private ClientBody newBody(long rid) {
        Req r = Req.rid(rid);
        for (int i = 0, n = data.consumeInt(0, 3); i < n; i++) {
            r.payload(clientPayload(rid, i));
        }
        switch (data.consumeInt(0, 15)) {
            case 0 -> r.terminate();
            case 1 -> r.pause(data.consumeInt(0, 60));
            case 2 -> r.restart();
            case 3 -> r.to(pick(DOMAINS));                                       // §16 #multi-add
            case 4 -> r.stream(streamName());
            case 5 -> r.stream(streamName()).terminate();                        // §16 #multi-close
            case 6 -> r.stream(streamName()).restart();
            case 7 -> r.ack(data.consumeLong(0, rid + 2));
            case 8 -> r.key(anyString(data, 40));
            case 9 -> r.to(pick(DOMAINS)).route(pick(ROUTES));
            default -> { }
        }
        if (keys != null && data.consumeInt(0, 15) != 0) {
            int i = (int) (KEY_CHAIN - 1 - (rid - firstRid));                  // §15: the chain, backwards
            if (i >= 0 && i < KEY_CHAIN) {
                r.key(keys[i]);
            }
        }
        return r.build();
    }

    /** Mostly a message numbered in rid order; sometimes what drives SASL, bind and XEP-0198. */
    private XmlPayload clientPayload(long rid, int index) {
        XmlPayload p = switch (data.consumeInt(0, 15)) {
            case 0 -> Xep0198ManagedTest.auth("PLAIN", "\u0000u\u0000pw");
            case 1 -> Xep0198ManagedTest.auth("SCRAM-SHA-1", "n,,n=u,r=abc");
            case 2 -> Xep0198ManagedTest.bindRequest();
            case 3 -> Xep0198ManagedTest.sm(pick(new String[] {"enable", "r", "resume"}),
                    "resume", "true", "previd", "sm1", "h", "0");
            case 4 -> Xep0198ManagedTest.sm("a", "h", Integer.toString(data.consumeInt(0, 20)));
            default -> {
                XmlPayload m = Req.msg("c" + rid + "-" + index);
                order.put(m, rid * 8 + index);
                yield m;
            }
        };
        return p;
    }

    /** The client gives up on an exchange it has not had an answer on. */
    private void leave() {
        List<ExchangeId> open = exchanges.entrySet().stream().filter(e -> !e.getValue().answered && !e.getValue().gone)
                .map(Map.Entry::getKey).toList();
        if (open.isEmpty()) {
            return;
        }
        ExchangeId x = open.get(data.consumeInt(0, open.size() - 1));
        exchanges.get(x).gone = true;
        note("gone " + x.value());
        apply(session.onExchangeGone(x, now));
    }

    /** A body through the real parser, garbage included, handed over as the server's driver would. */
    private void parsed() {
        byte[] junk = data.consumeBytes(data.consumeInt(0, 160));
        byte[] body;
        if (data.consumeBoolean()) {
            long rid = data.consumeBoolean() ? nextRid : data.consumeLong(0, Long.MAX_VALUE);
            String head = "<body xmlns='" + Namespaces.HTTPBIND + "' sid='S' rid='" + rid + "'>";
            byte[] h = head.getBytes(StandardCharsets.UTF_8);
            byte[] t = "</body>".getBytes(StandardCharsets.UTF_8);
            body = new byte[h.length + junk.length + t.length];
            System.arraycopy(h, 0, body, 0, h.length);
            System.arraycopy(junk, 0, body, h.length, junk.length);
            System.arraycopy(t, 0, body, h.length + junk.length, t.length);
        } else {
            body = junk;
        }
        ParseOutcome outcome = PARSER.parse(body);
        if (outcome instanceof ParseOutcome.Parsed p && p.body().sid().equals(Optional.of("S"))) {
            bodies.putIfAbsent(p.body().rid(), p.body());
            ExchangeId x = newExchange("parsed " + p.body());
            apply(session.onRequest(p.body(), x, now));
        } else if (outcome instanceof ParseOutcome.Rejected r && r.sid().equals(Optional.of("S"))) {
            ExchangeId x = newExchange("rejected body " + r.condition());
            apply(session.onRejected(x, r.condition(), now));
        }
    }

    private ExchangeId newExchange(String what) {
        ExchangeId x = new ExchangeId(++exchangeCount);
        exchanges.put(x, new Exchange());
        note("x" + x.value() + " " + what);
        return x;
    }

    // ---------------------------------------------------------------- the server

    private void upstream(int events) {
        String stream = upstreams.isEmpty() || data.consumeInt(0, 15) == 0 ? "unknown"
                : pick(upstreams.keySet().toArray(new String[0]));
        List<StreamEvent> list = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            list.add(serverEvent());
        }
        note("upstream " + stream + " " + list);
        apply(events == 1 ? session.onUpstream(stream, list.get(0), now) : session.onUpstream(stream, list, now));
    }

    private StreamEvent serverEvent() {
        return switch (data.consumeInt(0, 19)) {
            case 0 -> new StreamEvent.Opened(new StreamHeader(Optional.empty(), Optional.of("example.com"),
                    Optional.of("id" + data.consumeInt(0, 9)), Optional.of("en"), Optional.of("1.0")));
            case 1 -> new StreamEvent.Features(Req.features(), new FeatureSet(false, false, List.of("PLAIN"), false, false, false));
            case 2 -> new StreamEvent.Features(Xep0198ManagedTest.boundFeatures(), new FeatureSet(false, false, List.of(), true,
                    data.consumeBoolean(), false));
            case 3, 4, 5 -> new StreamEvent.Element(Req.serverMsg("s" + serverMessages++));
            case 6 -> new StreamEvent.Element(Req.element(Namespaces.SASL, "success"));
            case 7 -> new StreamEvent.Element(Req.element(Namespaces.SASL, pick(new String[] {"challenge", "failure"})));
            case 8 -> new StreamEvent.Element(Xep0198ManagedTest.bindResult(), Optional.of("u@example.com/r"));
            case 9 -> new StreamEvent.Element(Xep0198ManagedTest.sm("enabled", "id", "sm1", "resume", "true"));
            case 10 -> new StreamEvent.Element(Xep0198ManagedTest.sm("r"));
            case 11 -> new StreamEvent.Element(Xep0198ManagedTest.sm("a", "h", Integer.toString(data.consumeInt(0, 20))));
            case 12 -> new StreamEvent.Element(Xep0198ManagedTest.sm("resumed", "previd", "sm1", "h",
                    Integer.toString(data.consumeInt(0, 20))));
            case 13 -> new StreamEvent.Element(Xep0198ManagedTest.sm("failed"));
            case 14 -> streamError(pick(STREAM_ERRORS));
            case 15 -> new StreamEvent.Closed();
            case 16 -> new StreamEvent.Malformed(pick(new String[] {"not-well-formed", "restricted-xml", "policy-violation"}), "fuzz");
            case 17 -> new StreamEvent.Lost("reset");
            default -> new StreamEvent.Element(largeMessage(data.consumeInt(100, MAX_SERVER_PAYLOAD)));
        };
    }

    private static StreamEvent streamError(String condition) {
        String xml = "<stream:error xmlns:stream='" + Namespaces.STREAMS + "'><" + condition
                + " xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>";
        return new StreamEvent.StreamError(new XmlPayload(Namespaces.STREAMS, "error", Map.of(),
                xml.getBytes(StandardCharsets.UTF_8)), condition);
    }

    /** A message of exactly {@code size} bytes. */
    private XmlPayload largeMessage(int size) {
        String id = "s" + serverMessages++;
        String head = "<message xmlns='jabber:client' id='" + id + "'><body>";
        String tail = "</body></message>";
        String xml = head + "x".repeat(Math.max(0, size - head.length() - tail.length())) + tail;
        return new XmlPayload(Namespaces.JABBER_CLIENT, "message", Map.of("id", id), xml.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- the clock

    /** Moves the clock on by {@code millis}, calling onTimer at each instant the session asked for. */
    private void advance(long millis) {
        note("advance " + millis + " ms");
        long target = now + millis * 1_000_000;
        int spins = 0;
        while (wakeAt - target <= 0) {
            long at = wakeAt - now > 0 ? wakeAt : now;
            spins = at == now ? spins + 1 : 0;
            require(spins < 100, () -> "the timer spins at " + now);
            now = at;
            wakeAt = Long.MAX_VALUE;
            apply(session.onTimer(now));
        }
        now = target;
    }

    /** Hours of silence: the session must end and leave no exchange unanswered. */
    private void quiesce() {
        for (int i = 0; i < 4000 && !ended; i++) {
            advance(10_000);
        }
        require(ended, () -> "the session outlived hours of silence: " + session);
        exchanges.forEach((x, e) -> require(e.answered || e.gone, () -> "exchange " + x.value() + " never answered"));
    }

    // ---------------------------------------------------------------- the checks

    private void apply(Step step) {
        boolean endedBefore = ended;
        for (Effect e : step.effects()) {
            if (VERBOSE && !(e instanceof Effect.Counted)) {
                note("  -> " + e);
            }
            if (e instanceof Effect.WakeAt w) {
                require(!ended, () -> "a wake-up asked for after the end");
                wakeAt = w.nanos();
            } else if (e instanceof Effect.Respond r) {
                Exchange x = exchanges.get(r.exchange());
                require(x != null, () -> "an answer on an exchange never given: " + r);
                require(!x.answered, () -> "exchange " + r.exchange().value() + " answered twice: " + r.body());
                require(!x.gone, () -> "exchange " + r.exchange().value() + " answered after the client left it");
                x.answered = true;
                require(!endedBefore || r.body().isTerminal(), () -> "a non-terminal answer after the end: " + r.body());
                requireWellFormedElement(BodyWriter.write(r.body()), "a response" + context());
            } else if (e instanceof Effect.OpenUpstream o) {
                require(!endedBefore, () -> "a connection opened after the end");
                Upstream u = upstreams.computeIfAbsent(o.stream(), s -> new Upstream());
                u.connected = true;
                u.lastInOrder = -1;
            } else if (e instanceof Effect.SendUpstream s) {
                require(!endedBefore, () -> "written upstream after the end: " + s);
                Upstream u = connected(s.stream(), "written to");
                for (XmlPayload p : s.payloads()) {
                    Long place = order.get(p);
                    if (place != null) {
                        require(place > u.lastInOrder,
                                () -> p.attribute("id").orElse("?") + " written out of rid order on " + s.stream());
                        u.lastInOrder = place;
                        require(u.written.add(place) || policy.sm().managed(),
                                () -> p.attribute("id").orElse("?") + " forwarded twice on " + s.stream());
                    }
                }
            } else if (e instanceof Effect.RestartUpstream r) {
                require(!endedBefore, () -> "a restart after the end");
                connected(r.stream(), "restarted");
            } else if (e instanceof Effect.Bounce b) {
                require(!endedBefore, () -> "a bounce after the end");
                connected(b.stream(), "bounced on");
            } else if (e instanceof Effect.CloseUpstream c) {
                require(!endedBefore, () -> "a close after the end");
                connected(c.stream(), "closed").connected = false;
            } else if (e instanceof Effect.Ended) {
                require(!ended, () -> "ended twice");
                ended = true;
            }
        }
        require(ended == session.ended(), () -> "the session says ended=" + session.ended());
        if (!ended) {
            int hold = session.params().map(SessionParams::hold).orElse(0);
            require(session.heldCount() <= hold, () -> session.heldCount() + " requests held, hold is " + hold);
            long due = session.heldDueAt();
            require(due - now > 0, () -> "a held request is past its wait deadline by " + (now - due) + " ns");
            require(session.heldCount() == 0 || wakeAt - due <= 0, () -> "no wake-up by the held request's deadline");
        }
        long toBrowser = session.queuedBytes(true);
        require(toBrowser <= policy.maxBufferedBytes() + MAX_SERVER_PAYLOAD,
                () -> toBrowser + " bytes wait for the browser, the bound is " + policy.maxBufferedBytes());
        long toServer = session.queuedBytes(false);
        require(toServer <= policy.maxBufferedBytes() + 4096,
                () -> toServer + " client bytes wait for a restart or resume, the bound is " + policy.maxBufferedBytes());
    }

    private Upstream connected(String stream, String what) {
        Upstream u = upstreams.get(stream);
        require(u != null && u.connected, () -> what + " stream " + stream + ", which has no open connection");
        return u;
    }

    // ---------------------------------------------------------------- helpers

    private String streamName() {
        List<String> names = new ArrayList<>(upstreams.keySet());
        names.add("unknown");
        names.add("");
        return names.get(data.consumeInt(0, names.size() - 1));
    }

    private <T> T pick(T[] options) {
        return options[data.consumeInt(0, options.length - 1)];
    }

    private void note(String what) {
        if (trace.size() == TRACE) {
            trace.pollFirst();
        }
        trace.addLast("t+" + (now - 1_000_000_000_000L) / 1_000_000 + "ms " + what);
    }

    private String context() {
        return "\n  policy " + policy + "\n  session " + session + "\n  last events:\n    " + String.join("\n    ", trace);
    }

    private void require(boolean condition, Supplier<String> what) {
        if (!condition) {
            throw new AssertionError(what.get() + context());
        }
    }
}
