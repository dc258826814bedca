package boshcm.protocol.session;

import boshcm.protocol.body.BodyAttribute;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.error.Condition;
import boshcm.protocol.rid.ResponseBuffer;
import boshcm.protocol.xmpp.StreamEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One BOSH session (XEP-0124) carrying its XMPP streams (XEP-0206): the state machine behind a
 * {@code sid}. Sans-I/O: every call takes the current {@code System.nanoTime()} and returns the
 * {@link Step} of effects for the driver to carry out. Not thread-safe: each session is confined to
 * one event loop (design.md §2).
 *
 * <p>This class owns the session's phase and routes each event to the small classes that keep the
 * rules. Requests are admitted by rid ({@link RequestAdmission}); every admitted request is processed
 * here in rid order (XEP-0124 §14.2) and joins the {@link HeldRequests}, which are answered oldest
 * first: with the server's data as soon as there is some, empty once {@code wait} passes, or at once
 * when more than {@code hold} are held (§8). The {@link ResponseComposer} builds each answer, and every
 * answer is kept in the {@link ResponseBuffer} so a retransmitted rid gets it again (§14.3). Payloads
 * travel to and from the upstream streams through the {@link StreamRelay}; {@link ClientActivity}
 * tracks the client's pace (§10 to §12); {@link SessionEnding} carries out every way the session ends.
 * How one session carries several streams (XEP-0124 §16) is told at {@link StreamRelay}.
 */
public final class BoshSession {

    /**
     * NEW until creation; ACTIVE while requests are served; TERMINAL_PENDING once the upstream side
     * ended the session with no request open to say so (the next request, or inactivity, ends it).
     */
    private enum Phase { NEW, ACTIVE, TERMINAL_PENDING, ENDED }

    private final String sid;
    private final SessionPolicy policy;
    private final SessionStreams streams;
    private final Outbox out = new Outbox();
    private final HeldRequests held = new HeldRequests();
    private final StreamRelay relay;
    private final ReadPause readPause;

    private Phase phase = Phase.NEW;
    // From session creation on (XEP-0124 §7.2): what was negotiated and the classes that depend on it.
    private SessionParams params;
    private KeySequence keys;
    private ResponseBuffer responses;
    private RequestAdmission admission;
    private ResponseComposer composer;
    private ClientActivity activity;
    private SessionEnding ending;

    /**
     * @param streamNames where stream names come from (XEP-0124 §16 #multi-discover: opaque,
     *                    unpredictable, unique); the server passes a secure random source, tests a counter
     */
    public BoshSession(String sid, SessionPolicy policy, Supplier<String> streamNames) {
        this.sid = sid;
        this.policy = policy;
        this.streams = new SessionStreams(streamNames, policy.maxStreams());
        this.relay = new StreamRelay(policy, streams, out);
        this.readPause = new ReadPause(policy.pauseReadingBytes());
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

    /** The credential the CM would authenticate again with (SM-13), while it holds one; for tests. */
    Optional<boshcm.protocol.sm.ReauthCredential> reauthCredential() {
        SessionStream first = streams.first();
        return first == null || first.managed == null ? Optional.empty() : first.managed.credential();
    }

    /** Requests held now (XEP-0124 §8); for tests (the fuzzed session checks it against {@code hold}). */
    int heldCount() {
        return held.size();
    }

    /** When the oldest held request is due to be answered empty; {@link Long#MAX_VALUE} if none is held. For tests. */
    long heldDueAt() {
        return held.isEmpty() ? Long.MAX_VALUE : held.nextDeadline();
    }

    /** Bytes waiting on the streams: server payloads for the browser, or client payloads for the server. For tests. */
    long queuedBytes(boolean towardBrowser) {
        if (towardBrowser) {
            return streams.bufferedBytes();
        }
        return relay.clientBacklogBytes();
    }

    // ---------------------------------------------------------------- events

    /** The session creation request (no {@code sid}): XEP-0124 §7.1. Called once, first. */
    public Step onCreate(ClientBody body, ExchangeId exchange, long now) {
        begin(now);
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
        keys = new KeySequence(body.newKey());
        responses = new ResponseBuffer(params.requests(), policy.responseCacheSize(), policy.maxBufferedBytes(),
                params.waitPeriod().plus(params.inactivity()).multipliedBy(2).toNanos());
        admission = new RequestAdmission(body.rid(), params.requests(), policy, responses, held);
        composer = new ResponseComposer(sid, policy, params, body.rid(), admission, responses, streams);
        activity = new ClientActivity(policy, params, now);
        ending = new SessionEnding(held, admission, relay, streams, composer, out);
        SessionStream first = relay.open(streams.newName(), params.domain(), params.from(), params.lang(),
                params.xmppVersion(), accepted.target(), true);
        relay.forward(first, body.payloads());
        // X-4-1: the creation request is held like any other, so it carries the stream features
        // as soon as the server sends them, or returns empty at 'wait'.
        held.add(new HeldRequests.Held(body.rid(), exchange, now + params.waitPeriod().toNanos(), false,
                Optional.empty()));
        settle(now);
        return finish(now);
    }

    /** A later request naming this session's sid. */
    public Step onRequest(ClientBody body, ExchangeId exchange, long now) {
        begin(now);
        switch (phase) {
            case NEW:
                throw new IllegalStateException("onRequest before onCreate");
            case ENDED:
                out.add(Tally.Request.AFTER_END.effect());
                out.respond(exchange, ServerBody.terminate(Condition.ITEM_NOT_FOUND));
                return finish(now);
            case TERMINAL_PENDING:
                out.add(Tally.Request.AFTER_END.effect());
                ending.deliverPending(exchange);
                phase = Phase.ENDED;
                return finish(now);
            case ACTIVE:
                break;
        }
        boolean pauses = body.pause().isPresent() && policy.pauseSupported();
        boolean pauseOrTerminate = pauses || body.isTerminate();
        RequestAdmission.Admission admitted = admission.admit(body, exchange, pauseOrTerminate, now);
        if (admitted instanceof RequestAdmission.Refused refused) {
            out.add(Tally.Request.REFUSED.effect());
            out.add(refused.limit().effect());
            fail(exchange, refused.condition());
        } else if (admitted instanceof RequestAdmission.Resend resend) {
            out.add(Tally.Request.REPLAYED.effect());
            out.respond(exchange, resend.response());
            activity.responded(now);
        } else if (admitted instanceof RequestAdmission.Queued queued) {
            out.add((queued.retransmission() ? Tally.Request.REPLACED : Tally.Request.AHEAD).effect());
            queued.displaced().ifPresent(older -> out.respond(older, ServerBody.recoverableError()));
        } else if (admitted instanceof RequestAdmission.InOrder) {
            out.add(Tally.Request.IN_ORDER.effect());
            process(body, exchange, now);
            RequestAdmission.Ahead next;
            while (phase == Phase.ACTIVE && (next = admission.nextInOrder()) != null) {
                process(next.body(), next.exchange(), now);
            }
            if (phase == Phase.ACTIVE && relay.smOverflowed()) {
                out.add(Tally.Limit.SM_QUEUE.effect());
                fail(exchange, Condition.POLICY_VIOLATION);           // SM-18: the unacknowledged queue is full
            }
            if (phase == Phase.ACTIVE && (relay.clientBacklogBytes() > policy.maxBufferedBytes()
                    || streams.bufferedBytes() > policy.maxBufferedBytes())) {
                // S-10 (fuzzing findings): what the client's requests make the session hold stays bounded:
                // payloads sent after SASL success without the restart (X-5-7) or during a resume (SM-12),
                // and the CM's own answers to the client's XEP-0198 elements in managed mode (for the browser).
                out.add(Tally.Limit.BUFFERED_BYTES.effect());
                fail(exchange, Condition.POLICY_VIOLATION);
            }
            if (phase == Phase.ACTIVE && !pauseOrTerminate && activity.overactive(held.size(), admission.hasWaiting())) {
                out.add(Tally.Limit.OVERACTIVITY.effect());
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
        begin(now);
        int connection = -1;
        for (StreamEvent event : events) {
            SessionStream s = streams.get(stream);
            if (phase != Phase.ACTIVE || s == null) {
                break;
            }
            if (connection == -1) {
                connection = s.connections;
            } else if (s.connections != connection || !s.connected) {
                // The rest of the read came from a connection the session has closed or replaced, like the
                // </stream:stream> after a stream error that started an XEP-0198 resume (SM-12, SM-14; a
                // fuzzing finding: it was taken for the new connection's, which was then dropped).
                break;
            }
            relay.absorb(s, event).ifPresent(this::streamEnded);
            if (phase == Phase.ACTIVE && streams.bufferedBytes() >= policy.maxResponseBytes()) {
                settle(now);
            }
        }
        if (phase == Phase.ACTIVE) {
            settle(now);
        }
        return finish(now);
    }

    /** A deadline asked for with {@link Effect.WakeAt} came due (or the driver woke early). */
    public Step onTimer(long now) {
        begin(now);
        if (phase == Phase.ACTIVE) {
            relay.smTimer().ifPresent(this::streamEnded);            // SM-18 <r/>; SM-12 resume deadline
        }
        if (phase == Phase.ACTIVE) {
            settle(now);
            if (held.isEmpty() && activity.inactive(now, admission.hasWaiting())) {
                ending.inactivity();                                  // §10, B-10-1
                phase = Phase.ENDED;
            }
        } else if (phase == Phase.TERMINAL_PENDING && activity.pendingEndExpired(now)) {
            ending.pendingExpired();
            phase = Phase.ENDED;
        }
        return finish(now);
    }

    /** The HTTP exchange went away unanswered (client closed it, or the backstop timeout fired). */
    public Step onExchangeGone(ExchangeId exchange, long now) {
        begin(now);
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
        begin(now);
        if (phase == Phase.ACTIVE) {
            fail(exchange, condition);
        } else if (phase == Phase.TERMINAL_PENDING) {
            ending.deliverPending(exchange);
            phase = Phase.ENDED;
        } else {
            out.respond(exchange, ServerBody.terminate(condition));
        }
        return finish(now);
    }

    /** The connection manager is shutting down: XEP-0124 §17.2 system-shutdown (B-17.2-5). */
    public Step onShutdown(long now) {
        return onShutdown(ServerBody.terminate(Condition.SYSTEM_SHUTDOWN), now);
    }

    /**
     * The connection manager is shutting down, and every open request gets {@code farewell}: a
     * terminate body with a condition, either {@code system-shutdown} (B-17.2-5) or
     * {@link ServerBody#seeOtherUri} naming where the client can go instead (B-17.2-3).
     */
    public Step onShutdown(ServerBody farewell, long now) {
        if (!farewell.isTerminal() || farewell.condition().isEmpty()) {
            throw new IllegalArgumentException("a shutdown answers with a terminate body and a condition: " + farewell);
        }
        begin(now);
        if (phase == Phase.ACTIVE || phase == Phase.TERMINAL_PENDING) {
            ending.shutdown(phase == Phase.ACTIVE, farewell);
            phase = Phase.ENDED;
        }
        return finish(now);
    }

    // ---------------------------------------------------------------- requests

    /** One request in rid order (XEP-0124 §14.2): acks, keys, pause, terminate, restart, payloads. */
    private void process(ClientBody body, ExchangeId exchange, long now) {
        Optional<HeldRequests.Report> report = composer.acknowledged(body, now);
        relay.browserAcknowledged(acknowledgedRid(body));             // SM-17
        if (!keys.accept(body.key(), body.newKey())) {
            fail(exchange, Condition.ITEM_NOT_FOUND);                 // §15.4, B-15.4-2: nothing forwarded
            return;
        }
        Optional<List<SessionStream>> addressed = relay.addressed(body);
        if (addressed.isEmpty()) {
            fail(exchange, Condition.ITEM_NOT_FOUND);                 // §16: an unknown stream
            return;
        }
        List<SessionStream> targets = addressed.get();
        activity.resume();
        if (body.pause().isPresent() && policy.pauseSupported()) {
            Duration pause = Duration.ofSeconds(body.pause().getAsInt());
            if (pause.compareTo(policy.maxPause()) > 0) {
                if (policy.rejectLongPause()) {
                    out.add(Tally.Limit.PAUSE.effect());
                    fail(exchange, Condition.POLICY_VIOLATION);       // B-10-7
                    return;
                }
            } else {
                // §10, B-10-4: answer every held request now; this one carries no payloads.
                relay.forward(targets, body.payloads());
                activity.pause(pause);
                held.add(new HeldRequests.Held(body.rid(), exchange, now, true, Optional.empty()));
                return;
            }
        }
        if (body.isTerminate()) {
            if (policy.multiStreams() && body.stream().isPresent() && !(targets.size() == 1 && streams.size() == 1)) {
                relay.closeByClient(body, targets);                   // §16 #multi-close
                answerNow(body.rid(), exchange,
                        ServerBody.terminate().with(BodyAttribute.STREAM, body.stream().orElseThrow()), now);
            } else {
                ending.clientTerminate(body, targets, exchange);      // §13
                phase = Phase.ENDED;
            }
            return;
        }
        if (activity.pollsTooSoon(body, now) && previousResponseWasEmpty(body.rid())) {
            out.add(Tally.Limit.POLLING.effect());
            fail(exchange, Condition.POLICY_VIOLATION);               // §12 #poll, B-12-3
            return;
        }
        activity.arrived(body, now);
        if (body.restart()) {
            relay.restart(body, targets);
        } else if (!body.isEmpty()) {
            relay.forward(targets, body.payloads());
        }
        if (relay.addsStream(body)) {
            answerNow(body.rid(), exchange, relay.addStream(body, params), now);   // §16 #multi-add
            return;
        }
        held.add(new HeldRequests.Held(body.rid(), exchange, now + params.waitPeriod().toNanos(), false, report));
    }

    /**
     * SM-17: the highest rid whose response the browser surely has: its {@code ack}; else r − 1 for a
     * client that opted in with {@code ack='1'} (B-7.1-8); else r − {@code requests}, since at most
     * {@code requests} requests are outstanding.
     */
    private long acknowledgedRid(ClientBody body) {
        if (body.ack().isPresent()) {
            return body.ack().getAsLong();
        }
        return params.clientAcks() ? body.rid() - 1 : body.rid() - params.requests();
    }

    private boolean previousResponseWasEmpty(long rid) {
        return responses.get(rid - 1).map(s -> s.body().payloads().isEmpty()).orElse(false);
    }

    // ---------------------------------------------------------------- responses

    /** Answers held requests, oldest first, while one must go (XEP-0124 §8, §10). */
    private void settle(long now) {
        HeldRequests.Held due;
        while ((due = held.nextDue(now, params.hold(), streams.hasOutput())) != null) {
            ServerBody answer = composer.answer(due);
            if (!due.pause && now - due.deadline >= 0 && answer.payloads().isEmpty() && !answer.isTerminal()) {
                out.add(Tally.Held.WAIT_EXPIRED.effect());              // §8: nothing came within 'wait'
            }
            send(due.rid, due.exchange, answer, !due.pause, now);    // B-14.3-1: pauses not kept
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

    /** A terminal binding condition caused by one request (XEP-0124 §17.2). */
    private void fail(ExchangeId culprit, Condition condition) {
        ending.bindingError(culprit, condition);
        phase = Phase.ENDED;
    }

    /**
     * The server ended a stream (XEP-0124 §16 #multi-error). While other streams stay open only that one
     * closes: the browser gets {@code <body type='terminate' condition='...' stream='name'>} with the
     * stream's undelivered payloads, in the stream's turn like any data, and the session goes on. The
     * last open stream, or a session that outgrew its buffer, takes the session with it.
     */
    private void streamEnded(StreamRelay.StreamEnd end) {
        if (end.wholeSession() || streams.size() == 1) {
            phase = ending.upstream(end) ? Phase.ENDED : Phase.TERMINAL_PENDING;
        } else {
            streams.ended(end.stream(), end.notice());
        }
    }

    private Step finish(long now) {
        long next = Long.MAX_VALUE;
        if (phase == Phase.ACTIVE) {
            readPause.update(streams.bufferedBytes(), relay.resuming(), out);   // U-15, S-10: backpressure
            next = held.isEmpty() ? activity.inactiveAt(admission.hasWaiting()) : held.nextDeadline();
            long sm = relay.smDueAt();
            if (sm != Long.MAX_VALUE && sm - next < 0) {
                next = sm;
            }
        } else if (phase == Phase.TERMINAL_PENDING) {
            next = activity.pendingEndExpiresAt();
        }
        if (next != Long.MAX_VALUE) {
            out.add(new Effect.WakeAt(next));
        }
        if (phase == Phase.ENDED || phase == Phase.TERMINAL_PENDING) {
            relay.wipeCredentials();                                  // SM-13 (c): wiped at session end
        }
        return out.take();
    }

    /** An event begins at {@code now}. */
    private void begin(long now) {
        out.begin();
        relay.tick(now);
    }

    @Override
    public String toString() {
        return "BoshSession[" + phase + ", held=" + held.size() + ", ahead=" + (admission == null ? 0 : admission.waiting())
                + ", streams=" + streams.size() + ", outbound=" + streams.bufferedBytes() + "B"
                + (readPause.paused() ? ", reading paused" : "") + "]";
    }
}
