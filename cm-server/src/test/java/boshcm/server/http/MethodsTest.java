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

    /** Metrics, health and readiness live on the admin listener only (AdminHttpServerTest): 404 here. */
    @Test
    void metricsHealthAndReadinessAreNotServedOnTheBoshListener() throws Exception {
        try (TestCm cm = new TestCm()) {
            for (String path : new String[] {"/metrics", "/health", "/ready"}) {
                RawResponse r = cm.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
                assertThat(r.status()).as(path).isEqualTo(404);
                assertThat(r.body()).as(path).isEmpty();
            }
        }
    }
}
