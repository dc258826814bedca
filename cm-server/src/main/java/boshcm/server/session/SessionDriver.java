package boshcm.server.session;

import boshcm.protocol.body.BodyWriter;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.session.BoshSession;
import boshcm.protocol.session.CloseMode;
import boshcm.protocol.session.Effect;
import boshcm.protocol.session.ExchangeId;
import boshcm.protocol.session.Step;
import boshcm.protocol.session.Tally;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.server.http.Exchange;
import boshcm.server.http.TerminateBody;
import boshcm.server.logging.SessionMdc;
import boshcm.server.metrics.SessionMetrics;
import boshcm.server.metrics.SessionTimings;
import boshcm.server.upstream.UpstreamConnection;
import boshcm.server.upstream.UpstreamConnector;
import boshcm.server.upstream.UpstreamListener;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link BoshSession} on one Netty event loop and carries out its effects: answers HTTP
 * exchanges, writes to the upstream connections (which live on the same loop), and keeps the
 * session's single timer. Every method runs on {@link #loop()}; other threads hand work over with
 * {@code loop().execute(...)} and never lock (design.md §2, style R8).
 *
 * <p>A session has one upstream connection per stream (XEP-0124 §16): effects name the stream, and
 * each connection's events go back to the session tagged with its stream's name.
 *
 * <p>Logs: every session step runs with the session's redacted sid in the MDC ({@link SessionMdc}), so
 * whatever it logs, on any logger, names the session; the connections it opens on the same loop pick
 * the label up from there. {@link SessionLog} writes the session's start and end lines.
 */
final class SessionDriver {

    private static final Logger log = LoggerFactory.getLogger(SessionDriver.class);
    /** Response bodies at TRACE, with the upstream traffic (docs/configuration.md: payload logging). */
    private static final Logger WIRE = LoggerFactory.getLogger("boshcm.wire");

    private final String sid;
    private final EventLoop loop;
    private final BoshSession session;
    private final UpstreamConnector connector;
    private final SessionMetrics metrics;
    /** Hold times and delivery latencies of this session (docs/metrics.md). */
    private final SessionTimings timings;
    private final LongSupplier clock;
    private final Runnable onEnded;
    private final long startedAt;
    private final boolean secure;
    /** The sid as logs show it, in the MDC while this session's work runs. */
    private final String label;
    private final SessionLog sessionLog = new SessionLog();

    /** Exchanges the session may still answer, by id. Confined to the loop. */
    private final Map<ExchangeId, Exchange> exchanges = new HashMap<>();
    /** The upstream connection of each stream, by stream name, in the order they were opened. */
    private final Map<String, UpstreamConnection> upstreams = new LinkedHashMap<>();
    private ScheduledFuture<?> timer;
    private long timerAt = Long.MAX_VALUE;
    private boolean ended;
    /** The session asked to stop reading upstream (backpressure, U-15): applies to connections opened meanwhile too. */
    private boolean readingPaused;
    /** A session step's effects are being applied; events arriving meanwhile are deferred. */
    private boolean applying;

    SessionDriver(String sid, EventLoop loop, BoshSession session, UpstreamConnector connector,
                  SessionMetrics metrics, LongSupplier clock, boolean secure, Runnable onEnded) {
        this.sid = sid;
        this.loop = loop;
        this.session = session;
        this.connector = connector;
        this.metrics = metrics;
        this.timings = metrics.forSession();
        this.clock = clock;
        this.onEnded = onEnded;
        this.secure = secure;
        this.startedAt = clock.getAsLong();
        this.label = SessionMdc.redact(sid);
    }

    /** The session was created over HTTPS: every later request must be too (XEP-0124 §19.1). */
    boolean secure() {
        return secure;
    }

    EventLoop loop() {
        return loop;
    }

    String sid() {
        return sid;
    }

    // ---------------------------------------------------------------- events, on the loop

    void create(ClientBody body, Exchange exchange) {
        track(exchange);
        sessionLog.creation(exchange.clientAddress(), body.to());
        sessionLog.request();
        run(() -> started(session.onCreate(body, exchange.id(), clock.getAsLong())));
    }

    void request(ClientBody body, Exchange exchange) {
        if (ended) {
            metrics.count(Tally.Request.AFTER_END);
            answerEnded(exchange);
            return;
        }
        track(exchange);
        sessionLog.request();
        run(() -> session.onRequest(body, exchange.id(), clock.getAsLong()));
    }

    void rejected(Condition condition, Exchange exchange) {
        if (ended) {
            answerEnded(exchange);
            return;
        }
        track(exchange);
        sessionLog.request();
        run(() -> session.onRejected(exchange.id(), condition, clock.getAsLong()));
    }

    /** Logs the start line once creation succeeded, before its effects (which may end the session) apply. */
    private Step started(Step creation) {
        session.params().ifPresent(params -> sessionLog.started(params, secure, creation.effects().stream()
                .filter(Effect.OpenUpstream.class::isInstance).map(e -> ((Effect.OpenUpstream) e).target()).findFirst()));
        return creation;
    }

    /** A request for this sid after the session ended (it is still in the registry for a moment). */
    private void answerEnded(Exchange exchange) {
        String outer = SessionMdc.enter(label);
        try {
            respond(exchange, 200, ServerBody.terminate(Condition.ITEM_NOT_FOUND), TerminateBody.CONTENT_TYPE);
        } finally {
            SessionMdc.exit(outer);
        }
    }

    /** The node stops: every open request gets {@code farewell} (system-shutdown or see-other-uri). */
    void shutdown(ServerBody farewell) {
        if (!ended) {
            run(() -> session.onShutdown(farewell, clock.getAsLong()));
        }
    }

    /**
     * The listener of the upstream connection of {@code stream}: one read's events go into one
     * session step, so that they share a response (B-8-5, X-6-1). Runs on the loop.
     */
    private UpstreamListener listenerFor(String stream, UpstreamConnection[] self) {
        return new UpstreamListener() {
            @Override
            public void onEvent(StreamEvent event) {
                onEvents(List.of(event));
            }

            @Override
            public void onEvents(List<StreamEvent> events) {
                // SM-14, U-9: a connection that was replaced is never heard again (self[0] is still
                // null only while open() itself runs, when this connection is the current one).
                boolean current = self[0] == null || upstreams.get(stream) == self[0];
                if (!ended && current) {
                    sessionLog.upstream(events);
                    timings.upstreamArrived(events, clock.getAsLong());
                    run(() -> session.onUpstream(stream, events, clock.getAsLong()));
                }
            }

            @Override
            public void onStanzasAfterClose(List<XmlPayload> stanzas) {
                // They crossed our closing tag: no request will carry them, and no stream a bounce.
                metrics.undeliverable(stanzas.size());
                log.info("session {}: {} server stanza(s) undeliverable: arrived after the stream was closed",
                        SidGenerator.redact(sid), stanzas.size());
            }
        };
    }

    /**
     * Opens the upstream connection of a stream. Opening a stream that already has one (a reconnect
     * for an XEP-0198 resume) drops the old connection without a closing tag, so the server keeps the
     * session, and ignores anything it still delivers (SM-14).
     */
    private void open(Effect.OpenUpstream o) {
        UpstreamConnection old = upstreams.remove(o.stream());
        if (old != null) {
            old.close(CloseMode.ABORT, Optional.empty());
        }
        UpstreamConnection[] self = new UpstreamConnection[1];
        self[0] = connector.open(loop, o.target(), o.header(), o.hideSm(), listenerFor(o.stream(), self));
        upstreams.put(o.stream(), self[0]);
        if (readingPaused) {
            self[0].reading(false);
        }
    }

    private void onTimer() {
        timer = null;
        timerAt = Long.MAX_VALUE;
        if (!ended) {
            run(() -> session.onTimer(clock.getAsLong()));
        }
    }

    private void onGone(ExchangeId id) {
        if (exchanges.remove(id) != null && !ended) {
            metrics.held(-1);
            timings.requestGone(id);
            run(() -> session.onExchangeGone(id, clock.getAsLong()));
        }
    }

    private void track(Exchange exchange) {
        exchanges.put(exchange.id(), exchange);
        metrics.held(1);
        timings.requestArrived(exchange.id(), clock.getAsLong());
        exchange.onGone(() -> loop.execute(() -> onGone(exchange.id())));
    }

    // ---------------------------------------------------------------- effects

    /**
     * Runs one session event and applies its effects, with the session in the MDC; a bug in either ends
     * this session only. Every event of the session passes here: requests, upstream events, timers.
     */
    private void run(java.util.function.Supplier<Step> event) {
        if (applying) {
            // An effect being applied (an upstream open, a write) called back at once: the session is
            // mid-step, so the event waits for its own turn on the loop.
            loop.execute(() -> {
                if (!ended) {
                    run(event);
                }
            });
            return;
        }
        applying = true;
        String outer = SessionMdc.enter(label);
        try {
            Step step = event.get();
            for (Effect effect : step.effects()) {
                apply(effect);
            }
        } catch (RuntimeException e) {
            log.error("session {} failed; ending it", label, e);
            crash();
        } finally {
            applying = false;
            SessionMdc.exit(outer);
        }
    }

    private void apply(Effect effect) {
        if (effect instanceof Effect.Respond r) {
            Exchange exchange = exchanges.remove(r.exchange());
            if (exchange != null) {
                metrics.held(-1);
                respond(exchange, r.httpStatus(), r.body(), r.contentType());
            }
        } else if (effect instanceof Effect.SendUpstream s) {
            metrics.sentUpstream(s.payloads());
            sessionLog.up(s.payloads().size());
            UpstreamConnection upstream = upstreams.get(s.stream());
            if (upstream != null) {
                upstream.send(s.payloads());
            }
        } else if (effect instanceof Effect.Bounce b) {
            metrics.bounced(b.bounces().size());
            UpstreamConnection upstream = upstreams.get(b.stream());
            if (upstream != null) {
                upstream.send(b.bounces());
            }
        } else if (effect instanceof Effect.OpenUpstream o) {
            open(o);
        } else if (effect instanceof Effect.SmFallback f) {
            // SM-13: managed XEP-0198 was configured, but this session gives the CM no way to
            // authenticate again; it runs in pass-through mode.
            metrics.smFallback();
            log.info("session {}: stream management stays with the client: {}", SidGenerator.redact(sid), f.reason());
        } else if (effect instanceof Effect.ResumeAttempt a) {
            metrics.resumeAttempt(a.attempt());
            log.info("session {}: upstream {}: resuming stream management, connection {}", SidGenerator.redact(sid),
                    a.cause(), a.attempt());
        } else if (effect instanceof Effect.ResumeSucceeded r) {
            metrics.resumeSucceeded(r.took(), r.retransmitted(), r.parked());
            sessionLog.resumed();
            log.info("session {}: resumed after {} ms and {} connection(s); {} stanza(s) retransmitted, {} payload(s) parked",
                    SidGenerator.redact(sid), r.took().toMillis(), r.attempts(), r.retransmitted(), r.parked());
        } else if (effect instanceof Effect.ResumeFailed r) {
            metrics.resumeFailed(r.reason());
            log.warn("session {}: resume failed ({}: {}) after {} ms and {} connection(s)", SidGenerator.redact(sid),
                    r.reason().wireName(), r.detail(), r.took().toMillis(), r.attempts());
        } else if (effect instanceof Effect.RestartUpstream r) {
            UpstreamConnection upstream = upstreams.get(r.stream());
            if (upstream != null) {
                upstream.restart(r.header(), r.hideSm());
            }
        } else if (effect instanceof Effect.CloseUpstream c) {
            // The session ignores a closed stream's later events; the connection finishes closing on its own.
            UpstreamConnection upstream = upstreams.remove(c.stream());
            if (upstream != null) {
                upstream.close(c.mode(), c.streamError());
            }
            c.streamError().ifPresent(sessionLog::sentStreamError);
        } else if (effect instanceof Effect.PauseUpstreamReading) {
            readingPaused(true);
        } else if (effect instanceof Effect.ResumeUpstreamReading) {
            readingPaused(false);
        } else if (effect instanceof Effect.WakeAt w) {
            schedule(w.nanos());
        } else if (effect instanceof Effect.Undeliverable u) {
            metrics.undeliverable(u.payloads().size());
            log.info("session {}: {} server stanza(s) undeliverable: {}", SidGenerator.redact(sid), u.payloads().size(), u.why());
        } else if (effect instanceof Effect.Counted c) {
            metrics.count(c.what());
        } else if (effect instanceof Effect.Ended e) {
            end(e);
        } else {
            throw new AssertionError(effect);
        }
    }

    /** U-15, S-10: the browser is behind (or caught up); every upstream connection stops (or goes back to) reading. */
    private void readingPaused(boolean paused) {
        if (paused == readingPaused) {
            return;
        }
        readingPaused = paused;
        metrics.readingPaused(paused);
        for (UpstreamConnection upstream : upstreams.values()) {
            upstream.reading(!paused);
        }
        log.debug("session {}: reading upstream {}", label, paused ? "paused: the browser is behind" : "resumed");
    }

    private void respond(Exchange exchange, int status, ServerBody body, String contentType) {
        byte[] bytes = BodyWriter.write(body);
        if (WIRE.isTraceEnabled()) {
            WIRE.trace("<= {}", new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }
        metrics.responded(kind(body), body.payloads(), bytes.length);
        sessionLog.down(body.payloads().size());
        exchange.respond(status, contentType, bytes);
        timings.responded(exchange.id(), body.payloads(), clock.getAsLong());
    }

    private static String kind(ServerBody body) {
        switch (body.type()) {
            case TERMINATE:
                return "terminate";
            case ERROR:
                return "error";
            default:
                return body.payloads().isEmpty() ? "empty" : "payload";
        }
    }

    private void schedule(long at) {
        if (at == timerAt) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerAt = at;
        long delay = Math.max(0, at - clock.getAsLong());
        timer = loop.schedule(this::onTimer, delay, TimeUnit.NANOSECONDS);
    }

    private void end(Effect.Ended e) {
        if (ended) {
            return;
        }
        ended = true;
        if (readingPaused) {
            readingPaused = false;
            metrics.readingPaused(false);            // the gauge counts live sessions only
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        // The session answers every exchange it knows before it ends; anything left is a bug: never a hang.
        // Whatever happens while answering them, the session is counted, logged and removed: end() runs
        // once (a crash while ending calls it again, and that call returns at once).
        List<Exchange> left = new ArrayList<>(exchanges.values());
        exchanges.clear();
        try {
            for (Exchange x : left) {
                metrics.held(-1);
                try {
                    respond(x, 200, e.condition().map(ServerBody::terminate).orElseGet(ServerBody::terminate),
                            TerminateBody.CONTENT_TYPE);
                } catch (RuntimeException failure) {
                    log.error("session {}: answering exchange {} at the end failed; closing it", label, x.id().value(),
                            failure);
                    x.abort();
                }
            }
        } finally {
            Duration lasted = Duration.ofNanos(clock.getAsLong() - startedAt);
            metrics.ended(e.cause(), e.condition(), lasted);
            sessionLog.ended(e.cause(), e.condition(), lasted);
            onEnded.run();
        }
    }

    private void crash() {
        for (UpstreamConnection upstream : upstreams.values()) {
            try {
                upstream.close(boshcm.protocol.session.CloseMode.GRACEFUL, Optional.empty());
            } catch (RuntimeException ignored) {
                // already failing; the connection is dropped with the session
            }
        }
        upstreams.clear();
        end(new Effect.Ended(boshcm.protocol.session.EndCause.UPSTREAM, Optional.of(Condition.INTERNAL_SERVER_ERROR)));
    }
}
