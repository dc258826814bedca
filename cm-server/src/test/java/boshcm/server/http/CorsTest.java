package boshcm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Checklist H-1 (CORS preflight) and H-2 (CORS on every response, errors included). */
class CorsTest {

    private static String preflight(String origin) {
        return "OPTIONS /http-bind HTTP/1.1\r\nHost: localhost\r\nOrigin: " + origin + "\r\n"
                + "Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n";
    }

    @Test
    void H1_preflightByDefaultAllowsAnyOriginWithStar() throws Exception {
        try (TestCm cm = new TestCm()) {
            RawResponse r = cm.send(preflight("https://app.example"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("*");
            assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("POST, OPTIONS, GET");
            assertThat(r.header("Access-Control-Allow-Headers")).isEqualToIgnoringCase("content-type");
            assertThat(r.header("Access-Control-Max-Age")).isEqualTo("86400");
            assertThat(r.has("Access-Control-Allow-Credentials")).isFalse();
            assertThat(r.header("Content-Length")).isEqualTo("0");
        }
    }

    @Test
    void H1_preflightFromListedOriginEchoesItWithVary() throws Exception {
        try (TestCm cm = new TestCm("--cors-allowed-origins", "https://app.example,https://other.example")) {
            RawResponse r = cm.send(preflight("https://app.example"));
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
            assertThat(r.header("Vary")).contains("Origin");
            assertThat(r.header("Access-Control-Allow-Methods")).isEqualTo("POST, OPTIONS, GET");
            assertThat(r.header("Access-Control-Max-Age")).isEqualTo("86400");
        }
    }

    @Test
    void H1_preflightFromUnlistedOriginGetsNoCorsHeaders() throws Exception {
        try (TestCm cm = new TestCm("--cors-allowed-origins", "https://app.example")) {
            RawResponse r = cm.send(preflight("https://evil.example"));
            assertThat(r.has("Access-Control-Allow-Origin")).isFalse();
            assertThat(r.has("Access-Control-Allow-Methods")).isFalse();
        }
    }

    @Test
    void H1_withCredentialsTheOriginIsEchoedNeverStar() throws Exception {
        try (TestCm cm = new TestCm("--cors-allow-credentials")) {
            RawResponse r = cm.send(preflight("https://app.example"));
            assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example");
            assertThat(r.header("Access-Control-Allow-Credentials")).isEqualTo("true");
            assertThat(r.header("Vary")).contains("Origin");
        }
    }

    @Test
    void H1_unreasonableRequestedHeadersFallBackToContentType() throws Exception {
        try (TestCm cm = new TestCm()) {
            RawResponse r = cm.send("OPTIONS /http-bind HTTP/1.1\r\nHost: localhost\r\nOrigin: https://a.example\r\n"
                    + "Access-Control-Request-Headers: x\"y\r\n\r\n");
            assertThat(r.header("Access-Control-Allow-Headers")).isEqualTo("Content-Type");
        }
    }

    @Test
    void H2_corsOnPostResponsesIncludingTerminateAndHttpErrors() throws Exception {
        try (TestCm cm = new TestCm("--cors-allowed-origins", "https://app.example", "--http-max-body-bytes", "10000")) {
            String origin = "Origin: https://app.example";
            RawResponse ok = cm.send(TestCm.post("<body rid='1'/>", origin));
            RawResponse terminate = cm.send(TestCm.post("not xml", origin));
            RawResponse empty = cm.send(TestCm.post("", origin));
            RawResponse tooLarge = cm.send("POST /http-bind HTTP/1.1\r\nHost: x\r\n" + origin + "\r\nContent-Length: 20000\r\n\r\n");
            RawResponse notAllowed = cm.send("PUT /http-bind HTTP/1.1\r\nHost: x\r\n" + origin + "\r\nContent-Length: 0\r\n\r\n");
            RawResponse notFound = cm.send("GET /nowhere HTTP/1.1\r\nHost: x\r\n" + origin + "\r\n\r\n");
            RawResponse badMessage = cm.send("POST /http-bind HTTP/1.1\r\nHost: x\r\n" + origin + "\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n");
            assertThat(terminate.text()).contains("condition='bad-request'");
            assertThat(tooLarge.status()).isEqualTo(413);
            assertThat(notAllowed.status()).isEqualTo(405);
            assertThat(badMessage.status()).isEqualTo(400);
            for (RawResponse r : new RawResponse[] {ok, terminate, empty, tooLarge, notAllowed, notFound, badMessage}) {
                assertThat(r.header("Access-Control-Allow-Origin")).as("status %d", r.status()).isEqualTo("https://app.example");
            }
        }
    }

    @Test
    void H2_noCorsHeadersForAnUnlistedOriginOnPost() throws Exception {
        try (TestCm cm = new TestCm("--cors-allowed-origins", "https://app.example")) {
            RawResponse r = cm.send(TestCm.post("<body rid='1'/>", "Origin: https://evil.example"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.has("Access-Control-Allow-Origin")).isFalse();
        }
    }
}
