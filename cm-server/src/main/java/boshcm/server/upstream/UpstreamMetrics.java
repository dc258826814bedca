package boshcm.server.upstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.netty.channel.Channel;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Upstream meters (docs/metrics.md, "Upstream"): {@code bosh_upstream_connects_started_total},
 * {@code bosh_upstream_connects_succeeded_total}, {@code bosh_upstream_failures_total{reason}},
 * {@code bosh_upstream_connections} (open TCP connections), and the timers
 * {@code bosh_upstream_connect_duration_seconds} (TCP), {@code bosh_upstream_tls_handshake_duration_seconds}
 * and {@code bosh_upstream_setup_duration_seconds} (from the start to the features of the stream the
 * client uses). Every failure reason is registered at 0. Called on the event loops; meters are looked
 * up once, here.
 */
public final class UpstreamMetrics {

    /** Loopback is under a millisecond, a TLS handshake across a continent a few hundred; the connect timeout caps it. */
    private static final Duration[] BUCKETS = {Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final Counter started;
    private final Counter succeeded;
    private final Map<UpstreamFailure, Counter> failures = new EnumMap<>(UpstreamFailure.class);
    private final AtomicInteger open = new AtomicInteger();
    private final Timer connect;
    private final Timer tlsHandshake;
    private final Timer setup;

    public UpstreamMetrics(MeterRegistry registry) {
        started = Counter.builder("bosh.upstream.connects.started")
                .description("upstream connections begun (one per stream, resumes included, however many addresses it tries)")
                .register(registry);
        succeeded = Counter.builder("bosh.upstream.connects.succeeded")
                .description("upstream connections that reached the features of the stream the client uses")
                .register(registry);
        for (UpstreamFailure reason : UpstreamFailure.values()) {
            failures.put(reason, Counter.builder("bosh.upstream.failures").tag("reason", reason.tag)
                    .description("upstream connections that failed to connect or were lost, by reason").register(registry));
        }
        Gauge.builder("bosh.upstream.connections", open, AtomicInteger::get)
                .description("TCP connections to XMPP servers open now").register(registry);
        connect = timer(registry, "bosh.upstream.connect.duration", "TCP connect to the address that answered");
        tlsHandshake = timer(registry, "bosh.upstream.tls.handshake.duration", "TLS handshakes that succeeded (STARTTLS or direct)");
        setup = timer(registry, "bosh.upstream.setup.duration",
                "from the start of a connection to the features of the stream the client uses: DNS, TCP, STARTTLS, TLS, headers");
    }

    /** Meters that go nowhere: for a connector built without a registry (tests, embedding). */
    static UpstreamMetrics none() {
        return new UpstreamMetrics(new CompositeMeterRegistry());
    }

    private static Timer timer(MeterRegistry registry, String name, String description) {
        return Timer.builder(name).serviceLevelObjectives(BUCKETS).description(description).register(registry);
    }

    void started() {
        started.increment();
    }

    /** The final stream's first features arrived, {@code nanos} after the connection started. */
    void succeeded(long nanos) {
        succeeded.increment();
        setup.record(nanos, TimeUnit.NANOSECONDS);
    }

    void failed(UpstreamFailure reason) {
        failures.get(reason).increment();
    }

    void tcpConnected(long nanos) {
        connect.record(nanos, TimeUnit.NANOSECONDS);
    }

    void tlsHandshaken(long nanos) {
        tlsHandshake.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** {@code channel} is connected: counted as open until it closes. */
    void opened(Channel channel) {
        open.incrementAndGet();
        channel.closeFuture().addListener(f -> open.decrementAndGet());
    }
}
