package boshcm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Checklist H-6 (405 with Allow) and B-A-1 (no script syntax: GET with a query is 404). */
class MethodsTest {

    @Test
    void H6_otherMethodsGet405WithAllow() throws Exception {
        try (TestCm cm = new TestCm()) {
            for (String method : new String[] {"PUT", "DELETE", "PATCH", "HEAD", "TRACE"}) {
                RawResponse r = cm.send(method + " /http-bind HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
                assertThat(r.status()).as(method).isEqualTo(405);
                assertThat(r.header("Allow")).as(method).isEqualTo("POST, OPTIONS, GET");
            }
            assertThat(cm.endpoint.calls).isEmpty();
        }
    }

    @Test
    void BA1_getWithoutQueryIsAPlainTextInfoPage() throws Exception {
        try (TestCm cm = new TestCm()) {
            RawResponse r = cm.send("GET /http-bind HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type")).startsWith("text/plain");
            assertThat(r.text()).contains("BOSH");
            assertThat(cm.endpoint.calls).isEmpty();
        }
    }

    @Test
    void BA1_scriptSyntaxGetIs404AndCreatesNoSession() throws Exception {
        try (TestCm cm = new TestCm()) {
            RawResponse r = cm.send("GET /http-bind?%3Cbody%20rid='1000'%20to='example.com'%20xmlns='http://jabber.org/protocol/httpbind'/%3E HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(r.status()).isEqualTo(404);
            assertThat(r.body()).isEmpty();
            assertThat(cm.endpoint.calls).isEmpty();
            assertThat(cm.parser.seen).isEmpty();
        }
    }

    @Test
    void unknownPathsAre404() throws Exception {
        try (TestCm cm = new TestCm()) {
            assertThat(cm.send("POST /other HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n").status()).isEqualTo(404);
        }
    }

    @Test
    void healthAndMetricsAreServed() throws Exception {
        try (TestCm cm = new TestCm()) {
            cm.send(TestCm.post("<body rid='1'/>"));
            RawResponse health = cm.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            RawResponse metrics = cm.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.text()).isEqualTo("ok\n");
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
            assertThat(metrics.text()).contains("bosh_http_requests_total{method=\"POST\",outcome=\"dispatched\"} 1.0");
            assertThat(metrics.text()).contains("bosh_http_exchanges_open");
            assertThat(metrics.text()).contains("bosh_http_received_bytes_total");
        }
    }

    @Test
    void metricsPathCanBeMovedOrDisabled() throws Exception {
        try (TestCm cm = new TestCm("--metrics-path", "/internal/metrics", "--metrics-health-path", "")) {
            assertThat(cm.send("GET /internal/metrics HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(200);
            assertThat(cm.send("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(404);
            assertThat(cm.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").status()).isEqualTo(404);
        }
    }
}
