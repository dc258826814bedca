package boshcm.server.http;

import boshcm.protocol.error.Condition;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP-side meters (style R15: bounded tags only). Prometheus names:
 * {@code bosh_http_requests_total{method,outcome}}, {@code bosh_http_received_bytes_total},
 * {@code bosh_http_sent_bytes_total}, {@code bosh_http_too_large_total},
 * {@code bosh_http_rejected_total{condition}}, {@code bosh_http_exchanges_open},
 * {@code bosh_http_exchanges_gone_total{reason}}.
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

    private static final Set<String> METHODS = Set.of("POST", "OPTIONS", "GET");

    private final MeterRegistry registry;
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Map<Condition, Counter> rejected = new EnumMap<>(Condition.class);
    private final Map<GoneReason, Counter> gone = new EnumMap<>(GoneReason.class);
    private final Counter receivedBytes;
    private final Counter sentBytes;
    private final Counter tooLarge;
    private final AtomicInteger openExchanges = new AtomicInteger();

    public HttpMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.receivedBytes = Counter.builder("bosh.http.received.bytes")
                .description("Request body bytes read, after content decoding").register(registry);
        this.sentBytes = Counter.builder("bosh.http.sent.bytes")
                .description("Response body bytes written").register(registry);
        this.tooLarge = Counter.builder("bosh.http.too.large")
                .description("Requests refused with 413 on their declared Content-Length").register(registry);
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
        String m = METHODS.contains(method) ? method : "OTHER";
        requests.computeIfAbsent(m + ' ' + outcome.tag, k -> Counter.builder("bosh.http.requests")
                .tag("method", m).tag("outcome", outcome.tag)
                .description("HTTP requests by method and outcome").register(registry)).increment();
    }

    public void received(long bytes) {
        receivedBytes.increment(bytes);
    }

    public void sent(long bytes) {
        sentBytes.increment(bytes);
    }

    public void tooLarge() {
        tooLarge.increment();
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
