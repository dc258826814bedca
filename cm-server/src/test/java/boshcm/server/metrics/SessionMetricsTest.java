package boshcm.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.session.Tally;
import boshcm.server.http.HttpMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The session-side and HTTP-side meters as Prometheus renders them: the names docs/metrics.md lists,
 * histograms with their buckets, every tag value from a closed set and present from the start.
 */
class SessionMetricsTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final SessionMetrics metrics = new SessionMetrics(registry, () -> 3);
    private final HttpMetrics http = new HttpMetrics(registry);

    @Test
    void requestOutcomesWaitExpiriesAndLimitHitsAreCountedByTheirWireNames() {
        metrics.count(Tally.Request.IN_ORDER);
        metrics.count(Tally.Request.IN_ORDER);
        metrics.count(Tally.Request.AHEAD);
        metrics.count(Tally.Held.WAIT_EXPIRED);
        metrics.count(Tally.Limit.RID_WINDOW);
        metrics.refused(Refusal.MAX_SESSIONS);
        metrics.refused(Refusal.INSECURE_REQUEST);                  // a refusal, not a limit
        http.request("POST", HttpMetrics.Outcome.OVER_LIMIT);
        http.request("POST", HttpMetrics.Outcome.TOO_LARGE);

        String text = registry.scrape();
        assertThat(text).contains("bosh_requests_total{outcome=\"in_order\"} 2.0")
                .contains("bosh_requests_total{outcome=\"ahead\"} 1.0")
                .contains("bosh_requests_total{outcome=\"replayed\"} 0.0")
                .contains("bosh_wait_expiries_total 1.0")
                .contains("bosh_limit_hits_total{kind=\"rid-window\"} 1.0")
                .contains("bosh_limit_hits_total{kind=\"max-sessions\"} 1.0")
                .contains("bosh_limit_hits_total{kind=\"body-size\"} 2.0")
                .contains("bosh_limit_hits_total{kind=\"buffered-bytes\"} 0.0")
                .doesNotContain("kind=\"insecure-request\"");
        for (Tally.Request outcome : Tally.Request.values()) {
            assertThat(text).contains("bosh_requests_total{outcome=\"" + outcome.wireName() + "\"}");
        }
        for (Tally.Limit kind : Tally.Limit.values()) {
            assertThat(text).contains("bosh_limit_hits_total{kind=\"" + kind.wireName() + "\"}");
        }
    }

    @Test
    void stanzasAndBytesAreCountedEachWay() {
        XmlPayload message = payload("message", "<message xmlns='jabber:client'/>");
        XmlPayload ack = new XmlPayload(Namespaces.SM, "a", Map.of(), "<a xmlns='urn:xmpp:sm:3' h='1'/>".getBytes(StandardCharsets.UTF_8));
        metrics.sentUpstream(List.of(message, ack));
        metrics.responded("payload", List.of(message, message, message), 300);
        metrics.responded("empty", List.of(), 50);

        String text = registry.scrape();
        assertThat(text).contains("bosh_stanzas_total{direction=\"to_server\"} 1.0")
                .contains("bosh_stanzas_total{direction=\"to_client\"} 3.0")
                .contains("bosh_payload_bytes_total{direction=\"to_server\"} " + (double) (message.size() + ack.size()))
                .contains("bosh_payload_bytes_total{direction=\"to_client\"} " + (double) (3 * message.size()))
                .contains("bosh_upstream_payloads_sent_total 2.0")
                .contains("bosh_responses_total{kind=\"payload\"} 1.0")
                .contains("bosh_responses_total{kind=\"empty\"} 1.0")
                .contains("bosh_responses_total{kind=\"terminate\"} 0.0")
                .contains("bosh_response_bytes_total 350.0");
    }

    @Test
    void timersAndSizesAreHistogramsWithBoundedBuckets() {
        SessionTimings timings = metrics.forSession();
        timings.requestArrived(new boshcm.protocol.session.ExchangeId(1), 0);
        timings.responded(new boshcm.protocol.session.ExchangeId(1), List.of(), 3_000_000);
        http.received(300);
        http.sent(2000);

        String text = registry.scrape();
        assertThat(text).contains("# TYPE bosh_request_hold_duration_seconds histogram")
                .contains("bosh_request_hold_duration_seconds_bucket{le=\"0.005\"} 1")
                .contains("bosh_request_hold_duration_seconds_count 1")
                .contains("# TYPE bosh_delivery_latency_seconds histogram")
                .contains("# TYPE bosh_http_request_size_bytes histogram")
                .contains("bosh_http_request_size_bytes_bucket{le=\"512.0\"} 1")
                .contains("bosh_http_response_size_bytes_bucket{le=\"4096.0\"} 1");
        assertThat(text.lines().filter(l -> l.startsWith("bosh_request_hold_duration_seconds_bucket"))).hasSize(
                SessionMetrics.HOLD_BUCKETS.length + 1);
        assertThat(text.lines().filter(l -> l.startsWith("bosh_delivery_latency_seconds_bucket"))).hasSize(
                SessionMetrics.DELIVERY_BUCKETS.length + 1);
    }

    private static XmlPayload payload(String name, String xml) {
        return new XmlPayload(Namespaces.JABBER_CLIENT, name, Map.of(), xml.getBytes(StandardCharsets.UTF_8));
    }
}
