package boshcm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Checklist S-7, the HTTP side: slow requests (slowloris), idle connections and oversized heads, on a
 * real socket. Timeouts here are short so that the tests are quick; the assertions are about what
 * happened (the connection closed before the trickle was over, the limit was counted), never about
 * how long it took.
 */
class SlowClientTest {

    private static final String HEAD = "POST /http-bind HTTP/1.1\r\nHost: localhost\r\n";

    /** A request head trickled a byte at a time never completes: the connection is closed at the request timeout. */
    @Test
    void s7_headersTrickledSlowerThanTheRequestTimeoutAreCut() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint();
        try (TestCm cm = new TestCm(endpoint, "--http-request-timeout", "300ms", "--http-keep-alive-timeout", "30s");
             Socket socket = connect(cm)) {
            byte[] head = (HEAD + "X-Padding: " + "a".repeat(400) + "\r\nContent-Length: 20\r\n\r\n<body rid='1'/>     ")
                    .getBytes(StandardCharsets.US_ASCII);

            int sent = trickle(socket, head);

            assertThat(sent).as("bytes written before the connection was closed").isLessThan(head.length);
            assertThat(endpoint.calls).isEmpty();
            assertThat(limitHits(cm, "request-timeout")).isEqualTo(1.0);
        }
    }

    /** The body too: headers at once, then a body trickled; cut at the request timeout, counted once. */
    @Test
    void s7_bodyTrickledSlowerThanTheRequestTimeoutIsCut() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint();
        try (TestCm cm = new TestCm(endpoint, "--http-request-timeout", "300ms"); Socket socket = connect(cm)) {
            String body = "<body rid='1' sid='s1'>" + " ".repeat(400) + "</body>";
            OutputStream out = socket.getOutputStream();
            out.write((HEAD + "Content-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            int sent = trickle(socket, body.getBytes(StandardCharsets.US_ASCII));

            assertThat(sent).isLessThan(body.length());
            assertThat(endpoint.calls).isEmpty();
            assertThat(limitHits(cm, "request-timeout")).isEqualTo(1.0);
        }
    }

    /** A connection that never sends a request is closed after the keep-alive timeout, and it is not a limit hit. */
    @Test
    void s7_aConnectionWithNoRequestIsClosedAfterTheKeepAliveTimeout() throws Exception {
        try (TestCm cm = new TestCm("--http-keep-alive-timeout", "200ms"); Socket socket = connect(cm)) {
            assertThat(socket.getInputStream().read()).as("closed by the server").isEqualTo(-1);
            assertThat(cm.registry.get("bosh.http.idle.connections.closed").counter().count()).isEqualTo(1.0);
            assertThat(limitHits(cm, "request-timeout")).isZero();
        }
    }

    /**
     * H-4, H-5: a held request is outside both clocks. With both at 200 ms, a request held for longer is
     * answered on its connection, the connection is reused for the next request (keep-alive), and only
     * once it is idle again does it close.
     */
    @Test
    void h4_h5_aHeldRequestOutlivesBothTimeoutsAndItsConnectionIsKeptAlive() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint().hold();
        try (TestCm cm = new TestCm(endpoint, "--http-request-timeout", "200ms", "--http-keep-alive-timeout", "200ms");
             Socket socket = connect(cm)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(TestCm.post("<body rid='1' sid='s1'/>").getBytes(StandardCharsets.UTF_8));
            FakeEndpoint.Call held = endpoint.next();
            Thread.sleep(1000);                       // five times both timeouts: the request is held, not idle

            assertThat(held.exchange().respond(200, "text/xml", FakeEndpoint.answerFor(1))).isTrue();
            assertThat(RawResponse.read(in).text()).contains("ack='1'");

            out.write(TestCm.post("<body rid='2' sid='s1'/>").getBytes(StandardCharsets.UTF_8));
            FakeEndpoint.Call second = endpoint.next();
            second.exchange().respond(200, "text/xml", FakeEndpoint.answerFor(2));
            assertThat(RawResponse.read(in).text()).contains("ack='2'");

            assertThat(in.read()).as("idle again: closed").isEqualTo(-1);
            assertThat(limitHits(cm, "request-timeout")).isZero();
        }
    }

    /** S-7: a request head over {@code http.max-header-bytes} gets 431 and counts as {@code header-size}. */
    @Test
    void s7_oversizedHeadersGet431AndAreCounted() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint();
        try (TestCm cm = new TestCm(endpoint, "--http-max-header-bytes", "2k")) {
            RawResponse small = cm.send(TestCm.post("<body rid='1'/>", "X-Padding: " + "a".repeat(1000)));
            assertThat(small.status()).isEqualTo(200);

            RawResponse big = cm.send(TestCm.post("<body rid='2'/>", "X-Padding: " + "a".repeat(3000)));

            assertThat(big.status()).isEqualTo(431);
            assertThat(endpoint.calls).hasSize(1);
            assertThat(limitHits(cm, "header-size")).isEqualTo(1.0);
        }
    }

    /**
     * HTTP/2 (h2c, prior knowledge): the connection is not HTTP/1 and has no keep-alive clock of ours; a
     * stream whose body never comes fails at the request timeout, counted, while a held stream on the same
     * connection is answered after both timeouts.
     */
    @Test
    void s7_h2StreamWhoseBodyNeverComesFailsWhileAHeldStreamLives() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint().hold();
        try (TestCm cm = new TestCm(endpoint, "--http-request-timeout", "200ms", "--http-keep-alive-timeout", "200ms");
             Socket socket = connect(cm)) {
            OutputStream out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(ExchangeTest.frame(0x4, 0, 0, new byte[0]));
            byte[] headers = ExchangeTest.headerBlock(":method", "POST", ":scheme", "http", ":path", "/http-bind",
                    ":authority", "localhost");
            out.write(ExchangeTest.frame(0x1, 0x4, 1, headers));                        // stream 1: HEADERS only
            out.write(ExchangeTest.frame(0x1, 0x4, 3, headers));                        // stream 3: HEADERS ...
            out.write(ExchangeTest.frame(0x0, 0x1, 3, "<body rid='7' sid='s3'/>".getBytes(StandardCharsets.UTF_8))); // ... and DATA
            out.flush();
            FakeEndpoint.Call held = endpoint.next();

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (limitHits(cm, "request-timeout") < 1 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(limitHits(cm, "request-timeout")).as("stream 1 timed out").isEqualTo(1.0);
            Thread.sleep(500);

            assertThat(held.exchange().respond(200, "text/xml", FakeEndpoint.answerFor(7)))
                    .as("stream 3 is still there to answer").isTrue();
            assertThat(endpoint.calls).as("stream 1 never reached the endpoint").isEmpty();
            assertThat(cm.registry.get("bosh.http.idle.connections.closed").counter().count()).isZero();
        }
    }

    // ---------------------------------------------------------------- helpers

    private static Socket connect(TestCm cm) throws IOException {
        Socket socket = new Socket("127.0.0.1", cm.server.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    /** Writes {@code bytes} one at a time, 20 ms apart, until done or the server closes; returns how many went. */
    private static int trickle(Socket socket, byte[] bytes) throws InterruptedException {
        try {
            OutputStream out = socket.getOutputStream();
            for (int i = 0; i < bytes.length; i++) {
                out.write(bytes[i]);
                out.flush();
                Thread.sleep(20);
                if (closedByPeer(socket)) {
                    return i + 1;
                }
            }
            return bytes.length;
        } catch (SocketException closed) {
            return -1;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** True once the server closed: EOF, or a reset, without waiting. */
    private static boolean closedByPeer(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        if (in.available() > 0) {
            return false;
        }
        int before = socket.getSoTimeout();
        socket.setSoTimeout(1);
        try {
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        } finally {
            socket.setSoTimeout(before);
        }
    }

    private static double limitHits(TestCm cm, String kind) {
        return cm.registry.get("bosh.limit.hits").tag("kind", kind).counter().count();
    }
}
