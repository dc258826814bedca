package boshcm.protocol.session;

import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.sm.ResumeFailure;
import boshcm.protocol.xmpp.StreamHeader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Something the session asks its driver to do. The driver carries effects out in order.
 *
 * <p>Effects that address the XMPP server name the session's stream they are for (XEP-0124 §16
 * #multi): an opaque name the session chose, one upstream connection per name. A session with one
 * stream uses one name throughout, whether or not multi-streams is on.
 */
public sealed interface Effect {

    /**
     * Answer an HTTP exchange.
     *
     * @param httpStatus  200, or a legacy status (XEP-0124 §17.1) for clients without {@code ver}
     * @param contentType the session's Content-Type (XEP-0124 §7.1 {@code content}, B-7.1-3)
     */
    record Respond(ExchangeId exchange, ServerBody body, int httpStatus, String contentType) implements Effect {}

    /** Write these payloads, in order, on the upstream connection of {@code stream}. */
    record SendUpstream(String stream, List<XmlPayload> payloads) implements Effect {
        public SendUpstream {
            payloads = List.copyOf(payloads);
        }
    }

    /**
     * Connect to the server and open a c2s stream with this header (TLS as configured); its events come
     * back through {@code BoshSession.onUpstream(stream, ...)}. An {@code OpenUpstream} for a stream name
     * that already has a connection replaces it (a reconnection for an XEP-0198 resume, checklist SM-12):
     * the old connection is dropped and its later events are never passed on (SM-14).
     *
     * @param hideSm the CM owns XEP-0198 on this stream (SM-11 B): strip {@code <sm/>} from the client
     *               view of features ({@code TokenizerOptions.hideSm})
     */
    record OpenUpstream(String stream, UpstreamTarget target, StreamHeader header, boolean hideSm) implements Effect {
        public OpenUpstream(String stream, UpstreamTarget target, StreamHeader header) {
            this(stream, target, header, false);
        }
    }

    /**
     * XEP-0206 §5: send a new stream header on the same connection of {@code stream} and reset the parser.
     *
     * @param hideSm as for {@link OpenUpstream}, for the restarted stream's parser: the CM owns XEP-0198
     */
    record RestartUpstream(String stream, StreamHeader header, boolean hideSm) implements Effect {
        public RestartUpstream(String stream, StreamHeader header) {
            this(stream, header, false);
        }
    }

    /**
     * XEP-0198 managed mode was configured, but this stream runs in pass-through mode (checklist SM-11 A,
     * SM-13), e.g. "no re-auth credential": the client authenticated with a mechanism the CM cannot
     * replay and no trusted re-authentication is configured. The driver logs {@code reason}; nothing to do.
     * Only emitted when the policy asks for managed mode.
     */
    record SmFallback(String stream, String reason) implements Effect {}

    /**
     * XEP-0198 managed mode (checklist SM-12): a new connection is being opened to resume the CM's SM
     * session on {@code stream}, hidden from the browser. The driver logs and counts it; the
     * {@link OpenUpstream} that does it comes with it.
     *
     * @param attempt 1 for the first connection after the drop, then 2, 3, … after failed ones
     * @param cause   why the previous connection is gone, e.g. {@code reset} or {@code stream error system-shutdown}
     */
    record ResumeAttempt(String stream, int attempt, String cause) implements Effect {}

    /**
     * SM-12 step 5: the server answered {@code <resumed/>}; the drop stayed hidden.
     *
     * @param attempts      connections it took
     * @param took          from the drop to {@code <resumed/>}
     * @param retransmitted client stanzas written again because the server had not handled them (SM-9)
     * @param parked        client payloads accepted during the outage and written after it
     */
    record ResumeSucceeded(String stream, int attempts, Duration took, int retransmitted, int parked)
            implements Effect {}

    /**
     * SM-12 step 6, SM-15: the resume was given up; unless the session had already ended
     * ({@link ResumeFailure#SESSION_ENDED}) it ends with remote-connection-failed.
     *
     * @param detail what happened, for the log: a SASL condition, a stream error, the last drop
     */
    record ResumeFailed(String stream, ResumeFailure reason, String detail, int attempts,
                        Duration took) implements Effect {}

    /**
     * End the upstream stream {@code stream}; its later events are ignored.
     *
     * @param streamError a stream error condition to send first (RFC 6120 §4.9), e.g. {@code restricted-xml}
     */
    record CloseUpstream(String stream, CloseMode mode, Optional<String> streamError) implements Effect {}

    /**
     * Stop reading from every upstream connection of the session, and from any it opens next, until
     * {@link ResumeUpstreamReading} (checklist U-15, S-10): the browser is not taking the server's data
     * as fast as it comes, and the buffer for it passed {@link SessionPolicy#pauseReadingBytes()}. TCP
     * flow control then slows the server down, instead of the buffer growing to its bound and the session
     * ending. Writes upstream go on. A connection that is still negotiating (TLS, the stream header) or
     * closing reads anyway.
     */
    record PauseUpstreamReading() implements Effect {}

    /** Read from the session's upstream connections again: the browser took the buffer down to half the mark. */
    record ResumeUpstreamReading() implements Effect {}

    /** Call {@code onTimer} at (or soon after) this {@code System.nanoTime()} value; replaces any earlier one. */
    record WakeAt(long nanos) implements Effect {}

    /**
     * XEP-0206 §7 (checklist X-7-1): errors answering server stanzas the browser will never read,
     * written on that stream like {@link SendUpstream}, and counted apart.
     */
    record Bounce(String stream, List<XmlPayload> bounces) implements Effect {
        public Bounce {
            bounces = List.copyOf(bounces);
        }
    }

    /**
     * Stanzas from the server that reached neither the browser nor, as a bounce, their sender (the
     * upstream stream was already gone). The driver logs and counts them: nothing is lost without a trace.
     */
    record Undeliverable(List<XmlPayload> payloads, String why) implements Effect {
        public Undeliverable {
            payloads = List.copyOf(payloads);
        }
    }

    /**
     * Count this (docs/metrics.md): how a request was taken in, a limit hit, a wait expiry. Nothing to do
     * besides; the instances are shared ({@link Tally#effect()}).
     */
    record Counted(Tally what) implements Effect {}

    /** The session is over: forget it. {@code condition} is what the client was told, if anything. */
    record Ended(EndCause cause, Optional<Condition> condition) implements Effect {}
}
