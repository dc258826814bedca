package boshcm.server.http;

import boshcm.protocol.error.Condition;
import boshcm.server.metrics.LimitHits;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * HTTP-side meters (style R15: bounded tags only). Prometheus names:
 * {@code bosh_http_requests_total{method,outcome}}, {@code bosh_http_received_bytes_total},
 * {@code bosh_http_sent_bytes_total}, {@code bosh_http_too_large_total},
 * {@code bosh_http_rejected_total{condition}}, {@code bosh_http_exchanges_open},
 * {@code bosh_http_exchanges_gone_total{reason}}, {@code bosh_http_request_size_bytes},
 * {@code bosh_http_response_size_bytes}, {@code bosh_http_idle_connections_closed_total}; and the
 * {@code body-size}, {@code header-size} and {@code request-timeout} kinds of {@code bosh_limit_hits_total}.
 */
public final class HttpMetrics {

    /** What became of one HTTP request, as a bounded tag value. */
    public enum Outcome {
        DISPATCHED, REJECTED, EMPTY, TOO_LARGE, OVER_LIMIT, BAD_ENCODING, READ_FAILED, INTERNAL_ERROR,
        PREFLIGHT, INFO, NOT_FOUND, METHOD_NOT_ALLOWED;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /** Why an exchange went away unanswered. */
    public enum GoneReason {
        CLIENT_CLOSED, BACKSTOP;

        final String tag = name().toLowerCase(Locale.ROOT);
    }

    /** The method tag values; anything else is {@code OTHER}. */
    private static final List<String> METHODS = List.of("POST", "OPTIONS", "GET", "OTHER");
    private static final int OUTCOMES = Outcome.values().length;
    /** Body sizes: a poll is ~100 bytes, a login a few hundred, a roster or MAM page tens of kilobytes. */
    private static final double[] SIZE_BUCKETS = {128, 512, 1024, 4096, 16_384, 65_536, 262_144, 1_048_576};

    private final MeterRegistry registry;
    /** {@code bosh_http_requests_total} by method index × outcome ordinal, registered on first use. */
    private final AtomicReferenceArray<Counter> requests = new AtomicReferenceArray<>(METHODS.size() * OUTCOMES);
    private final Map<Condition, Counter> rejected = new EnumMap<>(Condition.class);
    private final Map<GoneReason, Counter> gone = new EnumMap<>(GoneReason.class);
    private final Counter receivedBytes;
    private final Counter sentBytes;
    private final Counter tooLarge;
    private final Counter idleClosed;
    private final AtomicInteger openExchanges = new AtomicInteger();
    private final DistributionSummary requestSize;
    private final DistributionSummary responseSize;
    private final LimitHits limits;

    /**
     * {@code bosh_http_buffer_pool_bytes{memory=direct|heap,state=total|idle}}: the network buffers of
     * the BOSH listener, all of them and those idle in the pool.
     */
    void bufferPool(ArrayByteBufferPool pool) {
        Gauge.builder("bosh_http_buffer_pool_bytes", pool, ArrayByteBufferPool::getDirectMemory)
                .tags("memory", "direct", "state", "total").register(registry);
        Gauge.builder("bosh_http_buffer_pool_bytes", pool, ArrayByteBufferPool::getAvailableDirectMemory)
                .tags("memory", "direct", "state", "idle").register(registry);
        Gauge.builder("bosh_http_buffer_pool_bytes", pool, ArrayByteBufferPool::getHeapMemory)
                .tags("memory", "heap", "state", "total").register(registry);
        Gauge.builder("bosh_http_buffer_pool_bytes", pool, ArrayByteBufferPool::getAvailableHeapMemory)
                .tags("memory", "heap", "state", "idle").register(registry);
    }

    public HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.requestSize = DistributionSummary.builder("bosh.http.request.size").baseUnit("bytes")
                .serviceLevelObjectives(SIZE_BUCKETS)
                .description("Request body sizes, after content decoding").register(registry);
        this.responseSize = DistributionSummary.builder("bosh.http.response.size").baseUnit("bytes")
                .serviceLevelObjectives(SIZE_BUCKETS)
                .description("Response body sizes on the BOSH path").register(registry);
        this.limits = new LimitHits(registry);
        this.receivedBytes = Counter.builder("bosh.http.received.bytes")
                .description("Request body bytes read, after content decoding").register(registry);
        this.sentBytes = Counter.builder("bosh.http.sent.bytes")
                .description("Response body bytes written").register(registry);
        this.tooLarge = Counter.builder("bosh.http.too.large")
                .description("Requests refused with 413 on their declared Content-Length").register(registry);
        this.idleClosed = Counter.builder("bosh.http.idle.connections.closed")
                .description("Connections closed by http.keep-alive-timeout with no request in them").register(registry);
        for (Condition c : Condition.values()) {
            rejected.put(c, Counter.builder("bosh.http.rejected").tag("condition", c.wireName())
                    .description("Request bodies refused before reaching a session").register(registry));
        }
        for (GoneReason r : GoneReason.values()) {
            gone.put(r, Counter.builder("bosh.http.exchanges.gone").tag("reason", r.tag)
                    .description("Held requests that went away unanswered").register(registry));
        }
        Gauge.builder("bosh.http.exchanges.open", openExchanges, AtomicInteger::get)
                .description("Requests handed to sessions and not yet answered").register(registry);
    }

    public void request(String method, Outcome outcome) {
        int m = METHODS.indexOf(method);
        int i = (m < 0 ? METHODS.size() - 1 : m) * OUTCOMES + outcome.ordinal();
        Counter counter = requests.get(i);
        if (counter == null) {
            // Registering the same id twice gives the same counter, so a race here is harmless.
            counter = Counter.builder("bosh.http.requests").tag("method", METHODS.get(i / OUTCOMES))
                    .tag("outcome", outcome.tag).description("HTTP requests by method and outcome").register(registry);
            requests.set(i, counter);
        }
        counter.increment();
        if (outcome == Outcome.TOO_LARGE || outcome == Outcome.OVER_LIMIT) {
            limits.hit(LimitHits.Node.BODY_SIZE);
        }
    }

    /** A request body of {@code bytes} was read (after gzip decoding). */
    public void received(long bytes) {
        receivedBytes.increment(bytes);
        requestSize.record(bytes);
    }

    /** A response body of {@code bytes} was written on the BOSH path. */
    public void sent(long bytes) {
        sentBytes.increment(bytes);
        responseSize.record(bytes);
    }

    public void tooLarge() {
        tooLarge.increment();
    }

    /** An HTTP limit was hit: {@code header-size} (431), {@code request-timeout} (slowloris). */
    void limitHit(LimitHits.Node kind) {
        limits.hit(kind);
    }

    /** A connection with no request in it was closed by {@code http.keep-alive-timeout}. */
    void idleClosed() {
        idleClosed.increment();
    }

    public void rejected(Condition condition) {
        rejected.get(condition).increment();
    }

    void exchangeOpened() {
        openExchanges.incrementAndGet();
    }

    void exchangeClosed() {
        openExchanges.decrementAndGet();
    }

    void gone(GoneReason reason) {
        gone.get(reason).increment();
    }

    public int openExchanges() {
        return openExchanges.get();
    }
}
