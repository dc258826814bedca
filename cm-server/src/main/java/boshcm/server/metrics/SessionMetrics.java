package boshcm.server.metrics;

import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.session.EndCause;
import boshcm.protocol.session.Tally;
import boshcm.protocol.sm.ResumeFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Session-side meters (docs/metrics.md). Tags are closed sets only: end cause, condition wire names,
 * response kinds, refusal reasons, request outcomes, limit kinds, directions. Meters counted per
 * request or per element are looked up once, here; {@link #forSession} gives each session the timers
 * it observes on its own loop.
 */
public final class SessionMetrics {

    /** Buckets for the hold time: from "answered at once" to past the longest {@code wait}. */
    static final Duration[] HOLD_BUCKETS = durations(1, 5, 10, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000,
            30_000, 60_000, 120_000);
    /** Buckets for the delivery latency: a held request takes data within a millisecond; a slow poller later. */
    static final Duration[] DELIVERY_BUCKETS = durations(1, 2, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500,
            5_000, 10_000, 30_000, 60_000);

    private final MeterRegistry registry;
    private final Counter created;
    private final Counter undeliverable;
    private final Counter bounced;
    private final DistributionSummary responsePayloads;
    private final Counter responseBytes;
    private final Counter upstreamPayloads;
    private final Timer sessionDuration;
    private final AtomicInteger heldRequests = new AtomicInteger();
    private final Map<Refusal, Counter> refusals = new EnumMap<>(Refusal.class);
    private final Counter resumesStarted;
    private final Counter resumeConnections;
    private final Counter resumesSucceeded;
    private final Map<ResumeFailure, Counter> resumesFailed = new EnumMap<>(ResumeFailure.class);
    private final Timer resumeDuration;
    private final Counter retransmitted;
    private final DistributionSummary unackedAtResume;
    private final DistributionSummary parkedAtResume;
    private final AtomicInteger resuming = new AtomicInteger();
    private final AtomicInteger readingPaused = new AtomicInteger();
    private final Counter readPauses;
    /** Written only by the constructor; read by every session loop. */
    private final Map<Tally, Counter> tallies = new HashMap<>();
    private final Map<String, Counter> responses = new HashMap<>();
    private final LimitHits limits;
    private final Counter stanzasToServer;
    private final Counter stanzasToClient;
    private final Counter bytesToServer;
    private final Counter bytesToClient;
    private final Timer hold;
    private final Timer delivery;

    public SessionMetrics(MeterRegistry registry, Supplier<Number> activeSessions) {
        this.registry = registry;
        // Not "created": Prometheus reserves the _created suffix of counters.
        this.created = Counter.builder("bosh.sessions.started").description("BOSH sessions started").register(registry);
        // A strong reference: Micrometer holds gauge state weakly by default, and a lambda nobody else
        // holds would be collected (the gauge would read NaN).
        Gauge.builder("bosh.sessions.active", activeSessions).strongReference(true)
                .description("BOSH sessions open on this node").register(registry);
        registry.gauge("bosh.requests.held", heldRequests);
        this.undeliverable = Counter.builder("bosh.stanzas.undeliverable")
                .description("server stanzas that reached neither the browser nor, bounced, their sender").register(registry);
        this.bounced = Counter.builder("bosh.stanzas.bounced")
                .description("server stanzas bounced to their sender because the session ended (XEP-0206 §7)").register(registry);
        this.responsePayloads = DistributionSummary.builder("bosh.response.payloads")
                .description("payload elements per response").register(registry);
        this.responseBytes = Counter.builder("bosh.response.bytes").baseUnit("bytes").register(registry);
        this.upstreamPayloads = Counter.builder("bosh.upstream.payloads.sent")
                .description("client payloads written to the XMPP server").register(registry);
        this.sessionDuration = Timer.builder("bosh.session.duration").register(registry);
        for (Refusal reason : Refusal.values()) {
            refusals.put(reason, Counter.builder("bosh.sessions.refused").tag("reason", reason.tag())
                    .description("session creations refused, by reason").register(registry));
        }
        // XEP-0198 managed mode (SM-12): every series exists from the start, at zero.
        this.resumesStarted = Counter.builder("bosh.sm.resumes.started")
                .description("upstream drops the CM set out to hide by an XEP-0198 resume").register(registry);
        this.resumeConnections = Counter.builder("bosh.sm.resume.connections")
                .description("connections opened for resumes, retries included").register(registry);
        this.resumesSucceeded = Counter.builder("bosh.sm.resumes.succeeded")
                .description("resumes that reached <resumed/>: drops the browser never saw").register(registry);
        for (ResumeFailure reason : ResumeFailure.values()) {
            resumesFailed.put(reason, Counter.builder("bosh.sm.resumes.failed").tag("reason", reason.wireName())
                    .description("resumes given up; the session ended with remote-connection-failed").register(registry));
        }
        this.resumeDuration = Timer.builder("bosh.sm.resume.duration").publishPercentileHistogram()
                .description("from an upstream drop to <resumed/>").register(registry);
        this.retransmitted = Counter.builder("bosh.sm.stanzas.retransmitted")
                .description("client stanzas written again after a resume because the server had not handled them")
                .register(registry);
        this.unackedAtResume = DistributionSummary.builder("bosh.sm.queue.depth").tag("queue", "unacked")
                .description("client stanzas unacknowledged by the server at a resume").register(registry);
        this.parkedAtResume = DistributionSummary.builder("bosh.sm.queue.depth").tag("queue", "parked")
                .description("client payloads accepted during an outage, written after the resume").register(registry);
        Gauge.builder("bosh.sm.resuming", resuming, AtomicInteger::get)
                .description("sessions hiding an upstream drop right now").register(registry);
        // U-15, S-10: backpressure toward the XMPP server while a browser falls behind.
        Gauge.builder("bosh.upstream.reading.paused", readingPaused, AtomicInteger::get)
                .description("sessions not reading their XMPP connections right now: their browser is behind").register(registry);
        this.readPauses = Counter.builder("bosh.upstream.read.pauses")
                .description("times a session stopped reading its XMPP connections because its browser fell behind")
                .register(registry);

        for (Tally.Request outcome : Tally.Request.values()) {
            tallies.put(outcome, Counter.builder("bosh.requests").tag("outcome", outcome.wireName())
                    .description("requests naming a session, by how the session took them in (XEP-0124 §14)")
                    .register(registry));
        }
        tallies.put(Tally.Held.WAIT_EXPIRED, Counter.builder("bosh.wait.expiries")
                .description("held requests answered empty because nothing came within 'wait'").register(registry));
        for (String kind : List.of("payload", "empty", "terminate", "error")) {
            responses.put(kind, Counter.builder("bosh.responses").tag("kind", kind)
                    .description("responses written by sessions").register(registry));
        }
        this.limits = new LimitHits(registry);
        this.stanzasToServer = stanzas(registry, "to_server");
        this.stanzasToClient = stanzas(registry, "to_client");
        this.bytesToServer = payloadBytes(registry, "to_server");
        this.bytesToClient = payloadBytes(registry, "to_client");
        this.hold = Timer.builder("bosh.request.hold.duration").serviceLevelObjectives(HOLD_BUCKETS)
                .description("from a request reaching its session to its response").register(registry);
        this.delivery = Timer.builder("bosh.delivery.latency").serviceLevelObjectives(DELIVERY_BUCKETS)
                .description("from a server element's arrival to the response carrying it to the browser")
                .register(registry);
    }

    private static Counter stanzas(MeterRegistry registry, String direction) {
        return Counter.builder("bosh.stanzas").tag("direction", direction)
                .description("message, presence and iq stanzas relayed, by direction").register(registry);
    }

    private static Counter payloadBytes(MeterRegistry registry, String direction) {
        return Counter.builder("bosh.payload.bytes").baseUnit("bytes").tag("direction", direction)
                .description("bytes of XML elements relayed (stanzas and others, without the BOSH wrapper), by direction")
                .register(registry);
    }

    private static Duration[] durations(long... millis) {
        Duration[] d = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            d[i] = Duration.ofMillis(millis[i]);
        }
        return d;
    }

    /** The timers one session observes on its own loop. */
    public SessionTimings forSession() {
        return new SessionTimings(hold, delivery);
    }

    /** What the session said to count ({@code Effect.Counted}). */
    public void count(Tally what) {
        if (what instanceof Tally.Limit limit) {
            limits.hit(limit);
        } else {
            tallies.get(what).increment();
        }
    }


    /** A connection of a resume is opened (SM-12); {@code attempt} 1 starts the resume. */
    public void resumeAttempt(int attempt) {
        resumeConnections.increment();
        if (attempt == 1) {
            resumesStarted.increment();
            resuming.incrementAndGet();
        }
    }

    /** SM-12 step 5: {@code <resumed/>}. */
    public void resumeSucceeded(Duration took, int retransmittedStanzas, int parkedPayloads) {
        resuming.decrementAndGet();
        resumesSucceeded.increment();
        resumeDuration.record(took);
        retransmitted.increment(retransmittedStanzas);
        unackedAtResume.record(retransmittedStanzas);
        parkedAtResume.record(parkedPayloads);
    }

    /** SM-12 step 6, SM-15: a resume given up. */
    public void resumeFailed(ResumeFailure reason) {
        resuming.decrementAndGet();
        resumesFailed.get(reason).increment();
    }

    public void created() {
        created.increment();
    }

    /** A creation (or, for {@code insecure-request}, a request) refused; node limits count as limit hits too. */
    public void refused(Refusal reason) {
        refusals.get(reason).increment();
        LimitHits.Node.byTag(reason.tag()).ifPresent(limits::hit);
    }

    public void ended(EndCause cause, Optional<Condition> condition, Duration lived) {
        registry.counter("bosh.sessions.ended", "cause", cause.tag(),
                "condition", condition.map(Condition::wireName).orElse("none")).increment();
        sessionDuration.record(lived);
    }

    /** A response of {@code kind} ({@code payload}, {@code empty}, {@code terminate}, {@code error}), {@code bytes} long in all. */
    public void responded(String kind, List<XmlPayload> payloads, int bytes) {
        responses.get(kind).increment();
        responsePayloads.record(payloads.size());
        responseBytes.increment(bytes);
        relayed(payloads, stanzasToClient, bytesToClient);
    }

    /** Elements written to the XMPP server. */
    public void sentUpstream(List<XmlPayload> payloads) {
        upstreamPayloads.increment(payloads.size());
        relayed(payloads, stanzasToServer, bytesToServer);
    }

    private static void relayed(List<XmlPayload> payloads, Counter stanzas, Counter bytes) {
        if (payloads.isEmpty()) {
            return;
        }
        int n = 0;
        long size = 0;
        for (int i = 0; i < payloads.size(); i++) {
            XmlPayload p = payloads.get(i);
            if (p.isStanza()) {
                n++;
            }
            size += p.size();
        }
        stanzas.increment(n);
        bytes.increment(size);
    }

    public void undeliverable(int stanzas) {
        undeliverable.increment(stanzas);
    }

    public void bounced(int stanzas) {
        bounced.increment(stanzas);
    }

    /** A session configured for managed XEP-0198 that had to run in pass-through mode (SM-13). */
    public void smFallback() {
        registry.counter("bosh.sm.fallbacks").increment();
    }

    public void held(int delta) {
        heldRequests.addAndGet(delta);
    }

    /** A session stopped ({@code true}) or went back to ({@code false}) reading upstream; only stops are counted. */
    public void readingPaused(boolean paused) {
        if (paused) {
            readPauses.increment();
            readingPaused.incrementAndGet();
        } else {
            readingPaused.decrementAndGet();
        }
    }
}
