package boshcm.server.metrics;

import boshcm.protocol.error.Condition;
import boshcm.protocol.session.EndCause;
import boshcm.protocol.sm.ResumeFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Session-side meters (docs/metrics.md). Tags are closed sets only: end cause, condition wire names,
 * response kinds, refusal reasons.
 */
public final class SessionMetrics {

    private final MeterRegistry registry;
    private final Counter created;
    private final Counter undeliverable;
    private final Counter bounced;
    private final DistributionSummary responsePayloads;
    private final Counter responseBytes;
    private final Counter upstreamPayloads;
    private final Timer sessionDuration;
    private final AtomicInteger heldRequests = new AtomicInteger();
    private final Counter resumesStarted;
    private final Counter resumeConnections;
    private final Counter resumesSucceeded;
    private final Map<ResumeFailure, Counter> resumesFailed = new EnumMap<>(ResumeFailure.class);
    private final Timer resumeDuration;
    private final Counter retransmitted;
    private final DistributionSummary unackedAtResume;
    private final DistributionSummary parkedAtResume;
    private final AtomicInteger resuming = new AtomicInteger();

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

    public void refused(String reason) {
        registry.counter("bosh.sessions.refused", "reason", reason).increment();
    }

    public void ended(EndCause cause, Optional<Condition> condition, Duration lived) {
        registry.counter("bosh.sessions.ended", "cause", cause.tag(),
                "condition", condition.map(Condition::wireName).orElse("none")).increment();
        sessionDuration.record(lived);
    }

    public void responded(String kind, int payloads, int bytes) {
        registry.counter("bosh.responses", "kind", kind).increment();
        responsePayloads.record(payloads);
        responseBytes.increment(bytes);
    }

    public void sentUpstream(int payloads) {
        upstreamPayloads.increment(payloads);
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
}
