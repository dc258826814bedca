package boshcm.protocol.session;

import boshcm.protocol.body.BodyAttribute;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import boshcm.protocol.xmpp.StreamWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What passes between the browser's requests and a session's upstream XMPP streams (XEP-0206): client
 * payloads forwarded to the streams a request addresses (XEP-0124 §16 #multi-transmit), held back
 * between SASL success and the restart (X-5-7); restarts (XEP-0206 §5); streams added and closed by
 * the client (§16 #multi-add, #multi-close); the server's events taken into each stream's state and
 * queue; and, when stanzas can no longer reach the browser, their bounces (XEP-0206 §7, X-7-1).
 * Not thread-safe; owned by its {@link BoshSession}.
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
final class StreamRelay {

    /**
     * The server ended {@code stream} (or the session outgrew its buffer, {@code wholeSession}): the
     * condition to tell the browser and the stream's payloads it has not had yet.
     */
    record StreamEnd(SessionStream stream, Condition condition, List<XmlPayload> payloads, boolean wholeSession) {

        /** §16 #multi-error: {@code <body type='terminate' condition='…' stream='name'>} with the undelivered payloads. */
        ServerBody notice() {
            return ServerBody.terminate(condition).withPayloads(payloads).with(BodyAttribute.STREAM, stream.name);
        }
    }

    private final SessionPolicy policy;
    private final SessionStreams streams;
    private final Outbox out;

    StreamRelay(SessionPolicy policy, SessionStreams streams, Outbox out) {
        this.policy = policy;
        this.streams = streams;
        this.out = out;
    }

    // ---------------------------------------------------------------- browser to server

    SessionStream open(String name, String domain, Optional<String> from, Optional<String> lang,
                       String xmppVersion, UpstreamTarget target) {
        SessionStream s = streams.open(name, domain, from, lang, xmppVersion);
        out.add(new Effect.OpenUpstream(name, target, StreamHeader.initiating(domain, from, lang, xmppVersion)));
        return s;
    }

    /**
     * XEP-0124 §16 #multi-transmit: the streams a request's payloads, restart or terminate are for. The
     * named stream; every open stream when none is named (broadcast) or multi-streams is off (B-16-1);
     * none for a stream closed lately, or when an empty request names an unknown one ("the receiving
     * entity SHOULD ignore the attribute"). Empty for any other unknown name: the session must end with
     * item-not-found.
     */
    Optional<List<SessionStream>> addressed(ClientBody body) {
        if (!policy.multiStreams() || body.stream().isEmpty()) {
            return Optional.of(List.copyOf(streams.all()));
        }
        String name = body.stream().get();
        SessionStream s = streams.get(name);
        if (s != null) {
            return Optional.of(List.of(s));
        }
        if (streams.closedLately(name) || (body.isEmpty() && !body.isTerminate() && !body.restart())) {
            return Optional.of(List.of());
        }
        return Optional.empty();
    }

    void forward(List<SessionStream> targets, List<XmlPayload> payloads) {
        for (SessionStream s : targets) {
            forward(s, payloads);
        }
    }

    void forward(SessionStream s, List<XmlPayload> payloads) {
        if (payloads.isEmpty()) {
            return;
        }
        for (XmlPayload p : payloads) {
            s.sm.clientSent(p);
        }
        if (s.awaitingRestart) {
            s.upstreamBacklog.addAll(payloads);
        } else {
            out.add(new Effect.SendUpstream(s.name, payloads));
        }
    }

    /** Sends what waited for a restart that is now happening, or that will not happen (X-5-7). */
    void flushBacklog(SessionStream s) {
        if (!s.upstreamBacklog.isEmpty()) {
            out.add(new Effect.SendUpstream(s.name, s.upstreamBacklog));
            s.upstreamBacklog.clear();
        }
    }

    /**
     * XEP-0206 §5 (X-5-2, X-5-4, X-5-5, X-5-6): a new stream header on the same connection; payloads in
     * the restart request are ignored. Without {@code stream} in a session of several streams, the
     * restart is for those waiting for one after SASL success, or for every stream if none is.
     */
    void restart(ClientBody body, List<SessionStream> targets) {
        List<SessionStream> restarting = targets;
        if (targets.size() > 1) {
            List<SessionStream> awaiting = targets.stream().filter(t -> t.awaitingRestart).toList();
            restarting = awaiting.isEmpty() ? targets : awaiting;
        }
        for (SessionStream s : restarting) {
            s.awaitingRestart = false;
            s.sm.restarted();
            out.add(new Effect.RestartUpstream(s.name, s.restartHeader(body.to(), body.from(), body.lang())));
            flushBacklog(s);
        }
    }

    /** XEP-0124 §16 #multi-add: {@code to} without {@code stream} on a later request asks for another stream. */
    boolean addsStream(ClientBody body) {
        return policy.multiStreams() && body.stream().isEmpty() && !body.restart()
                && body.to().filter(t -> !t.isBlank()).isPresent();
    }

    /**
     * XEP-0124 §16 #multi-add: opens a stream to the requested domain under the creation rules (served
     * domains, route allow-list) and returns the immediate answer naming it, like
     * {@code <body stream='s2' xmpp:version='1.0'/>} (X-4-5). The server's {@code from} and
     * {@code authid} come with the stream's features, in a response that names the stream. A refused
     * stream (domain, route, or {@code maxStreams} already open) is answered with a terminate body
     * naming it, and the session goes on (§16 #multi-error).
     */
    ServerBody addStream(ClientBody body, SessionParams params) {
        String name = streams.newName();
        Negotiation.Result routing = Negotiation.route(body, policy, params.contentType());
        ServerBody answer;
        if (streams.size() >= policy.maxStreams()) {
            answer = ServerBody.terminate(Condition.POLICY_VIOLATION);
        } else if (routing instanceof Negotiation.Routed routed) {
            SessionStream s = open(name, routed.domain(), body.from(), body.lang().or(params::lang),
                    body.xmppVersion().orElse(params.xmppVersion()), routed.target());
            answer = ServerBody.empty().with(BodyAttribute.XMPP_VERSION, s.xmppVersion);
        } else {
            answer = ServerBody.terminate(((Negotiation.Refused) routing).condition());
        }
        if (answer.isTerminal()) {
            streams.remember(name);
        }
        return answer.with(BodyAttribute.STREAM, name);
    }

    /**
     * XEP-0124 §16 #multi-close: the client closes one stream of several. Its payloads go to it first,
     * and the server's stanzas it will no longer read bounce (X-7-1). The request is answered at once
     * with {@code <body type='terminate' stream='name'/>}, as for a stream closed lately.
     */
    void closeByClient(ClientBody body, List<SessionStream> targets) {
        for (SessionStream s : targets) {
            forward(s, body.payloads());
            flushBacklog(s);
            bounce(s);
            out.add(new Effect.CloseUpstream(s.name, CloseMode.GRACEFUL, Optional.empty()));
            streams.close(s);
            streams.withdraw(s);
        }
    }

    // ---------------------------------------------------------------- server to browser

    /**
     * Takes one event of stream {@code s} into the stream's state and queue. Returns how the stream
     * ended when the event ends it; its upstream connection is already being closed.
     */
    Optional<StreamEnd> absorb(SessionStream s, StreamEvent event) {
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
            s.sm.serverSent(payload);
            streams.queue(s, payload);
            if (streams.bufferedBytes() > policy.maxBufferedBytes()) {
                // U-15, S-10: the browser is not taking data fast enough; the bound is hit. The whole
                // session goes: the other streams' stanzas bounce as at any other end.
                out.add(new Effect.CloseUpstream(s.name, CloseMode.GRACEFUL, Optional.of("policy-violation")));
                List<XmlPayload> undelivered = s.outbound.drainAll();
                streams.close(s);
                return Optional.of(new StreamEnd(s, Condition.REMOTE_CONNECTION_FAILED, undelivered, true));
            }
        } else if (event instanceof StreamEvent.StreamError error) {
            // RFC 6120 §4.9, XEP-0206 §6 (X-6-1): undelivered stanzas, then the whole stream error.
            List<XmlPayload> payloads = s.outbound.drainAll();
            payloads.add(error.clientView());
            out.add(new Effect.CloseUpstream(s.name, CloseMode.GRACEFUL, Optional.empty()));
            return Optional.of(new StreamEnd(s, Condition.REMOTE_STREAM_ERROR, payloads, false));
        } else if (event instanceof StreamEvent.Closed) {
            out.add(new Effect.CloseUpstream(s.name, CloseMode.GRACEFUL, Optional.empty()));
            return lost(s);
        } else if (event instanceof StreamEvent.Malformed malformed) {
            // U-14: tell the server why, then fail the stream.
            out.add(new Effect.CloseUpstream(s.name, CloseMode.GRACEFUL, Optional.of(malformed.streamErrorCondition())));
            return lost(s);
        } else if (event instanceof StreamEvent.Lost) {
            return lost(s);                                           // U-10
        } else {
            throw new AssertionError(event);
        }
        return Optional.empty();
    }

    private static Optional<StreamEnd> lost(SessionStream s) {
        return Optional.of(new StreamEnd(s, Condition.REMOTE_CONNECTION_FAILED, s.outbound.drainAll(), false));
    }

    // ---------------------------------------------------------------- bounces

    /** XEP-0206 §7 (X-7-1): stanzas of {@code s} the browser will never get go back to their senders. */
    void bounce(SessionStream s) {
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
}
