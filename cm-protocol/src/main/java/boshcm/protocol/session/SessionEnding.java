package boshcm.protocol.session;

import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import java.util.List;
import java.util.Optional;

/**
 * The ways a session ends, one per {@link EndCause}: what every open request is answered, which stanzas
 * bounce (XEP-0206 §7, X-7-1), which upstream streams close (U-13), and the {@link Effect.Ended} that
 * tells the driver to forget the session. An end caused upstream waits for the next request when no
 * request is open to carry it. The session moves its phase; this class does the rest. Not thread-safe;
 * owned by its {@link BoshSession}.
 */
final class SessionEnding {

    private final HeldRequests held;
    private final RequestAdmission admission;
    private final StreamRelay relay;
    private final SessionStreams streams;
    private final ResponseComposer composer;
    private final Outbox out;

    /** The upstream end still to be delivered: the next request gets it (XEP-0124 §17.2). */
    private ServerBody pending;

    SessionEnding(HeldRequests held, RequestAdmission admission, StreamRelay relay, SessionStreams streams,
                  ResponseComposer composer, Outbox out) {
        this.held = held;
        this.admission = admission;
        this.relay = relay;
        this.streams = streams;
        this.composer = composer;
        this.out = out;
    }

    /**
     * A terminal binding condition caused by one request (XEP-0124 §17.2): that request gets the
     * condition, every other open request gets other-request (B-17.2-2), and the session ends.
     */
    void bindingError(ExchangeId culprit, Condition condition) {
        // A request answered as soon as it was processed (a stream added or closed) has had its answer:
        // then the oldest other open request carries the condition (a fuzzing finding: it was answered twice).
        boolean told = culprit != null && !out.answered(culprit);
        if (told) {
            out.respond(culprit, ServerBody.terminate(condition));
        }
        for (HeldRequests.Held h : held.drain()) {
            if (h.exchange != null && !h.exchange.equals(culprit)) {
                out.respond(h.exchange, ServerBody.terminate(told ? Condition.OTHER_REQUEST : condition));
                told = true;
            }
        }
        for (ExchangeId waiting : admission.dropWaiting()) {
            if (!waiting.equals(culprit)) {
                out.respond(waiting, ServerBody.terminate(told ? Condition.OTHER_REQUEST : condition));
                told = true;
            }
        }
        leaveStreams();
        out.add(new Effect.Ended(EndCause.BINDING_ERROR, Optional.of(condition)));
    }

    /**
     * XEP-0124 §13: the client's payloads go upstream first (B-13-1), then every stream closes. The
     * oldest open request gets the terminate body, the others an empty one (B-13-2).
     */
    void clientTerminate(ClientBody body, List<SessionStream> targets, ExchangeId exchange) {
        relay.forward(targets, body.payloads());
        for (SessionStream s : streams.all()) {
            relay.flushBacklog(s);
        }
        bounceAll();
        closeAll();
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
        out.add(new Effect.Ended(EndCause.CLIENT_TERMINATE, Optional.empty()));
    }

    /**
     * The upstream side ended the session (its last stream, or the buffer bound for all of them): the
     * terminal body, with the undelivered payloads of the stream that ended, goes on the oldest open
     * request; the other open requests get the bare condition. Its payloads are named with their stream
     * as on any response (§16 #multi-transmit); with none held, the oldest request waiting ahead of a rid
     * gap carries it. Returns false when no request is open: the body then waits for the next one, until
     * inactivity expires ({@link #deliverPending}, {@link #pendingExpired}).
     */
    boolean upstream(StreamRelay.StreamEnd end) {
        if (end.wholeSession()) {
            bounceAll();
            closeAll();
        }
        dropNotices();
        Condition condition = end.condition();
        ServerBody body = ServerBody.terminate(condition).withPayloads(end.payloads());
        if (!end.payloads().isEmpty()) {
            body = composer.withStreamName(body, end.stream());
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
        // With nothing held, a request waiting ahead of a rid gap carries the body: the client is there
        // (it lost or reordered the request before it), and once told the terminal condition it will not
        // send the missing rid. Waiting for it would keep the session, and the stanzas, until inactivity.
        ExchangeId to = carrier != null ? carrier.exchange : null;
        for (ExchangeId waiting : admission.dropWaiting()) {
            if (to == null) {
                to = waiting;
            } else {
                out.respond(waiting, ServerBody.terminate(condition));
            }
        }
        if (to == null) {
            pending = body;
            return false;
        }
        out.respond(to, body);
        out.add(new Effect.Ended(EndCause.UPSTREAM, Optional.of(condition)));
        return true;
    }

    /** A request arrived after the upstream end: it carries the terminal body, and the session is over. */
    void deliverPending(ExchangeId exchange) {
        out.respond(exchange, pending);
        out.add(new Effect.Ended(EndCause.UPSTREAM, pending.condition()));
    }

    /** No request came for the upstream end within {@code inactivity}: its stanzas are lost, and said to be. */
    void pendingExpired() {
        out.add(new Effect.Undeliverable(pending.payloads(), "client gone before the session's end was delivered"));
        out.add(new Effect.Ended(EndCause.UPSTREAM, pending.condition()));
    }

    /** XEP-0124 §10 (B-10-1): the client is gone; end silently and close upstream (U-13). */
    void inactivity() {
        for (ExchangeId waiting : admission.dropWaiting()) {
            out.respond(waiting, ServerBody.terminate(Condition.ITEM_NOT_FOUND));
        }
        leaveStreams();
        out.add(new Effect.Ended(EndCause.INACTIVITY, Optional.empty()));
    }

    /**
     * The connection manager is shutting down: every open request gets {@code farewell}, XEP-0124
     * §17.2 system-shutdown (B-17.2-5) or see-other-uri with its {@code <uri/>} (B-17.2-3).
     *
     * @param upstreamOpen the session was still active, so its stanzas bounce and its streams close;
     *                     else its upstream end was pending, and the stanzas that end carried are reported
     * @param farewell     a terminate body with a condition
     */
    void shutdown(boolean upstreamOpen, ServerBody farewell) {
        if (upstreamOpen) {
            leaveStreams();
        } else if (!pending.payloads().isEmpty()) {
            // The upstream is gone, so nothing can bounce: as at inactivity, never lost without a trace.
            out.add(new Effect.Undeliverable(pending.payloads(), "shut down before the session's end was delivered"));
        }
        for (HeldRequests.Held h : held.drain()) {
            out.respond(h.exchange, farewell);
        }
        for (ExchangeId waiting : admission.dropWaiting()) {
            out.respond(waiting, farewell);
        }
        out.add(new Effect.Ended(EndCause.SHUTDOWN, farewell.condition()));
    }

    /** XEP-0206 §7 (X-7-1): stanzas the browser will never get go back to their senders, stream by stream. */
    private void bounceAll() {
        for (SessionStream s : streams.all()) {
            relay.bounce(s);
        }
    }

    /**
     * The session ends without the client's terminate (inactivity, a binding error, shutdown). A stream
     * on which the client enabled XEP-0198 resumption is dropped without a closing tag (XEP-0198 §5), so
     * the server keeps its session for the client to resume through a new BOSH session, and retransmits
     * then what the browser never read: those stanzas neither bounce nor count as lost. Every other
     * stream bounces what the browser will never read (X-7-1) and closes gracefully (U-13); one whose
     * SM the CM owns says its last {@code <a h='H_in'/>} first and leaves the rest to the server (SM-16).
     */
    private void leaveStreams() {
        for (SessionStream s : streams.all()) {
            if (relay.ownsEnabledSm(s)) {
                relay.bounce(s);                                      // SM-16: left to the server, not bounced
                relay.smFarewell(s);
                relay.close(s, CloseMode.GRACEFUL, Optional.empty());
            } else if (s.sm.resumable()) {
                s.outbound.drainAll();
                relay.close(s, CloseMode.ABORT, Optional.empty());
            } else {
                relay.bounce(s);
                relay.close(s, CloseMode.GRACEFUL, Optional.empty());
            }
        }
        dropNotices();
    }

    /** Every open stream closes (U-13). */
    private void closeAll() {
        for (SessionStream s : streams.all()) {
            relay.smFarewell(s);                                      // SM-16: <a h='H_in'/> first
            relay.close(s, CloseMode.GRACEFUL, Optional.empty());
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
}
