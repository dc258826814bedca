package boshcm.protocol.session;

import boshcm.protocol.body.BodyAttribute;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.rid.ResponseBuffer;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import boshcm.protocol.xmpp.StreamWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One BOSH session (XEP-0124) carrying one XMPP c2s stream (XEP-0206): the state machine behind a
 * {@code sid}. Sans-I/O: every call takes the current {@code System.nanoTime()} and returns the
 * {@link Step} of effects for the driver to carry out. Not thread-safe: each session is confined to
 * one event loop (design.md §2).
 *
 * <p>Requests are admitted by rid ({@link RequestAdmission}); those ahead of a gap wait there
 * until it fills, then every admitted request is processed in rid order (XEP-0124 §14.2) and its
 * exchange joins {@code held}. Held requests are answered oldest first: with the server's data as soon
 * as there is some, empty once {@code wait} passes, or at once when more than {@code hold} are held
 * (§8). Every answer is kept in the {@link ResponseBuffer} so a retransmitted rid gets it again
 * (§14.3). This class is longer than most because it is the one place these rules meet; the
 * bookkeeping lives in the small classes it composes.
 *
 * <p>Multiple streams (XEP-0124 §16 #multi, when the policy allows them): each {@link SessionStream}
 * has its own upstream connection, restart state and queue of server payloads ({@link SessionStreams}).
 * A later request with {@code to} adds a stream; client payloads go to the stream named by
 * {@code stream}, or to every open stream without it; a response carries one stream's payloads, the
 * streams taking turns, and names it with {@code stream} once a second stream was opened. A stream the
 * server ends while others stay open is reported with a terminate body naming it; the last one ends
 * the session. With one stream every response is what it would be without §16, except that the
 * creation response names the stream.
 */
public final class BoshSession {

    private enum Phase { NEW, ACTIVE, TERMINAL_PENDING, ENDED }

    private final String sid;
    private final SessionPolicy policy;

    private Phase phase = Phase.NEW;
    private SessionParams params;
    private RequestAdmission admission;
    private ResponseBuffer responses;
    private KeySequence keys;
    private final HeldRequests held = new HeldRequests();
    private final SessionStreams streams;

    private ResponseComposer composer;
    private ClientActivity activity;

    private ServerBody terminalBody;
    private EndCause terminalCause;

    private final Outbox out = new Outbox();

    /**
     * @param streamNames where stream names come from (XEP-0124 §16 #multi-discover: opaque,
     *                    unpredictable, unique); the server passes a secure random source, tests a counter
     */
    public BoshSession(String sid, SessionPolicy policy, Supplier<String> streamNames) {
        this.sid = sid;
        this.policy = policy;
        this.streams = new SessionStreams(streamNames, policy.maxStreams());
    }

    public String sid() {
        return sid;
    }

    /** The negotiated parameters; empty before creation succeeded. */
    public Optional<SessionParams> params() {
        return Optional.ofNullable(params);
    }

    /** The full JID the server bound on the session's first stream, once known (RFC 6120 §7; checklist U-7). */
    public Optional<String> boundJid() {
        return streams.first() == null ? Optional.empty() : streams.first().boundJid;
    }

    /** The full JID bound on the open stream of that name (XEP-0124 §16), once known. */
    public Optional<String> boundJid(String stream) {
        return Optional.ofNullable(streams.get(stream)).flatMap(s -> s.boundJid);
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
        out.negotiated(params);
        responses = new ResponseBuffer(params.requests(), policy.responseCacheSize(), policy.maxBufferedBytes());
        admission = new RequestAdmission(body.rid(), params.requests(), policy, responses, held);
        composer = new ResponseComposer(sid, policy, params, body.rid(), admission, responses, streams);
        activity = new ClientActivity(policy, params, now);
        keys = new KeySequence(body.newKey());
        SessionStream first = openStream(streams.newName(), params.domain(), params.from(), params.lang(),
                params.xmppVersion(), accepted.target());
        forwardUpstream(first, body.payloads());
        // X-4-1: the creation request is held like any other, so it carries the stream features
        // as soon as the server sends them, or returns empty at 'wait'.
        held.add(new HeldRequests.Held(body.rid(), exchange, now + params.waitPeriod().toNanos(), false,
                Optional.empty()));
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
                out.respond(exchange, ServerBody.terminate(Condition.ITEM_NOT_FOUND));
                return finish(now);
            case TERMINAL_PENDING:
                deliverTerminal(exchange);
                return finish(now);
            case ACTIVE:
                break;
        }
        boolean pauses = body.pause().isPresent() && policy.pauseSupported();
        boolean pauseOrTerminate = pauses || body.isTerminate();
        RequestAdmission.Admission admitted = admission.admit(body, exchange, pauseOrTerminate, now);
        if (admitted instanceof RequestAdmission.Refused refused) {
            fail(exchange, refused.condition());
        } else if (admitted instanceof RequestAdmission.Resend resend) {
            out.respond(exchange, resend.response());
            activity.responded(now);
        } else if (admitted instanceof RequestAdmission.Queued queued) {
            queued.displaced().ifPresent(older -> out.respond(older, ServerBody.recoverableError()));
        } else if (admitted instanceof RequestAdmission.InOrder) {
            process(body, exchange, now);
            RequestAdmission.Ahead next;
            while (phase == Phase.ACTIVE && (next = admission.nextInOrder()) != null) {
                process(next.body(), next.exchange(), now);
            }
            if (phase == Phase.ACTIVE && !pauseOrTerminate && activity.overactive(held.size(), admission.hasWaiting())) {
                fail(exchange, Condition.POLICY_VIOLATION);           // §11 #overactive, B-11-3
            }
        } else {
            throw new AssertionError(admitted);
        }
        if (phase == Phase.ACTIVE) {
            settle(now);
        }
        return finish(now);
    }

    /**
     * Something happened on the upstream connection of {@code stream}, a name from an
     * {@link Effect.OpenUpstream}. Events of a stream already closed are ignored.
     */
    public Step onUpstream(String stream, StreamEvent event, long now) {
        return onUpstream(stream, List.of(event), now);
    }

    /**
     * Events the server sent together on {@code stream} (one read), in order. They are all taken in
     * before held requests are answered, so they share a response: a burst of stanzas goes out in one
     * body (B-8-5), and a stanza followed by a stream error becomes one {@code remote-stream-error}
     * terminate holding both (X-6-1) instead of a stanza-only response and a terminate left pending.
     * A full response's worth is sent at once, so that one large read does not pile up (U-15).
     */
    public Step onUpstream(String stream, List<StreamEvent> events, long now) {
        begin();
        for (StreamEvent event : events) {
            SessionStream s = streams.get(stream);
            if (phase != Phase.ACTIVE || s == null) {
                break;
            }
            absorb(s, event);
            if (phase == Phase.ACTIVE && streams.bufferedBytes() >= policy.maxResponseBytes()) {
                settle(now);
            }
        }
        if (phase == Phase.ACTIVE) {
            settle(now);
        }
        return finish(now);
    }

    private void absorb(SessionStream s, StreamEvent event) {
        if (event instanceof StreamEvent.Opened opened) {
            s.serverHeader = Optional.of(opened.header());
        } else if (event instanceof StreamEvent.Features features) {
            streams.queue(s, features.clientView());
        } else if (event instanceof StreamEvent.Element element) {
            XmlPayload payload = element.payload();
            if (payload.is(Namespaces.SASL, "success")) {
                s.awaitingRestart = true;                             // X-5-7
            }
            if (element.boundJid().isPresent()) {
                s.boundJid = element.boundJid();
            }
            streams.queue(s, payload);
            if (streams.bufferedBytes() > policy.maxBufferedBytes()) {
                // U-15, S-10: the browser is not taking data fast enough; the bound is hit. The whole
                // session goes: the other streams' stanzas bounce as at any other end.
                out.add(new Effect.CloseUpstream(s.name, CloseMode.GRACEFUL, Optional.of("policy-violation")));
                List<XmlPayload> undelivered = s.outbound.drainAll();
                streams.close(s);
                bounceUndelivered();
                closeUpstreams();
                terminal(Condition.REMOTE_CONNECTION_FAILED, undelivered, s, EndCause.UPSTREAM);
            }
        } else if (event instanceof StreamEvent.StreamError error) {
            // RFC 6120 §4.9, XEP-0206 §6 (X-6-1): undelivered stanzas, then the whole stream error.
            List<XmlPayload> payloads = s.outbound.drainAll();
            payloads.add(error.clientView());
            out.add(new Effect.CloseUpstream(s.name, CloseMode.GRACEFUL, Optional.empty()));
            streamEnded(s, Condition.REMOTE_STREAM_ERROR, payloads);
        } else if (event instanceof StreamEvent.Closed) {
            out.add(new Effect.CloseUpstream(s.name, CloseMode.GRACEFUL, Optional.empty()));
            streamEnded(s, Condition.REMOTE_CONNECTION_FAILED, s.outbound.drainAll());
        } else if (event instanceof StreamEvent.Malformed malformed) {
            // U-14: tell the server why, then fail the stream.
            out.add(new Effect.CloseUpstream(s.name, CloseMode.GRACEFUL, Optional.of(malformed.streamErrorCondition())));
            streamEnded(s, Condition.REMOTE_CONNECTION_FAILED, s.outbound.drainAll());
        } else if (event instanceof StreamEvent.Lost) {
            streamEnded(s, Condition.REMOTE_CONNECTION_FAILED, s.outbound.drainAll());   // U-10
        } else {
            throw new AssertionError(event);
        }
    }

    /** A deadline asked for with {@link Effect.WakeAt} came due (or the driver woke early). */
    public Step onTimer(long now) {
        begin();
        if (phase == Phase.ACTIVE) {
            settle(now);
            if (held.isEmpty() && activity.inactive(now, admission.hasWaiting())) {
                endForInactivity();
            }
        } else if (phase == Phase.TERMINAL_PENDING && activity.pendingEndExpired(now)) {
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
            HeldRequests.Held h = held.remove(exchange);
            if (h != null) {
                // Answered, empty, into the response cache only: any data stays queued for a live
                // request, and a retransmission of this rid gets the empty answer (§14.3).
                send(h.rid, null, composer.withAck(ServerBody.empty(), h.rid), !h.pause, now);
            }
            admission.gone(exchange);
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
            out.respond(exchange, ServerBody.terminate(condition));
        }
        return finish(now);
    }

    /** The connection manager is shutting down: XEP-0124 §17.2 system-shutdown (B-17.2-5). */
    public Step onShutdown(long now) {
        begin();
        if (phase == Phase.ACTIVE || phase == Phase.TERMINAL_PENDING) {
            if (phase == Phase.ACTIVE) {
                bounceUndelivered();
                closeUpstreams();
            } else if (!terminalBody.payloads().isEmpty()) {
                // The upstream is gone, so nothing can bounce: as at inactivity, never lost without a trace.
                out.add(new Effect.Undeliverable(terminalBody.payloads(), "shut down before the session's end was delivered"));
            }
            for (HeldRequests.Held h : held.drain()) {
                out.respond(h.exchange, ServerBody.terminate(Condition.SYSTEM_SHUTDOWN));
            }
            for (ExchangeId waiting : admission.dropWaiting()) {
                out.respond(waiting, ServerBody.terminate(Condition.SYSTEM_SHUTDOWN));
            }
            phase = Phase.ENDED;
            out.add(new Effect.Ended(EndCause.SHUTDOWN, Optional.of(Condition.SYSTEM_SHUTDOWN)));
        }
        return finish(now);
    }

    // ---------------------------------------------------------------- requests

    /** One request in rid order (XEP-0124 §14.2): acks, keys, pause, terminate, restart, payloads. */
    private void process(ClientBody body, ExchangeId exchange, long now) {
        Optional<HeldRequests.Report> report = composer.acknowledged(body, now);
        if (!keys.accept(body.key(), body.newKey())) {
            fail(exchange, Condition.ITEM_NOT_FOUND);                 // §15.4, B-15.4-2: nothing forwarded
            return;
        }
        List<SessionStream> targets = addressed(body, exchange);
        if (phase != Phase.ACTIVE) {
            return;                                                   // an unknown stream ended the session
        }
        activity.resume();                                            // §10: the next request ends a pause (B-10-5)
        if (body.pause().isPresent() && policy.pauseSupported()) {
            Duration pause = Duration.ofSeconds(body.pause().getAsInt());
            if (pause.compareTo(policy.maxPause()) > 0) {
                if (policy.rejectLongPause()) {
                    fail(exchange, Condition.POLICY_VIOLATION);       // B-10-7
                    return;
                }
            } else {
                // §10, B-10-4: answer every held request now; this one carries no payloads.
                forwardUpstream(targets, body.payloads());
                activity.pause(pause);
                held.add(new HeldRequests.Held(body.rid(), exchange, now, true, Optional.empty()));
                return;
            }
        }
        if (body.isTerminate()) {
            if (policy.multiStreams() && body.stream().isPresent() && !(targets.size() == 1 && streams.size() == 1)) {
                closeStreamByClient(body, targets, exchange, now);    // §16 #multi-close
            } else {
                terminateByClient(body, targets, exchange);
            }
            return;
        }
        if (activity.pollsTooSoon(body, now) && previousResponseWasEmpty(body.rid())) {
            fail(exchange, Condition.POLICY_VIOLATION);               // §12 #poll, B-12-3
            return;
        }
        activity.arrived(body, now);
        if (body.restart()) {
            restart(body, targets);
        } else if (!body.isEmpty()) {
            forwardUpstream(targets, body.payloads());
        }
        if (addsStream(body)) {
            addStream(body, exchange, now);                           // answered at once
            return;
        }
        held.add(new HeldRequests.Held(body.rid(), exchange, now + params.waitPeriod().toNanos(), false, report));
    }

    private boolean previousResponseWasEmpty(long rid) {
        return responses.get(rid - 1).map(s -> s.body().payloads().isEmpty()).orElse(false);
    }

    /**
     * XEP-0206 §5 (X-5-2, X-5-4, X-5-5, X-5-6): a new stream header on the same connection; payloads in
     * the restart request are ignored. Without {@code stream} in a session of several streams, the
     * restart is for those waiting for one after SASL success, or for every stream if none is.
     */
    private void restart(ClientBody body, List<SessionStream> targets) {
        List<SessionStream> restarting = targets;
        if (targets.size() > 1) {
            List<SessionStream> awaiting = targets.stream().filter(t -> t.awaitingRestart).toList();
            restarting = awaiting.isEmpty() ? targets : awaiting;
        }
        for (SessionStream s : restarting) {
            s.awaitingRestart = false;
            out.add(new Effect.RestartUpstream(s.name, s.restartHeader(body.to(), body.from(), body.lang())));
            flushBacklog(s);
        }
    }

    /**
     * XEP-0124 §16 #multi-transmit: the streams a request's payloads, restart or terminate are for. The
     * named stream; every open stream when none is named (broadcast) or multi-streams is off (B-16-1);
     * none for a stream closed lately, or when an empty request names an unknown one ("the receiving
     * entity SHOULD ignore the attribute"). Any other unknown name ends the session with item-not-found
     * and leaves no stream.
     */
    private List<SessionStream> addressed(ClientBody body, ExchangeId exchange) {
        if (!policy.multiStreams() || body.stream().isEmpty()) {
            return List.copyOf(streams.all());
        }
        String name = body.stream().get();
        SessionStream s = streams.get(name);
        if (s != null) {
            return List.of(s);
        }
        if (streams.closedLately(name) || (body.isEmpty() && !body.isTerminate() && !body.restart())) {
            return List.of();
        }
        fail(exchange, Condition.ITEM_NOT_FOUND);
        return List.of();
    }

    /** XEP-0124 §16 #multi-add: {@code to} without {@code stream} on a later request asks for another stream. */
    private boolean addsStream(ClientBody body) {
        return policy.multiStreams() && body.stream().isEmpty() && !body.restart()
                && body.to().filter(t -> !t.isBlank()).isPresent();
    }

    /**
     * XEP-0124 §16 #multi-add: opens a stream to the requested domain under the creation rules (served
     * domains, route allow-list) and answers at once with its name, like
     * {@code <body stream='s2' xmpp:version='1.0'/>} (X-4-5). The server's {@code from} and
     * {@code authid} come with the stream's features, in a response that names the stream. A refused
     * stream (domain, route, or {@code maxStreams} already open) is answered with a terminate body
     * naming it, and the session goes on (§16 #multi-error).
     */
    private void addStream(ClientBody body, ExchangeId exchange, long now) {
        String name = streams.newName();
        Negotiation.Result routing = Negotiation.route(body, policy, params.contentType());
        ServerBody answer;
        if (streams.size() >= policy.maxStreams()) {
            answer = ServerBody.terminate(Condition.POLICY_VIOLATION);
        } else if (routing instanceof Negotiation.Routed routed) {
            SessionStream s = openStream(name, routed.domain(), body.from(), body.lang().or(params::lang),
                    body.xmppVersion().orElse(params.xmppVersion()), routed.target());
            answer = ServerBody.empty().with(BodyAttribute.XMPP_VERSION, s.xmppVersion);
        } else {
            answer = ServerBody.terminate(((Negotiation.Refused) routing).condition());
        }
        if (answer.isTerminal()) {
            streams.remember(name);
        }
        answerNow(body.rid(), exchange, answer.with(BodyAttribute.STREAM, name), now);
    }

    /** XEP-0124 §13: payloads go upstream first (B-13-1), then every stream closes; B-13-2 answers. */
    private void terminateByClient(ClientBody body, List<SessionStream> targets, ExchangeId exchange) {
        forwardUpstream(targets, body.payloads());
        for (SessionStream s : streams.all()) {
            flushBacklog(s);
        }
        bounceUndelivered();
        closeUpstreams();
        boolean first = true;
        for (HeldRequests.Held h : held.drain()) {
            if (h.exchange != null) {
                out.respond(h.exchange, first ? ServerBody.terminate() : ServerBody.empty());
                first = false;
            }
        }
        out.respond(exchange, first ? ServerBody.terminate() : ServerBody.empty());
        for (ExchangeId waiting : admission.dropWaiting()) {
            out.respond(waiting, ServerBody.terminate());
        }
        phase = Phase.ENDED;
        out.add(new Effect.Ended(EndCause.CLIENT_TERMINATE, Optional.empty()));
    }

    /**
     * XEP-0124 §16 #multi-close: the client closes one stream of several. Its payloads go to it first,
     * the server's stanzas it will no longer read bounce (X-7-1), and the request is answered at once
     * with {@code <body type='terminate' stream='name'/>}. A stream closed lately is acknowledged the same way.
     */
    private void closeStreamByClient(ClientBody body, List<SessionStream> targets, ExchangeId exchange, long now) {
        for (SessionStream s : targets) {
            forwardUpstream(s, body.payloads());
            flushBacklog(s);
            bounce(s);
            out.add(new Effect.CloseUpstream(s.name, CloseMode.GRACEFUL, Optional.empty()));
            streams.close(s);
            streams.withdraw(s);
        }
        answerNow(body.rid(), exchange, ServerBody.terminate().with(BodyAttribute.STREAM, body.stream().orElseThrow()), now);
    }

    // ---------------------------------------------------------------- responses

    /** Answers held requests, oldest first, while one must go (XEP-0124 §8, §10). */
    private void settle(long now) {
        HeldRequests.Held due;
        while ((due = held.nextDue(now, params.hold(), streams.hasOutput())) != null) {
            send(due.rid, due.exchange, composer.answer(due), !due.pause, now);   // B-14.3-1: pauses not kept
        }
    }

    /** A request answered as soon as it is processed (adding or closing a stream). */
    private void answerNow(long rid, ExchangeId exchange, ServerBody body, long now) {
        send(rid, exchange, composer.withAck(body, rid), true, now);
    }

    /** Sends an answer (nowhere once the client left) and, if {@code keep}, keeps it for a retransmission (§14.3). */
    private void send(long rid, ExchangeId exchange, ServerBody body, boolean keep, long now) {
        if (keep) {
            responses.put(rid, body, now);
        }
        activity.responded(now);
        out.respond(exchange, body);
    }

    // ---------------------------------------------------------------- endings

    /**
     * A terminal binding condition caused by one request (XEP-0124 §17.2): that request gets the
     * condition, every other open request gets other-request (B-17.2-2), and the session ends.
     */
    private void fail(ExchangeId culprit, Condition condition) {
        out.respond(culprit, ServerBody.terminate(condition));
        for (HeldRequests.Held h : held.drain()) {
            if (!Optional.ofNullable(h.exchange).equals(Optional.ofNullable(culprit))) {
                out.respond(h.exchange, ServerBody.terminate(Condition.OTHER_REQUEST));
            }
        }
        for (ExchangeId waiting : admission.dropWaiting()) {
            if (!waiting.equals(culprit)) {
                out.respond(waiting, ServerBody.terminate(Condition.OTHER_REQUEST));
            }
        }
        bounceUndelivered();
        closeUpstreams();
        phase = Phase.ENDED;
        out.add(new Effect.Ended(EndCause.BINDING_ERROR, Optional.of(condition)));
    }

    /**
     * The server ended stream {@code s} (XEP-0124 §16 #multi-error). While other streams stay open only
     * {@code s} closes: the browser gets {@code <body type='terminate' condition='...' stream='name'>}
     * with the stream's undelivered payloads, in the stream's turn like any data, and the session goes
     * on. The last open stream takes the session with it.
     */
    private void streamEnded(SessionStream s, Condition condition, List<XmlPayload> payloads) {
        if (streams.size() == 1) {
            terminal(condition, payloads, s, EndCause.UPSTREAM);
        } else {
            streams.ended(s, ServerBody.terminate(condition).withPayloads(payloads).with(BodyAttribute.STREAM, s.name));
        }
    }

    /**
     * The upstream side ended the session: the terminal body, with the undelivered payloads of
     * {@code source}, goes on the oldest open request, or on the next one to arrive (until inactivity
     * expires). Its payloads are named with their stream as on any response (§16 #multi-transmit).
     */
    private void terminal(Condition condition, List<XmlPayload> payloads, SessionStream source, EndCause cause) {
        dropNotices();
        ServerBody body = ServerBody.terminate(condition).withPayloads(payloads);
        if (!payloads.isEmpty()) {
            body = composer.withStreamName(body, source);
        }
        HeldRequests.Held carrier = null;
        List<HeldRequests.Held> open = held.drain();
        for (HeldRequests.Held h : open) {
            if (h.exchange != null) {
                carrier = h;
                break;
            }
        }
        for (HeldRequests.Held h : open) {
            if (h != carrier) {
                out.respond(h.exchange, ServerBody.terminate(condition));
            }
        }
        for (ExchangeId waiting : admission.dropWaiting()) {
            out.respond(waiting, ServerBody.terminate(condition));
        }
        if (carrier != null) {
            out.respond(carrier.exchange, body);
            phase = Phase.ENDED;
            out.add(new Effect.Ended(cause, Optional.of(condition)));
        } else {
            phase = Phase.TERMINAL_PENDING;
            terminalBody = body;
            terminalCause = cause;
        }
    }

    private void deliverTerminal(ExchangeId exchange) {
        out.respond(exchange, terminalBody);
        phase = Phase.ENDED;
        out.add(new Effect.Ended(terminalCause, terminalBody.condition()));
    }

    /** XEP-0124 §10 (B-10-1): the client is gone; end silently and close upstream (U-13). */
    private void endForInactivity() {
        bounceUndelivered();
        for (ExchangeId waiting : admission.dropWaiting()) {
            out.respond(waiting, ServerBody.terminate(Condition.ITEM_NOT_FOUND));
        }
        closeUpstreams();
        phase = Phase.ENDED;
        out.add(new Effect.Ended(EndCause.INACTIVITY, Optional.empty()));
    }

    /** XEP-0206 §7 (X-7-1): stanzas the browser will never get go back to their senders, stream by stream. */
    private void bounceUndelivered() {
        for (SessionStream s : streams.all()) {
            bounce(s);
        }
    }

    private void bounce(SessionStream s) {
        List<XmlPayload> bounces = new ArrayList<>();
        for (XmlPayload p : s.outbound.drainAll()) {
            if (p.isStanza()) {
                StreamWriter.bounce(p).ifPresent(bounces::add);
            }
        }
        if (!bounces.isEmpty()) {
            out.add(new Effect.Bounce(s.name, bounces));
        }
    }

    /** The session ends: every open stream closes (U-13). */
    private void closeUpstreams() {
        for (SessionStream s : streams.all()) {
            out.add(new Effect.CloseUpstream(s.name, CloseMode.GRACEFUL, Optional.empty()));
        }
        dropNotices();
    }

    /** Stanzas of streams the server ended whose notice never reached the browser; no upstream is left to bounce them. */
    private void dropNotices() {
        for (ServerBody notice : streams.dropNotices()) {
            List<XmlPayload> stanzas = notice.payloads().stream().filter(XmlPayload::isStanza).toList();
            if (!stanzas.isEmpty()) {
                out.add(new Effect.Undeliverable(stanzas, "session ended before a stream's end was delivered"));
            }
        }
    }

    // ---------------------------------------------------------------- plumbing

    private SessionStream openStream(String name, String domain, Optional<String> from, Optional<String> lang,
                                     String xmppVersion, UpstreamTarget target) {
        SessionStream s = streams.open(name, domain, from, lang, xmppVersion);
        out.add(new Effect.OpenUpstream(name, target, StreamHeader.initiating(domain, from, lang, xmppVersion)));
        return s;
    }

    private void forwardUpstream(List<SessionStream> targets, List<XmlPayload> payloads) {
        for (SessionStream s : targets) {
            forwardUpstream(s, payloads);
        }
    }

    private void forwardUpstream(SessionStream s, List<XmlPayload> payloads) {
        if (payloads.isEmpty()) {
            return;
        }
        if (s.awaitingRestart) {
            s.upstreamBacklog.addAll(payloads);
        } else {
            out.add(new Effect.SendUpstream(s.name, payloads));
        }
    }

    private void flushBacklog(SessionStream s) {
        if (!s.upstreamBacklog.isEmpty()) {
            out.add(new Effect.SendUpstream(s.name, s.upstreamBacklog));
            s.upstreamBacklog.clear();
        }
    }

    private void begin() {
        out.begin();
    }

    private Step finish(long now) {
        long next = Long.MAX_VALUE;
        if (phase == Phase.ACTIVE) {
            next = held.isEmpty() ? activity.inactiveAt(admission.hasWaiting()) : held.nextDeadline();
        } else if (phase == Phase.TERMINAL_PENDING) {
            next = activity.pendingEndExpiresAt();
        }
        if (next != Long.MAX_VALUE) {
            out.add(new Effect.WakeAt(next));
        }
        return out.take();
    }

    @Override
    public String toString() {
        return "BoshSession[" + phase + ", held=" + held.size() + ", ahead=" + (admission == null ? 0 : admission.waiting())
                + ", streams=" + streams.size() + ", outbound=" + streams.bufferedBytes() + "B]";
    }
}
