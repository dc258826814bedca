package boshcm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checklist B-5-1, B-5-3, H-3, H-5, H-7: what every response looks like on the wire. */
class ResponseHeadersTest {

    private static void assertCommonHeaders(RawResponse r) {
        assertThat(r.header("Cache-Control")).as("status %d", r.status()).isEqualTo("no-store");
        assertThat(r.header("Pragma")).as("status %d", r.status()).isEqualTo("no-cache");
        assertThat(r.header("X-Content-Type-Options")).as("status %d", r.status()).isEqualTo("nosniff");
        assertThat(r.has("Transfer-Encoding")).as("status %d", r.status()).isFalse();
        assertThat(r.header("Content-Length")).as("status %d", r.status()).isEqualTo(String.valueOf(r.body().length));
    }

    @Test
    void H3_B53_everyResponseHasNoCacheNosniffAndContentLengthNeverChunked() throws Exception {
        try (TestCm cm = new TestCm("--http-max-body-bytes", "10000")) {
            List<String> requests = List.of(
                    TestCm.post("<body rid='1'/>"),
                    TestCm.post("garbage"),
                    TestCm.post(""),
                    "POST /http-bind HTTP/1.1\r\nHost: x\r\nContent-Length: 20000\r\n\r\n",
                    "POST /http-bind HTTP/1.1\r\nHost: x\r\nContent-Encoding: br\r\nContent-Length: 3\r\n\r\nabc",
                    "OPTIONS /http-bind HTTP/1.1\r\nHost: x\r\nOrigin: https://a.example\r\n\r\n",
                    "GET /http-bind HTTP/1.1\r\nHost: x\r\n\r\n",
                    "GET /http-bind?x HTTP/1.1\r\nHost: x\r\n\r\n",
                    "DELETE /http-bind HTTP/1.1\r\nHost: x\r\n\r\n",
                    "GET /elsewhere HTTP/1.1\r\nHost: x\r\n\r\n",
                    "POST /http-bind HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nnothex\r\n");
            for (String request : requests) {
                assertCommonHeaders(cm.send(request));
            }
        }
    }

    @Test
    void H7_malformedRequestsNeverGetAnHtmlErrorPage() throws Exception {
        try (TestCm cm = new TestCm()) {
            List<String> malformed = List.of(
                    "POST /http-bind HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
                    "POST /http-bind HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                    "BLAH\r\n\r\n",
                    "GET /http-bind HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
                    "POST /http-bind HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcdef");
            for (String request : malformed) {
                RawResponse r = cm.send(request);
                assertThat(r.status()).as(request).isEqualTo(400);
                assertThat(r.header("Content-Type")).as(request).doesNotContain("html");
                assertThat(r.text()).as(request).doesNotContainIgnoringCase("<html").doesNotContainIgnoringCase("<h2");
                assertThat(r.text()).as(request).isIn("", "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='bad-request'/>");
                assertCommonHeaders(r);
            }
        }
    }

    @Test
    void B51_http10RequestGetsStatusLineAndContentLength() throws Exception {
        try (TestCm cm = new TestCm()) {
            String body = "<body rid='5'/>";
            RawResponse r = cm.send("POST /http-bind HTTP/1.0\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertThat(r.version()).isIn("HTTP/1.0", "HTTP/1.1");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Length")).isEqualTo(String.valueOf(r.body().length));
            assertThat(r.text()).contains("ack='5'");
            assertCommonHeaders(r);
        }
    }

    @Test
    void H5_twentySequentialRequestsOnOneHttp11Socket() throws Exception {
        try (TestCm cm = new TestCm(); Socket socket = new Socket("127.0.0.1", cm.server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int rid = 1; rid <= 20; rid++) {
                out.write(TestCm.post("<body rid='" + rid + "'/>").getBytes(StandardCharsets.UTF_8));
                RawResponse r = RawResponse.read(in);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).contains("ack='" + rid + "'");
                assertThat(r.header("Connection")).isNull();
            }
        }
    }

    @Test
    void H5_http10KeepAliveIsHonoured() throws Exception {
        try (TestCm cm = new TestCm(); Socket socket = new Socket("127.0.0.1", cm.server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int rid = 1; rid <= 5; rid++) {
                String body = "<body rid='" + rid + "'/>";
                out.write(("POST /http-bind HTTP/1.0\r\nConnection: keep-alive\r\nContent-Length: " + body.length()
                        + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
                RawResponse r = RawResponse.read(in);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).contains("ack='" + rid + "'");
                assertThat(r.header("Connection")).isEqualToIgnoringCase("keep-alive");
            }
        }
    }
}
