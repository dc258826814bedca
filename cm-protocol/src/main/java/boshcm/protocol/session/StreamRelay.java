package boshcm.protocol.session;

import boshcm.protocol.body.BodyAttribute;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.sm.AckOutcome;
import boshcm.protocol.sm.Offer;
import boshcm.protocol.sm.ResumeFailure;
import boshcm.protocol.sm.OutboundLedger;
import boshcm.protocol.sm.SmElements;
import boshcm.protocol.sm.SmNonza;
import boshcm.protocol.sm.SmPolicy;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import boshcm.protocol.xmpp.StreamWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

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
    /** The time of the event being handled, for the XEP-0198 ack cadence (SM-18). */
    private long now;

    StreamRelay(SessionPolicy policy, SessionStreams streams, Outbox out) {
        this.policy = policy;
        this.streams = streams;
        this.out = out;
    }

    /** An event begins at {@code now} (System.nanoTime()). */
    void tick(long nowNanos) {
        this.now = nowNanos;
    }

    // ---------------------------------------------------------------- browser to server

    SessionStream open(String name, String domain, Optional<String> from, Optional<String> lang,
                       String xmppVersion, UpstreamTarget target) {
        return open(name, domain, from, lang, xmppVersion, target, false);
    }

    /**
     * @param manage the policy asks for XEP-0198 managed mode on this stream (SM-11 B): the session's
     *               first stream only
     */
    SessionStream open(String name, String domain, Optional<String> from, Optional<String> lang,
                       String xmppVersion, UpstreamTarget target, boolean manage) {
        SessionStream s = streams.open(name, domain, from, lang, xmppVersion);
        s.target = target;
        if (manage && policy.sm().managed()) {
            s.managed = new ManagedSm(policy.sm());
        }
        s.connected(out, new Effect.OpenUpstream(name, target, StreamHeader.initiating(domain, from, lang, xmppVersion),
                s.managed != null));
        return s;
    }

    /**
     * Ends the connection of {@code s} ({@link Effect.CloseUpstream}); nothing to do when it has none,
     * as while a resume waits for its next attempt (SM-12).
     */
    void close(SessionStream s, CloseMode mode, Optional<String> streamError) {
        if (s.connected) {
            s.connected = false;
            out.add(new Effect.CloseUpstream(s.name, mode, streamError));
        }
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
        List<XmlPayload> upstream = s.managed == null ? payloads : managedClientPayloads(s, payloads);
        for (XmlPayload p : upstream) {
            s.sm.clientSent(p);
        }
        if (s.awaitingRestart) {
            s.upstreamBacklog.addAll(upstream);
        } else {
            write(s, upstream);
        }
    }

    /**
     * XEP-0198 managed mode (SM-11 B): the client's {@code <auth/>} decides whether the CM can
     * authenticate again (SM-13), else the stream falls back to pass-through; once the CM owns SM the
     * client's SM elements are never forwarded (a second enable is fatal on some servers, SM-1):
     * {@code <enable/>} and {@code <resume/>} are answered with {@code <failed/>}, {@code <r/>} and
     * {@code <a/>} dropped.
     */
    private List<XmlPayload> managedClientPayloads(SessionStream s, List<XmlPayload> payloads) {
        List<XmlPayload> upstream = new ArrayList<>(payloads.size());
        for (XmlPayload p : payloads) {
            ManagedSm m = s.managed;
            if (m == null) {
                upstream.add(p);
            } else if (p.is(Namespaces.SASL, "auth") && m.state.compareTo(ManagedSm.State.AWAITING_BIND) <= 0) {
                Optional<String> fallback = m.clientAuth(p);
                if (fallback.isPresent()) {
                    m.wipe();
                    s.managed = null;
                    out.add(new Effect.SmFallback(s.name, fallback.get()));   // SM-13: pass-through, and why
                }
                upstream.add(p);
            } else if (m.owning() && ManagedSm.isClientSm(p)) {
                ManagedSm.localAnswer(p).ifPresent(answer -> streams.queue(s, answer));
            } else {
                upstream.add(p);
            }
        }
        return upstream;
    }

    /**
     * Writes client payloads on the stream. With the CM's SM enabled each is offered to the outbound
     * ledger (SM-2, SM-18) and {@code <r/>} follows when the ack cadence asks for it; a full ledger stops
     * the write and marks the session for policy-violation.
     */
    private void write(SessionStream s, List<XmlPayload> payloads) {
        if (payloads.isEmpty()) {
            return;
        }
        if (s.managed != null && s.managed.resuming()) {
            s.managed.parked.addAll(payloads);                        // SM-12 step 1: in order, after the resume
            return;
        }
        if (s.managed == null || !s.managed.counting()) {
            out.add(new Effect.SendUpstream(s.name, payloads));
            return;
        }
        OutboundLedger ledger = s.managed.outbound;
        List<XmlPayload> batch = new ArrayList<>(payloads.size() + 1);
        for (XmlPayload p : payloads) {
            if (ledger.offer(p, now) instanceof Offer.Full) {
                s.managed.overflowed = true;                           // SM-18: policy-violation
                break;
            }
            batch.add(p);
        }
        if (ledger.shouldRequestAck(now)) {
            batch.add(SmElements.request());
            ledger.requestSent(now);
        }
        if (!batch.isEmpty()) {
            out.add(new Effect.SendUpstream(s.name, batch));
        }
    }

    /** Sends what waited for a restart that is now happening, or that will not happen (X-5-7). */
    void flushBacklog(SessionStream s) {
        if (!s.upstreamBacklog.isEmpty()) {
            List<XmlPayload> backlog = List.copyOf(s.upstreamBacklog);
            s.upstreamBacklog.clear();
            write(s, backlog);
        }
    }

    // ---------------------------------------------------------------- XEP-0198 managed mode

    /**
     * SM-17: the browser has every response up to {@code rid} (its {@code ack}, or r − 1, or
     * r − requests); the stanzas those responses carried now count in {@code H_in}.
     */
    void browserAcknowledged(long rid) {
        for (SessionStream s : streams.all()) {
            if (s.managed != null) {
                s.managed.inbound.acknowledgedUpTo(rid);
            }
        }
    }

    /** A stream is resuming its XEP-0198 session (SM-12): its connection must be read, whatever is buffered. */
    boolean resuming() {
        for (SessionStream s : streams.all()) {
            if (s.managed != null && s.managed.resuming()) {
                return true;
            }
        }
        return false;
    }

    /** SM-18: a client stanza did not fit in the unacknowledged queue. */
    boolean smOverflowed() {
        for (SessionStream s : streams.all()) {
            if (s.managed != null && s.managed.overflowed) {
                return true;
            }
        }
        return false;
    }

    /**
     * The XEP-0198 timers: a resume past its deadline is given up (SM-12 step 6), the next connection
     * of a resume is opened, a connection that did not resume in time is dropped for another; and
     * {@code <r/>} goes when unacknowledged stanzas have waited {@code requestAfter} (SM-18).
     */
    Optional<StreamEnd> smTimer() {
        for (SessionStream s : streams.all()) {
            ManagedSm m = s.managed;
            if (m == null || !m.resuming()) {
                continue;
            }
            if (now - m.resumeDeadline >= 0) {
                close(s, CloseMode.ABORT, Optional.empty());
                return resumeFailed(s, ResumeFailure.DEADLINE, "no resume within the window");
            }
            if (m.state == ManagedSm.State.RESUME_WAITING && now - m.retryAt >= 0) {
                connect(s, "retry");
            } else if (m.state != ManagedSm.State.RESUME_WAITING && now - m.attemptDeadline >= 0) {
                close(s, CloseMode.ABORT, Optional.empty());
                Optional<StreamEnd> end = retryResume(s, "no <resumed/> within "
                        + m.policy.backoff().attemptTimeout().toSeconds() + " s");
                if (end.isPresent()) {
                    return end;
                }
            }
        }
        for (SessionStream s : streams.all()) {
            if (s.managed != null && s.managed.counting() && s.managed.outbound.shouldRequestAck(now)) {
                out.add(new Effect.SendUpstream(s.name, List.of(SmElements.request())));
                s.managed.outbound.requestSent(now);
            }
        }
        return Optional.empty();
    }

    /** When {@link #smTimer()} next has something to do; {@link Long#MAX_VALUE} for never. */
    long smDueAt() {
        long due = Long.MAX_VALUE;
        for (SessionStream s : streams.all()) {
            ManagedSm m = s.managed;
            if (m != null && m.resuming()) {
                due = earlier(due, m.resumeDeadline);
                due = earlier(due, m.state == ManagedSm.State.RESUME_WAITING ? m.retryAt : m.attemptDeadline);
            }
            if (m != null && m.counting()) {
                OptionalLong at = m.outbound.requestDueAt();
                if (at.isPresent()) {
                    due = earlier(due, at.getAsLong());
                }
            }
        }
        return due;
    }

    private static long earlier(long a, long b) {
        return b - a < 0 ? b : a;
    }

    // ---------------------------------------------------------------- XEP-0198 resume (SM-12)

    /** RFC 6120 §4.9.3 conditions after which a resume is worth trying (SM-12, U-8). */
    private static final java.util.Set<String> RECOVERABLE = java.util.Set.of("connection-timeout", "system-shutdown",
            "see-other-host");

    /**
     * SM-12 step 1 and 2: the upstream connection of {@code s} is gone but the CM's SM session can be
     * resumed. The BOSH session goes on (held requests answer empty at wait, client payloads are parked)
     * and a new connection is asked for under the same stream name; the driver drops the old one and
     * ignores its events (SM-14).
     */
    private boolean startResume(SessionStream s, String cause) {
        ManagedSm m = s.managed;
        if (m == null || !m.canResume()) {
            return false;
        }
        m.resumeStartedAt = now;
        m.resumeAttempts = 0;
        m.resumeDeadline = now + m.resume.orElseThrow().resumeWindow(m.policy.resumeWindow(), SmPolicy.RESUME_MARGIN).toNanos();
        connect(s, cause);
        return true;
    }

    /** SM-12 step 2: the next connection of the resume under way; it has {@code attemptTimeout} to resume. */
    private void connect(SessionStream s, String cause) {
        ManagedSm m = s.managed;
        m.resumeAttempts++;
        m.state = ManagedSm.State.RESUME_CONNECTING;
        m.attemptDeadline = now + m.policy.backoff().attemptTimeout().toNanos();
        out.add(new Effect.ResumeAttempt(s.name, m.resumeAttempts, cause));
        s.connected(out, new Effect.OpenUpstream(s.name, s.target,
                StreamHeader.initiating(s.domain, s.from, s.lang, s.xmppVersion), true));
    }

    /**
     * SM-12: a connection of the resume failed before {@code <resumed/>} (refused, reset, closed, a
     * recoverable stream error, no answer in time). The server still holds the SM session, so another
     * connection is tried after a wait, as long as the resume window allows. The failed connection is
     * already being dropped without a closing tag: a {@code </stream>} after a {@code <resume/>} the
     * server took would end the very session being resumed.
     */
    private Optional<StreamEnd> retryResume(SessionStream s, String why) {
        ManagedSm m = s.managed;
        long at = now + m.retryDelayNanos();
        if (at - m.resumeDeadline >= 0) {
            return resumeFailed(s, ResumeFailure.DEADLINE, why);
        }
        m.state = ManagedSm.State.RESUME_WAITING;
        m.retryAt = at;
        return Optional.empty();
    }

    /**
     * An event of the new connection during a resume: SASL with the credential (SM-13), the restart,
     * {@code <resume/>} before any bind (SM-6), then {@code <resumed/>} (SM-12 step 5). None of it
     * reaches the browser. A lost connection is retried (SM-12); a refusal, a failed authentication or a
     * broken protocol ends the session with remote-connection-failed, never a bind (SM-15).
     */
    private Optional<StreamEnd> resumeEvent(SessionStream s, StreamEvent event) {
        ManagedSm m = s.managed;
        if (m.state == ManagedSm.State.RESUME_WAITING) {
            return Optional.empty();                                  // a late event of the dropped connection
        }
        if (event instanceof StreamEvent.Opened) {
            return Optional.empty();
        }
        if (event instanceof StreamEvent.Features) {
            if (m.state == ManagedSm.State.RESUME_CONNECTING) {
                out.add(new Effect.SendUpstream(s.name, List.of(m.credential().orElseThrow().auth())));
                m.state = ManagedSm.State.RESUME_AUTHENTICATING;
            } else if (m.state == ManagedSm.State.RESUME_RESTARTING) {
                String previd = m.resume.orElseThrow().previd().orElseThrow();
                out.add(new Effect.SendUpstream(s.name, List.of(SmElements.resume(previd, m.inbound.resumeSent()))));
                m.state = ManagedSm.State.RESUME_SENT;
            }
            return Optional.empty();
        }
        if (event instanceof StreamEvent.Lost lost) {
            return retryResume(s, lost.reason());
        }
        if (event instanceof StreamEvent.Closed) {
            close(s, CloseMode.ABORT, Optional.empty());
            return retryResume(s, "closed by the server");
        }
        if (event instanceof StreamEvent.StreamError error) {
            close(s, CloseMode.ABORT, Optional.empty());
            return RECOVERABLE.contains(error.condition())
                    ? retryResume(s, "stream error " + error.condition())
                    : resumeFailed(s, ResumeFailure.STREAM_ERROR, error.condition());
        }
        if (event instanceof StreamEvent.Malformed malformed) {
            close(s, CloseMode.ABORT, Optional.of(malformed.streamErrorCondition()));
            return resumeFailed(s, ResumeFailure.PROTOCOL, malformed.streamErrorCondition());
        }
        XmlPayload p = ((StreamEvent.Element) event).payload();
        if (m.state == ManagedSm.State.RESUME_AUTHENTICATING && p.is(Namespaces.SASL, "success")) {
            m.state = ManagedSm.State.RESUME_RESTARTING;
            out.add(new Effect.RestartUpstream(s.name, StreamHeader.initiating(s.domain, s.from, s.lang, s.xmppVersion), true));
            return Optional.empty();
        }
        if (p.is(Namespaces.SASL, "challenge")) {
            return Optional.empty();
        }
        ResumeFailure reason = ResumeFailure.PROTOCOL;
        String detail = "unexpected " + p.localName() + " during the resume";
        if (p.is(Namespaces.SASL, "failure")) {
            reason = ResumeFailure.AUTHENTICATION;
            detail = "SASL failure " + firstChild(p);
        } else if (m.state == ManagedSm.State.RESUME_SENT && Namespaces.SM.equals(p.namespace())) {
            Optional<SmNonza> nonza = SmNonza.parse(p);
            if (nonza.isPresent() && nonza.get() instanceof SmNonza.Resumed resumed) {
                AckOutcome acked = m.outbound.acknowledge(resumed.h());
                if (acked instanceof AckOutcome.Acked) {
                    return resumed(s);
                }
                detail = "<resumed/> with a wrong h: " + acked;
            } else if (nonza.isPresent() && nonza.get() instanceof SmNonza.Failed) {
                reason = ResumeFailure.REFUSED;
                detail = "<failed/> " + firstChild(p);
            }
        }
        close(s, CloseMode.GRACEFUL, Optional.empty());
        return resumeFailed(s, reason, detail);                       // SM-15: never a bind
    }

    /** The local name of an element's first child, e.g. {@code not-authorized} in a SASL failure; "" when none. */
    private static String firstChild(XmlPayload p) {
        String xml = p.text();
        int gt = xml.indexOf('>');
        int lt = gt < 0 ? -1 : xml.indexOf('<', gt);
        if (lt < 0 || lt + 1 >= xml.length() || xml.charAt(lt + 1) == '/') {
            return "";
        }
        int end = lt + 1;
        while (end < xml.length() && " />\t\r\n".indexOf(xml.charAt(end)) < 0) {
            end++;
        }
        return xml.substring(lt + 1, end);
    }

    /**
     * SM-12 step 5: {@code <resumed h='x'/>} acknowledged what the server handled; the rest is written
     * again in order with an {@code <r/>}, then the client payloads parked during the outage. The
     * server's retransmissions the browser already holds are dropped by count (SM-17).
     */
    private Optional<StreamEnd> resumed(SessionStream s) {
        ManagedSm m = s.managed;
        m.inbound.resumed();
        m.state = ManagedSm.State.ENABLED;
        List<XmlPayload> again = new ArrayList<>(m.outbound.unacked());
        int retransmitted = again.size();
        if (!again.isEmpty()) {
            again.add(SmElements.request());
            m.outbound.requestSent(now);
            out.add(new Effect.SendUpstream(s.name, again));
        }
        List<XmlPayload> parked = List.copyOf(m.parked);
        m.parked.clear();
        out.add(new Effect.ResumeSucceeded(s.name, m.resumeAttempts, Duration.ofNanos(now - m.resumeStartedAt),
                retransmitted, parked.size()));
        write(s, parked);
        return Optional.empty();
    }

    /** SM-12 step 6, SM-15: the session ends with remote-connection-failed; what is buffered goes with it. */
    private Optional<StreamEnd> resumeFailed(SessionStream s, ResumeFailure reason, String detail) {
        abandonResume(s, reason, detail);
        return lost(s);
    }

    /** The resume under way on {@code s} is over without {@code <resumed/>}: reported, parked payloads dropped. */
    private void abandonResume(SessionStream s, ResumeFailure reason, String detail) {
        ManagedSm m = s.managed;
        out.add(new Effect.ResumeFailed(s.name, reason, detail, m.resumeAttempts, Duration.ofNanos(now - m.resumeStartedAt)));
        m.parked.clear();
        m.state = ManagedSm.State.NOT_ENABLED;
    }

    /** The CM's SM is enabled on {@code s}: the server counts our acks (SM-10). */
    boolean ownsEnabledSm(SessionStream s) {
        return s.managed != null && s.managed.state == ManagedSm.State.ENABLED;
    }

    /**
     * SM-16, U-13: the session ends while the CM owns SM on {@code s}: the last {@code <a h='H_in'/>}
     * goes before the stream is closed, so that the server keeps responsibility for every stanza the
     * browser has not acknowledged. Nothing on a stream without SM enabled (SM-10).
     */
    void smFarewell(SessionStream s) {
        if (ownsEnabledSm(s)) {
            out.add(new Effect.SendUpstream(s.name, List.of(s.managed.inbound.ack())));
        }
    }

    /**
     * The session is over: captured credentials are zeroed (SM-13 (c)), and a resume still under way is
     * reported as given up.
     */
    void wipeCredentials() {
        SessionStream first = streams.first();
        if (first != null && first.managed != null) {
            if (first.managed.resuming()) {
                abandonResume(first, ResumeFailure.SESSION_ENDED, "the BOSH session ended");
            }
            first.managed.wipe();
        }
    }

    /**
     * An XEP-0198 element from the server on a stream whose SM the CM owns: consumed here, never shown
     * to the browser (SM-11 B). Returns how the stream ended when the element breaks it.
     */
    private Optional<StreamEnd> serverSm(SessionStream s, XmlPayload payload) {
        ManagedSm m = s.managed;
        Optional<SmNonza> parsed = SmNonza.parse(payload);
        if (parsed.isEmpty() || !m.counting()) {
            return Optional.empty();                                  // SM-10: nothing to answer on a stream without SM
        }
        SmNonza nonza = parsed.get();
        if (nonza instanceof SmNonza.Enabled enabled) {
            if (m.state == ManagedSm.State.ENABLE_SENT) {
                m.inbound.enabled();                                  // SM-3: H_in counts from here
                m.resume = Optional.of(enabled.state());
                m.state = ManagedSm.State.ENABLED;
            }
        } else if (nonza instanceof SmNonza.Request) {
            out.add(new Effect.SendUpstream(s.name, List.of(m.inbound.ack())));   // SM-5: at once
        } else if (nonza instanceof SmNonza.Ack ack) {
            AckOutcome outcome = m.outbound.acknowledge(ack.h());
            if (outcome instanceof AckOutcome.TooHigh tooHigh) {
                // XEP-0198 §4 (SM-4): undefined-condition with handled-count-too-high, then close.
                out.add(new Effect.SendUpstream(s.name, List.of(SmElements.handledCountTooHigh(tooHigh.h(), tooHigh.sendCount()))));
                close(s, CloseMode.GRACEFUL, Optional.empty());
                return lost(s);
            }
        } else if (nonza instanceof SmNonza.Failed) {
            if (m.state == ManagedSm.State.ENABLE_SENT) {
                m.state = ManagedSm.State.NOT_ENABLED;                // SM-7, SM-10: no r/a from now on
                m.outbound = null;
            }
        } else if (nonza instanceof SmNonza.Invalid) {
            // §4: an <a/> MUST carry h; a server that breaks the count breaks the stream.
            close(s, CloseMode.GRACEFUL, Optional.of("undefined-condition"));
            return lost(s);
        }
        return Optional.empty();
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
            if (s.managed != null && s.managed.resuming()) {
                // SM-12: the CM is bringing the stream back itself, already past authentication; a restart
                // has nothing to restart, and on the resume's connection it would derail the resume (a
                // fuzzing finding: it went to the resume's connection, or to none at all).
                flushBacklog(s);
                continue;
            }
            out.add(new Effect.RestartUpstream(s.name, s.restartHeader(body.to(), body.from(), body.lang()),
                    s.managed != null && s.managed.owning()));
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
            out.add(Tally.Limit.STREAMS.effect());
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
            close(s, CloseMode.GRACEFUL, Optional.empty());
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
        if (s.managed != null && s.managed.resuming()) {
            return resumeEvent(s, event);
        }
        if (event instanceof StreamEvent.Opened opened) {
            s.serverHeader = Optional.of(opened.header());
        } else if (event instanceof StreamEvent.Features features) {
            if (s.managed != null) {
                s.managed.serverOffersSm = features.offered().sm();
            }
            streams.queue(s, features.clientView());
            return overBuffered(s);
        } else if (event instanceof StreamEvent.Element element) {
            XmlPayload payload = element.payload();
            if (s.managed != null && s.managed.owning() && ManagedSm.isClientSm(payload)) {
                return serverSm(s, payload);                          // SM-11 B: never reaches the browser
            }
            if (payload.is(Namespaces.SASL, "success")) {
                s.awaitingRestart = true;                             // X-5-7
            }
            if (element.boundJid().isPresent()) {
                s.boundJid = element.boundJid();
            }
            s.sm.serverSent(payload);
            if (s.managed == null || s.managed.inbound.received(payload).deliver()) {
                streams.queue(s, payload);
            }
            if (element.boundJid().isPresent() && s.managed != null && s.managed.state == ManagedSm.State.AWAITING_BIND) {
                // SM-1: after authentication and the bind result, once per stream.
                s.managed.bound(element.boundJid().get())
                        .ifPresent(enable -> out.add(new Effect.SendUpstream(s.name, List.of(enable))));
            }
            return overBuffered(s);
        } else if (event instanceof StreamEvent.StreamError error && RECOVERABLE.contains(error.condition())
                && s.managed != null && s.managed.canResume()) {
            close(s, CloseMode.ABORT, Optional.empty());
            startResume(s, "stream error " + error.condition());     // SM-12, U-8: hidden from the browser
        } else if (event instanceof StreamEvent.StreamError error) {
            // RFC 6120 §4.9, XEP-0206 §6 (X-6-1): undelivered stanzas, then the whole stream error.
            List<XmlPayload> payloads = s.outbound.drainAll();
            payloads.add(error.clientView());
            close(s, CloseMode.GRACEFUL, Optional.empty());
            return Optional.of(new StreamEnd(s, Condition.REMOTE_STREAM_ERROR, payloads, false));
        } else if (event instanceof StreamEvent.Closed) {
            close(s, CloseMode.GRACEFUL, Optional.empty());
            if (!startResume(s, "closed by the server")) {           // SM-12
                return lost(s);
            }
        } else if (event instanceof StreamEvent.Malformed malformed) {
            // U-14: tell the server why, then fail the stream.
            close(s, CloseMode.GRACEFUL, Optional.of(malformed.streamErrorCondition()));
            return lost(s);
        } else if (event instanceof StreamEvent.Lost lost) {
            if (!startResume(s, lost.reason())) {                     // SM-12
                return lost(s);                                       // U-10
            }
        } else {
            throw new AssertionError(event);
        }
        return Optional.empty();
    }

    /**
     * U-15, S-10: server data waiting for the browser is over {@code maxBufferedBytes} (the browser is not
     * taking it fast enough): the whole session goes, the other streams' stanzas bounce as at any other
     * end. Checked after anything the server sends is queued: stanzas and stream features alike (a
     * fuzzing finding had features escape the bound).
     */
    private Optional<StreamEnd> overBuffered(SessionStream s) {
        if (streams.bufferedBytes() <= policy.maxBufferedBytes()) {
            return Optional.empty();
        }
        out.add(Tally.Limit.BUFFERED_BYTES.effect());
        close(s, CloseMode.GRACEFUL, Optional.of("policy-violation"));
        List<XmlPayload> undelivered = s.outbound.drainAll();
        streams.close(s);
        return Optional.of(new StreamEnd(s, Condition.REMOTE_CONNECTION_FAILED, undelivered, true));
    }

    /**
     * S-10: client payloads held on the streams, waiting for an XEP-0206 restart after SASL success (X-5-7)
     * or for an XEP-0198 resume to finish (SM-12 step 1).
     */
    long clientBacklogBytes() {
        long n = 0;
        for (SessionStream s : streams.all()) {
            for (XmlPayload p : s.upstreamBacklog) {
                n += p.size();
            }
            if (s.managed != null) {
                for (XmlPayload p : s.managed.parked) {
                    n += p.size();
                }
            }
        }
        return n;
    }

    private static Optional<StreamEnd> lost(SessionStream s) {
        return Optional.of(new StreamEnd(s, Condition.REMOTE_CONNECTION_FAILED, s.outbound.drainAll(), false));
    }

    // ---------------------------------------------------------------- bounces

    /** XEP-0206 §7 (X-7-1): stanzas of {@code s} the browser will never get go back to their senders. */
    void bounce(SessionStream s) {
        if (s.managed != null && s.managed.resuming()) {
            // No authenticated stream to write bounces on while a resume is under way.
            List<XmlPayload> stanzas = s.outbound.drainAll().stream().filter(XmlPayload::isStanza).toList();
            if (!stanzas.isEmpty()) {
                out.add(new Effect.Undeliverable(stanzas, "session ended during an upstream resume"));
            }
            return;
        }
        if (ownsEnabledSm(s)) {
            // SM-16: the browser never acknowledged them, so H_in leaves them to the server, which applies
            // its policy for unacknowledged stanzas (XEP-0198 §4: offline storage, bounce or carbon).
            s.outbound.drainAll();
            return;
        }
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
