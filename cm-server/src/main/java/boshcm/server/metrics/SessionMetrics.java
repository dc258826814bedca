package boshcm.server.metrics;

import boshcm.protocol.error.Condition;
import boshcm.protocol.session.EndCause;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
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
