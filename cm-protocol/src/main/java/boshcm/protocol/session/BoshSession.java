package boshcm.protocol.session;

import boshcm.protocol.body.BodyAttribute;
import boshcm.protocol.body.BodyType;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.rid.RidDecision;
import boshcm.protocol.rid.ResponseBuffer;
import boshcm.protocol.rid.RidWindow;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import boshcm.protocol.xmpp.StreamWriter;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One BOSH session (XEP-0124) carrying one XMPP c2s stream (XEP-0206): the state machine behind a
 * {@code sid}. Sans-I/O: every call takes the current {@code System.nanoTime()} and returns the
 * {@link Step} of effects for the driver to carry out. Not thread-safe: each session is confined to
 * one event loop (design.md §2).
 *
 * <p>Requests are admitted by rid ({@link RidWindow}); those ahead of a gap wait in {@code ahead}
 * until it fills, then every admitted request is processed in rid order (XEP-0124 §14.2) and its
 * exchange joins {@code held}. Held requests are answered oldest first: with the server's data as soon
 * as there is some, empty once {@code wait} passes, or at once when more than {@code hold} are held
 * (§8). Every answer is kept in the {@link ResponseBuffer} so a retransmitted rid gets it again
 * (§14.3). This class is longer than most because it is the one place these rules meet; the
 * bookkeeping lives in the small classes it composes.
 */
public final class BoshSession {

    /** A processed request waiting for its response. {@code exchange} is null once the client left. */
    private static final class Held {
        final long rid;
        final long deadline;
        final boolean pause;
        ExchangeId exchange;
        long reportRid;
        long reportMillis;

        Held(long rid, ExchangeId exchange, long deadline, boolean pause) {
            this.rid = rid;
            this.exchange = exchange;
            this.deadline = deadline;
            this.pause = pause;
        }

        boolean urgent() {
            return pause || reportRid > 0;
        }
    }

    /** A request admitted ahead of a gap in the rids. {@code exchange} is null once the client left. */
    private record Ahead(ClientBody body, ExchangeId exchange, long arrivedAt) {}

    private enum Phase { NEW, ACTIVE, TERMINAL_PENDING, ENDED }

    private static final long REPORT_AFTER_NANOS = Duration.ofSeconds(1).toNanos();

    private final String sid;
    private final SessionPolicy policy;

    private Phase phase = Phase.NEW;
    private SessionParams params;
    private long creationRid;
    private RidWindow window;
    private ResponseBuffer responses;
    private KeySequence keys;
    private final TreeMap<Long, Ahead> ahead = new TreeMap<>();
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private final OutboundQueue outbound = new OutboundQueue();
    /** XEP-0206 §5 (X-5-7): client payloads that arrived after SASL success, before the restart request. */
    private final List<XmlPayload> upstreamBacklog = new ArrayList<>();
    private boolean awaitingRestart;
    private Optional<StreamHeader> serverHeader = Optional.empty();
    private Optional<String> boundJid = Optional.empty();

    private long lastResponseAt;
    private long lastArrivalAt;
    private boolean lastNewRequestEmpty;
    /** The last two new requests arrived less than {@code polling} apart (XEP-0124 §11). */
    private boolean lastGapShort;
    private Duration currentInactivity;
    private final ArrayDeque<Long> repeats = new ArrayDeque<>();

    private ServerBody terminalBody;
    private EndCause terminalCause;

    private List<Effect> out = new ArrayList<>();

    public BoshSession(String sid, SessionPolicy policy) {
        this.sid = sid;
        this.policy = policy;
    }

    public String sid() {
        return sid;
    }

    /** The negotiated parameters; empty before creation succeeded. */
    public Optional<SessionParams> params() {
        return Optional.ofNullable(params);
    }

    /** The full JID the server bound for this session, once known (RFC 6120 §7; checklist U-7). */
    public Optional<String> boundJid() {
        return boundJid;
    }

    public boolean ended() {
        return phase == Phase.ENDED;
    }

    // ---------------------------------------------------------------- events

    /** The session creation request (no {@code sid}): XEP-0124 §7.1. Called once, first. */
    public Step onCreate(ClientBody body, ExchangeId exchange, long now) {
        begin();
        if (phase != Phase.NEW) {
            throw new IllegalStateException("onCreate twice");
        }
        Negotiation.Result result = Negotiation.negotiate(body, policy);
        if (result instanceof Negotiation.Refused refused) {
            int status = body.ver().isEmpty() && refused.condition().legacyHttpStatus() != 0
                    ? refused.condition().legacyHttpStatus() : 200;
            out.add(new Effect.Respond(exchange, ServerBody.terminate(refused.condition()), status,
                    refused.contentType()));
            phase = Phase.ENDED;
            out.add(new Effect.Ended(EndCause.BINDING_ERROR, Optional.of(refused.condition())));
            return finish(now);
        }
        Negotiation.Accepted accepted = (Negotiation.Accepted) result;
        params = accepted.params();
        phase = Phase.ACTIVE;
        creationRid = body.rid();
        window = new RidWindow(creationRid, params.requests());
        responses = new ResponseBuffer(params.requests(), policy.responseCacheSize(), policy.maxBufferedBytes());
        keys = new KeySequence(body.newKey());
        currentInactivity = params.inactivity();
        lastResponseAt = now;
        lastArrivalAt = now;
        out.add(new Effect.OpenUpstream(accepted.target(), StreamHeader.initiating(params.domain(),
                params.from(), params.lang(), params.xmppVersion())));
        if (!body.payloads().isEmpty()) {
            forwardUpstream(body.payloads());
        }
        // X-4-1: the creation request is held like any other, so it carries the stream features
        // as soon as the server sends them, or returns empty at 'wait'.
        held.addLast(new Held(body.rid(), exchange, now + params.waitPeriod().toNanos(), false));
        settle(now);
        return finish(now);
    }

    /** A later request naming this session's sid. */
    public Step onRequest(ClientBody body, ExchangeId exchange, long now) {
        begin();
        switch (phase) {
            case NEW:
                throw new IllegalStateException("onRequest before onCreate");
            case ENDED:
                respond(exchange, ServerBody.terminate(Condition.ITEM_NOT_FOUND));
                return finish(now);
            case TERMINAL_PENDING:
                deliverTerminal(exchange);
                return finish(now);
            case ACTIVE:
                break;
        }
        boolean pauses = body.pause().isPresent() && policy.pauseSupported();
        boolean pauseOrTerminate = pauses || body.isTerminate();
        RidDecision decision = window.classify(body.rid(), pauseOrTerminate);
        if (decision instanceof RidDecision.Replay) {
            replay(body, exchange, now);
        } else if (decision instanceof RidDecision.OutOfWindow) {
            fail(exchange, Condition.ITEM_NOT_FOUND);                 // §14.2 #rids-order, B-14.2-2
        } else if (decision instanceof RidDecision.Ahead) {
            Ahead previous = ahead.put(body.rid(), new Ahead(body, exchange, now));
            if (previous != null && previous.exchange() != null) {
                // B-14.3-3: the older connection for a repeated, still-unanswered rid gets the recoverable error.
                respond(previous.exchange(), ServerBody.recoverableError());
            }
        } else {
            process(body, exchange, now);
            while (phase == Phase.ACTIVE && ahead.containsKey(window.last() + 1)) {
                Ahead next = ahead.remove(window.last() + 1);
                process(next.body(), next.exchange(), now);
            }
            if (phase == Phase.ACTIVE) {
                checkOveractivity(exchange, pauseOrTerminate);
            }
        }
        if (phase == Phase.ACTIVE) {
            settle(now);
        }
        return finish(now);
    }

    /** Something happened on the upstream stream. */
    public Step onUpstream(StreamEvent event, long now) {
        return onUpstream(List.of(event), now);
    }

    /**
     * Events the server sent together (one read), in order. They are all taken in before held
     * requests are answered, so they share a response: a burst of stanzas goes out in one body
     * (B-8-5), and a stanza followed by a stream error becomes one {@code remote-stream-error}
     * terminate holding both (X-6-1) instead of a stanza-only response and a terminate left pending.
     * A full response's worth is sent at once, so that one large read does not pile up (U-15).
     */
    public Step onUpstream(List<StreamEvent> events, long now) {
        begin();
        for (StreamEvent event : events) {
            if (phase != Phase.ACTIVE) {
                break;
            }
            absorb(event);
            if (phase == Phase.ACTIVE && outbound.bytes() >= policy.maxResponseBytes()) {
                settle(now);
            }
        }
        if (phase == Phase.ACTIVE) {
            settle(now);
        }
        return finish(now);
    }

    private void absorb(StreamEvent event) {
        if (event instanceof StreamEvent.Opened opened) {
            serverHeader = Optional.of(opened.header());
        } else if (event instanceof StreamEvent.Features features) {
            outbound.add(features.clientView());
        } else if (event instanceof StreamEvent.Element element) {
            XmlPayload payload = element.payload();
            if (payload.is(Namespaces.SASL, "success")) {
                awaitingRestart = true;                               // X-5-7
            }
            if (element.boundJid().isPresent()) {
                boundJid = element.boundJid();
            }
            outbound.add(payload);
            if (outbound.bytes() > policy.maxBufferedBytes()) {
                // U-15, S-10: the browser is not taking data fast enough; the bound is hit.
                out.add(new Effect.CloseUpstream(CloseMode.GRACEFUL, Optional.of("policy-violation")));
                terminal(Condition.REMOTE_CONNECTION_FAILED, outbound.drainAll(), EndCause.UPSTREAM);
            }
        } else if (event instanceof StreamEvent.StreamError error) {
            // RFC 6120 §4.9, XEP-0206 §6 (X-6-1): undelivered stanzas, then the whole stream error.
            List<XmlPayload> payloads = outbound.drainAll();
            payloads.add(error.clientView());
            out.add(new Effect.CloseUpstream(CloseMode.GRACEFUL, Optional.empty()));
            terminal(Condition.REMOTE_STREAM_ERROR, payloads, EndCause.UPSTREAM);
        } else if (event instanceof StreamEvent.Closed) {
            out.add(new Effect.CloseUpstream(CloseMode.GRACEFUL, Optional.empty()));
            terminal(Condition.REMOTE_CONNECTION_FAILED, outbound.drainAll(), EndCause.UPSTREAM);
        } else if (event instanceof StreamEvent.Malformed malformed) {
            // U-14: tell the server why, then fail the session.
            out.add(new Effect.CloseUpstream(CloseMode.GRACEFUL, Optional.of(malformed.streamErrorCondition())));
            terminal(Condition.REMOTE_CONNECTION_FAILED, outbound.drainAll(), EndCause.UPSTREAM);
        } else if (event instanceof StreamEvent.Lost) {
            terminal(Condition.REMOTE_CONNECTION_FAILED, outbound.drainAll(), EndCause.UPSTREAM);   // U-10
        } else {
            throw new AssertionError(event);
        }
    }

    /** A deadline asked for with {@link Effect.WakeAt} came due (or the driver woke early). */
    public Step onTimer(long now) {
        begin();
        if (phase == Phase.ACTIVE) {
            settle(now);
            if (held.isEmpty() && now - inactivityDeadlineBase() >= inactivityLimit().toNanos()) {
                endForInactivity();
            }
        } else if (phase == Phase.TERMINAL_PENDING && now - lastResponseAt >= params.inactivity().toNanos()) {
            phase = Phase.ENDED;
            out.add(new Effect.Undeliverable(terminalBody.payloads(), "client gone before the session's end was delivered"));
            out.add(new Effect.Ended(terminalCause, terminalBody.condition()));
        }
        return finish(now);
    }

    /** The HTTP exchange went away unanswered (client closed it, or the backstop timeout fired). */
    public Step onExchangeGone(ExchangeId exchange, long now) {
        begin();
        if (phase == Phase.ACTIVE) {
            for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
                Held h = it.next();
                if (exchange.equals(h.exchange)) {
                    // Answered, empty, into the response cache only: any data stays queued for a live
                    // request, and a retransmission of this rid gets the empty answer (§14.3).
                    it.remove();
                    h.exchange = null;
                    if (!h.pause) {
                        responses.put(h.rid, withAck(ServerBody.empty(), h.rid), now);
                    }
                    lastResponseAt = now;
                    break;
                }
            }
            ahead.replaceAll((rid, a) -> exchange.equals(a.exchange()) ? new Ahead(a.body(), null, a.arrivedAt()) : a);
        }
        return finish(now);
    }

    /**
     * A request naming this session could not be parsed or broke a size limit: XEP-0124 §17.2 says
     * terminate with {@code condition} (bad-request, policy-violation). Other open requests get
     * other-request.
     */
    public Step onRejected(ExchangeId exchange, Condition condition, long now) {
        begin();
        if (phase == Phase.ACTIVE) {
            fail(exchange, condition);
        } else if (phase == Phase.TERMINAL_PENDING) {
            deliverTerminal(exchange);
        } else {
            respond(exchange, ServerBody.terminate(condition));
        }
        return finish(now);
    }

    /** The connection manager is shutting down: XEP-0124 §17.2 system-shutdown (B-17.2-5). */
    public Step onShutdown(long now) {
        begin();
        if (phase == Phase.ACTIVE || phase == Phase.TERMINAL_PENDING) {
            if (phase == Phase.ACTIVE) {
                bounceUndelivered();
                out.add(new Effect.CloseUpstream(CloseMode.GRACEFUL, Optional.empty()));
            }
            for (Held h : held) {
                respond(h.exchange, ServerBody.terminate(Condition.SYSTEM_SHUTDOWN));
            }
            for (Ahead a : ahead.values()) {
                respond(a.exchange(), ServerBody.terminate(Condition.SYSTEM_SHUTDOWN));
            }
            held.clear();
            ahead.clear();
            phase = Phase.ENDED;
            out.add(new Effect.Ended(EndCause.SHUTDOWN, Optional.of(Condition.SYSTEM_SHUTDOWN)));
        }
        return finish(now);
    }

    // ---------------------------------------------------------------- requests

    /** One request in rid order (XEP-0124 §14.2): acks, keys, pause, terminate, restart, payloads. */
    private void process(ClientBody body, ExchangeId exchange, long now) {
        window.advance(body.rid());
        long reportRid = acknowledgeResponses(body, now);
        if (!keys.accept(body.key(), body.newKey())) {
            fail(exchange, Condition.ITEM_NOT_FOUND);                 // §15.4, B-15.4-2: nothing forwarded
            return;
        }
        currentInactivity = params.inactivity();                      // §10: the next request ends a pause (B-10-5)
        if (body.pause().isPresent() && policy.pauseSupported()) {
            Duration pause = Duration.ofSeconds(body.pause().getAsInt());
            if (pause.compareTo(policy.maxPause()) > 0) {
                if (policy.rejectLongPause()) {
                    fail(exchange, Condition.POLICY_VIOLATION);       // B-10-7
                    return;
                }
            } else {
                // §10, B-10-4: answer every held request now; this one carries no payloads.
                forwardUpstream(body.payloads());
                currentInactivity = pause;
                held.addLast(new Held(body.rid(), exchange, now, true));
                return;
            }
        }
        if (body.isTerminate()) {
            terminateByClient(body, exchange);
            return;
        }
        if (params.pollingSession() && body.isEmpty() && lastNewRequestEmpty
                && now - lastArrivalAt < params.pollingInterval().toNanos() && previousResponseWasEmpty(body.rid())) {
            fail(exchange, Condition.POLICY_VIOLATION);               // §12 #poll, B-12-3
            return;
        }
        lastGapShort = now - lastArrivalAt < params.pollingInterval().toNanos();
        lastArrivalAt = now;
        lastNewRequestEmpty = body.isEmpty();
        if (body.restart()) {
            // XEP-0206 §5 (X-5-2, X-5-4, X-5-5, X-5-6): a new stream header on the same connection;
            // payloads in the restart request are ignored.
            awaitingRestart = false;
            out.add(new Effect.RestartUpstream(StreamHeader.initiating(
                    body.to().filter(t -> !t.isBlank()).orElse(params.domain()),
                    body.from().or(params::from), body.lang().or(params::lang), params.xmppVersion())));
            if (!upstreamBacklog.isEmpty()) {
                out.add(new Effect.SendUpstream(upstreamBacklog));
                upstreamBacklog.clear();
            }
        } else if (!body.isEmpty()) {
            forwardUpstream(body.payloads());
        }
        Held h = new Held(body.rid(), exchange, now + params.waitPeriod().toNanos(), false);
        if (reportRid > 0) {
            h.reportRid = reportRid;
            h.reportMillis = Math.min(65535, responses.get(reportRid).map(s -> (now - s.sentAtNanos()) / 1_000_000).orElse(0L));
        }
        held.addLast(h);
    }

    /**
     * XEP-0124 §9.2: prunes the response cache by the client's {@code ack} and returns the rid to
     * {@code report} when the client missed a response sent a while ago (B-9.2-1), else 0.
     */
    private long acknowledgeResponses(ClientBody body, long now) {
        if (body.ack().isPresent()) {
            long ack = body.ack().getAsLong();
            long missing = ack + 1;
            responses.acknowledge(ack);
            if (policy.sendAcks() && missing < body.rid() && missing <= responses.lastRid()) {
                Optional<ResponseBuffer.Sent> sent = responses.get(missing);
                if (sent.isPresent() && now - sent.get().sentAtNanos() >= REPORT_AFTER_NANOS) {
                    return missing;
                }
            }
        } else if (params.clientAcks()) {
            responses.acknowledge(body.rid() - 1);                    // B-7.1-8: no ack means "all received"
        }
        return 0;
    }

    /** XEP-0124 §14.3 #rids-broken: a rid already processed. */
    private void replay(ClientBody body, ExchangeId exchange, long now) {
        Optional<ResponseBuffer.Sent> cached = responses.get(body.rid());
        if (cached.isPresent()) {
            repeats.addLast(now);
            while (!repeats.isEmpty() && now - repeats.peekFirst() > policy.repeatWindow().toNanos()) {
                repeats.pollFirst();
            }
            if (repeats.size() > policy.maxRepeats()) {
                fail(exchange, Condition.POLICY_VIOLATION);           // B-14.3-4
                return;
            }
            respond(exchange, cached.get().body());                  // B-14.3-2: payloads not forwarded again
            lastResponseAt = now;
            return;
        }
        for (Held h : held) {
            if (h.rid == body.rid()) {
                if (h.exchange != null) {
                    respond(h.exchange, ServerBody.recoverableError());   // B-14.3-3
                }
                h.exchange = exchange;                                // future data goes to the new connection
                return;
            }
        }
        fail(exchange, Condition.ITEM_NOT_FOUND);                     // B-14.3-5
    }

    /**
     * XEP-0124 §11 #overactive. Too many simultaneous requests (B-11-1) cannot happen here: held
     * requests beyond {@code hold} are answered at once and the rid window (B-14.2-2) bounds the rest,
     * so a request past {@code requests} is refused as item-not-found before this rule could apply.
     * Counting reordered requests against the client would kill exactly the sessions a lossy network
     * reorders. What remains is the rate rule (B-11-3), off unless configured strict because clients
     * send a spare empty request after their own timeouts.
     */
    private void checkOveractivity(ExchangeId exchange, boolean pauseOrTerminate) {
        if (phase != Phase.ACTIVE || pauseOrTerminate || !policy.strictOveractivity() || params.pollingSession()) {
            return;
        }
        if (ahead.isEmpty() && held.size() >= params.requests() && lastNewRequestEmpty && lastGapShort) {
            fail(exchange, Condition.POLICY_VIOLATION);
        }
    }

    private boolean previousResponseWasEmpty(long rid) {
        return responses.get(rid - 1).map(s -> s.body().payloads().isEmpty()).orElse(false);
    }

    /** XEP-0124 §13: payloads go upstream first (B-13-1), then the stream closes; B-13-2 answers. */
    private void terminateByClient(ClientBody body, ExchangeId exchange) {
        forwardUpstream(body.payloads());
        if (!upstreamBacklog.isEmpty()) {
            out.add(new Effect.SendUpstream(upstreamBacklog));
            upstreamBacklog.clear();
        }
        bounceUndelivered();
        out.add(new Effect.CloseUpstream(CloseMode.GRACEFUL, Optional.empty()));
        boolean first = true;
        for (Held h : held) {
            if (h.exchange != null) {
                respond(h.exchange, first ? ServerBody.terminate() : ServerBody.empty());
                first = false;
            }
        }
        respond(exchange, first ? ServerBody.terminate() : ServerBody.empty());
        for (Ahead a : ahead.values()) {
            respond(a.exchange(), ServerBody.terminate());
        }
        held.clear();
        ahead.clear();
        phase = Phase.ENDED;
        out.add(new Effect.Ended(EndCause.CLIENT_TERMINATE, Optional.empty()));
    }

    // ---------------------------------------------------------------- responses

    /** Answers held requests, oldest first, while one must go (XEP-0124 §8, §10). */
    private void settle(long now) {
        boolean urgent = held.stream().anyMatch(Held::urgent);
        while (!held.isEmpty()) {
            Held oldest = held.peekFirst();
            boolean go = urgent || held.size() > params.hold() || !outbound.isEmpty() || now >= oldest.deadline;
            if (!go) {
                break;
            }
            held.pollFirst();
            answer(oldest, now);
            if (oldest.urgent()) {
                urgent = held.stream().anyMatch(Held::urgent);
            }
        }
    }

    private void answer(Held h, long now) {
        List<XmlPayload> payloads = h.pause ? List.of()
                : outbound.takeBatch(policy.maxBodyPayloads(), policy.maxResponseBytes());
        ServerBody body = withAck(ServerBody.empty().withPayloads(payloads), h.rid);
        if (h.rid == creationRid) {
            body = withCreationAttributes(body);
        }
        if (!payloads.isEmpty() && payloads.get(0).is(Namespaces.STREAMS, "features")) {
            body = withStreamAttributes(body);                        // X-4-1, X-4-3
        }
        if (h.reportRid > 0) {
            body = body.with(BodyAttribute.REPORT, Long.toString(h.reportRid))
                    .with(BodyAttribute.TIME, Long.toString(h.reportMillis));
        }
        if (!h.pause) {
            responses.put(h.rid, body, now);                          // B-14.3-1: pause responses are not kept
        }
        lastResponseAt = now;
        if (h.exchange != null) {
            respond(h.exchange, body);
        }
    }

    /** §9.1: {@code ack} on every response, except where it would equal the rid answered (B-7.2-10). */
    private ServerBody withAck(ServerBody body, long rid) {
        long ack = window.last();
        if (!policy.sendAcks() || (ack == rid && rid != creationRid)) {
            return body;
        }
        return body.with(BodyAttribute.ACK, Long.toString(ack));
    }

    /** XEP-0124 §7.2 #session-create, XEP-0206 §4 (B-7.2-2 … B-7.2-11, X-4-2). */
    private ServerBody withCreationAttributes(ServerBody body) {
        Map<BodyAttribute, String> a = new EnumMap<>(BodyAttribute.class);
        a.put(BodyAttribute.SID, sid);
        a.put(BodyAttribute.WAIT, Long.toString(params.waitPeriod().toSeconds()));
        a.put(BodyAttribute.REQUESTS, Integer.toString(params.requests()));
        a.put(BodyAttribute.HOLD, Integer.toString(params.hold()));
        a.put(BodyAttribute.INACTIVITY, Long.toString(params.inactivity().toSeconds()));
        a.put(BodyAttribute.POLLING, Long.toString(params.pollingInterval().toSeconds()));
        if (policy.pauseSupported()) {
            a.put(BodyAttribute.MAXPAUSE, Long.toString(policy.maxPause().toSeconds()));
        }
        params.ver().ifPresent(v -> a.put(BodyAttribute.VER, v.toString()));
        if (!policy.accept().isEmpty()) {
            a.put(BodyAttribute.ACCEPT, policy.accept());
        }
        a.put(BodyAttribute.XMPP_RESTARTLOGIC, "true");
        ServerBody result = body;
        for (Map.Entry<BodyAttribute, String> e : a.entrySet()) {
            result = result.with(e.getKey(), e.getValue());
        }
        return result;
    }

    private ServerBody withStreamAttributes(ServerBody body) {
        ServerBody result = body.with(BodyAttribute.XMPP_VERSION,
                serverHeader.flatMap(StreamHeader::version).orElse(params.xmppVersion()));
        if (serverHeader.isPresent()) {
            StreamHeader h = serverHeader.get();
            if (h.id().isPresent()) {
                result = result.with(BodyAttribute.AUTHID, h.id().get());
            }
            if (h.from().isPresent()) {
                result = result.with(BodyAttribute.FROM, h.from().get());
            }
        }
        return result;
    }

    /** Sends a body on an exchange, with the legacy HTTP status where XEP-0124 §17.1 calls for it. */
    private void respond(ExchangeId exchange, ServerBody body) {
        if (exchange == null) {
            return;
        }
        int status = 200;
        if (params != null && params.legacy() && body.condition().isPresent()
                && body.condition().get().legacyHttpStatus() != 0) {
            status = body.condition().get().legacyHttpStatus();
        }
        String contentType = params != null ? params.contentType() : Negotiation.DEFAULT_CONTENT_TYPE;
        out.add(new Effect.Respond(exchange, body, status, contentType));
    }

    // ---------------------------------------------------------------- endings

    /**
     * A terminal binding condition caused by one request (XEP-0124 §17.2): that request gets the
     * condition, every other open request gets other-request (B-17.2-2), and the session ends.
     */
    private void fail(ExchangeId culprit, Condition condition) {
        respond(culprit, ServerBody.terminate(condition));
        for (Held h : held) {
            if (!Optional.ofNullable(h.exchange).equals(Optional.ofNullable(culprit))) {
                respond(h.exchange, ServerBody.terminate(Condition.OTHER_REQUEST));
            }
        }
        for (Ahead a : ahead.values()) {
            if (!Optional.ofNullable(a.exchange()).equals(Optional.ofNullable(culprit))) {
                respond(a.exchange(), ServerBody.terminate(Condition.OTHER_REQUEST));
            }
        }
        held.clear();
        ahead.clear();
        bounceUndelivered();
        out.add(new Effect.CloseUpstream(CloseMode.GRACEFUL, Optional.empty()));
        phase = Phase.ENDED;
        out.add(new Effect.Ended(EndCause.BINDING_ERROR, Optional.of(condition)));
    }

    /**
     * The upstream side ended the session: the terminal body, with the undelivered payloads, goes on
     * the oldest open request, or on the next one to arrive (until inactivity expires).
     */
    private void terminal(Condition condition, List<XmlPayload> payloads, EndCause cause) {
        ServerBody body = ServerBody.terminate(condition).withPayloads(payloads);
        Held carrier = null;
        for (Held h : held) {
            if (h.exchange != null) {
                carrier = h;
                break;
            }
        }
        for (Held h : held) {
            if (h != carrier) {
                respond(h.exchange, ServerBody.terminate(condition));
            }
        }
        for (Ahead a : ahead.values()) {
            respond(a.exchange(), ServerBody.terminate(condition));
        }
        held.clear();
        ahead.clear();
        if (carrier != null) {
            respond(carrier.exchange, body);
            phase = Phase.ENDED;
            out.add(new Effect.Ended(cause, Optional.of(condition)));
        } else {
            phase = Phase.TERMINAL_PENDING;
            terminalBody = body;
            terminalCause = cause;
        }
    }

    private void deliverTerminal(ExchangeId exchange) {
        respond(exchange, terminalBody);
        phase = Phase.ENDED;
        out.add(new Effect.Ended(terminalCause, terminalBody.condition()));
    }

    /** XEP-0124 §10 (B-10-1): the client is gone; end silently and close upstream (U-13). */
    private void endForInactivity() {
        bounceUndelivered();
        for (Ahead a : ahead.values()) {
            respond(a.exchange(), ServerBody.terminate(Condition.ITEM_NOT_FOUND));
        }
        ahead.clear();
        out.add(new Effect.CloseUpstream(CloseMode.GRACEFUL, Optional.empty()));
        phase = Phase.ENDED;
        out.add(new Effect.Ended(EndCause.INACTIVITY, Optional.empty()));
    }

    /** XEP-0206 §7 (X-7-1): stanzas the browser will never get go back to their senders. */
    private void bounceUndelivered() {
        List<XmlPayload> undelivered = outbound.drainAll();
        if (undelivered.isEmpty()) {
            return;
        }
        List<XmlPayload> bounces = new ArrayList<>();
        for (XmlPayload p : undelivered) {
            if (p.isStanza()) {
                StreamWriter.bounce(p).ifPresent(bounces::add);
            }
        }
        if (!bounces.isEmpty()) {
            out.add(new Effect.SendUpstream(bounces));
        }
    }

    // ---------------------------------------------------------------- plumbing

    private void forwardUpstream(List<XmlPayload> payloads) {
        if (payloads.isEmpty()) {
            return;
        }
        if (awaitingRestart) {
            upstreamBacklog.addAll(payloads);
        } else {
            out.add(new Effect.SendUpstream(payloads));
        }
    }

    private long inactivityDeadlineBase() {
        return Math.max(lastResponseAt, lastArrivalAt);
    }

    /** While requests wait ahead of a gap the client is clearly there; give it a wait longer. */
    private Duration inactivityLimit() {
        return ahead.isEmpty() ? currentInactivity : currentInactivity.plus(params.waitPeriod());
    }

    private void begin() {
        out = new ArrayList<>();
    }

    private Step finish(long now) {
        long next = Long.MAX_VALUE;
        if (phase == Phase.ACTIVE) {
            next = held.isEmpty() ? inactivityDeadlineBase() + inactivityLimit().toNanos() : held.peekFirst().deadline;
        } else if (phase == Phase.TERMINAL_PENDING) {
            next = lastResponseAt + params.inactivity().toNanos();
        }
        if (next != Long.MAX_VALUE) {
            out.add(new Effect.WakeAt(next));
        }
        Step step = Step.of(out);
        out = new ArrayList<>();
        return step;
    }

    @Override
    public String toString() {
        return "BoshSession[" + phase + ", held=" + held.size() + ", ahead=" + ahead.size()
                + ", outbound=" + outbound.bytes() + "B]";
    }
}
