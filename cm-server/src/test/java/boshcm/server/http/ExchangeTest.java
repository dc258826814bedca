package boshcm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Exchange seam over real sockets: answered exactly once from any thread while the handler
 * has long returned; reported gone when the client leaves or the backstop fires.
 */
class ExchangeTest {

    private static final String XML = "text/xml; charset=utf-8";

    @Test
    void respondFromAnotherThreadAfterTheHandlerReturned() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint().hold();
        ExecutorService eventLoop = Executors.newSingleThreadExecutor();
        try (TestCm cm = new TestCm(endpoint); Socket socket = new Socket("127.0.0.1", cm.server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(TestCm.post("<body rid='7' sid='s1'/>").getBytes(StandardCharsets.UTF_8));
            FakeEndpoint.Call call = endpoint.next();
            Thread.sleep(50);   // let the Jetty thread return from handle()
            assertThat(cm.server.metrics().openExchanges()).isEqualTo(1);

            boolean first = eventLoop.submit(() -> call.exchange().respond(200, XML, FakeEndpoint.answerFor(7))).get();
            boolean second = call.exchange().respond(200, XML, FakeEndpoint.answerFor(8));

            RawResponse response = RawResponse.read(socket.getInputStream());
            assertThat(first).isTrue();
            assertThat(second).isFalse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.text()).contains("ack='7'");
            assertThat(response.header("Content-Length")).isEqualTo(String.valueOf(response.body().length));
            assertThat(cm.server.metrics().openExchanges()).isZero();
        } finally {
            eventLoop.shutdownNow();
        }
    }

    @Test
    void heldThenAnsweredConnectionStaysUsableForTheNextRequest() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint().hold();
        try (TestCm cm = new TestCm(endpoint); Socket socket = new Socket("127.0.0.1", cm.server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int rid = 1; rid <= 3; rid++) {
                out.write(TestCm.post("<body rid='" + rid + "' sid='s1'/>").getBytes(StandardCharsets.UTF_8));
                FakeEndpoint.Call call = endpoint.next();
                Thread.sleep(20);
                call.exchange().respond(200, XML, FakeEndpoint.answerFor(rid));
                RawResponse r = RawResponse.read(in);
                assertThat(r.text()).contains("ack='" + rid + "'");
                assertThat(r.header("Connection")).isNull();
            }
        }
    }

    @Test
    void onGoneFiresWhenTheClientClosesTheConnection() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint().hold();
        try (TestCm cm = new TestCm(endpoint)) {
            Socket socket = new Socket("127.0.0.1", cm.server.port());
            socket.getOutputStream().write(TestCm.post("<body rid='1' sid='s1'/>").getBytes(StandardCharsets.UTF_8));
            FakeEndpoint.Call call = endpoint.next();
            CountDownLatch gone = new CountDownLatch(1);
            call.exchange().onGone(gone::countDown);

            socket.close();

            assertThat(gone.await(5, TimeUnit.SECONDS)).as("onGone after client close").isTrue();
            assertThat(call.exchange().respond(200, XML, FakeEndpoint.answerFor(1))).isFalse();
            assertThat(cm.server.metrics().openExchanges()).isZero();
            assertThat(cm.registry.get("bosh.http.exchanges.gone").tag("reason", "client_closed").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void onGoneRegisteredAfterTheClientLeftStillRuns() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint().hold();
        try (TestCm cm = new TestCm(endpoint)) {
            Socket socket = new Socket("127.0.0.1", cm.server.port());
            socket.getOutputStream().write(TestCm.post("<body rid='1' sid='s1'/>").getBytes(StandardCharsets.UTF_8));
            FakeEndpoint.Call call = endpoint.next();
            socket.close();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (cm.server.metrics().openExchanges() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            CountDownLatch gone = new CountDownLatch(1);
            call.exchange().onGone(gone::countDown);
            assertThat(gone.await(1, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void backstopReportsGoneAndEndsTheRequestWithAnEmptyBody() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint().hold();
        try (TestCm cm = new TestCm(endpoint, "--session-max-wait", "0s", "--http-exchange-backstop", "300ms");
             Socket socket = new Socket("127.0.0.1", cm.server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(TestCm.post("<body rid='1' sid='s1'/>").getBytes(StandardCharsets.UTF_8));
            FakeEndpoint.Call call = endpoint.next();
            CountDownLatch gone = new CountDownLatch(1);
            call.exchange().onGone(gone::countDown);

            assertThat(gone.await(5, TimeUnit.SECONDS)).isTrue();
            // The client, if still there, gets what a wait expiry gives: an empty body, never an HTTP error.
            RawResponse r = RawResponse.read(socket.getInputStream());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("<body xmlns='http://jabber.org/protocol/httpbind'/>");
            assertThat(call.exchange().respond(200, XML, FakeEndpoint.answerFor(1))).isFalse();
            assertThat(cm.registry.get("bosh.http.exchanges.gone").tag("reason", "backstop").counter().count()).isEqualTo(1);
        }
    }

    /** XEP-0124 §19.1 (B-19.1-2): a secure session's request that arrives unencrypted: just close that connection. */
    @Test
    void B1912_abortClosesTheConnectionWithoutAResponse() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint().hold();
        try (TestCm cm = new TestCm(endpoint); Socket socket = new Socket("127.0.0.1", cm.server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(TestCm.post("<body rid='2' sid='s1'/>").getBytes(StandardCharsets.UTF_8));
            FakeEndpoint.Call call = endpoint.next();
            CountDownLatch gone = new CountDownLatch(1);
            call.exchange().onGone(gone::countDown);

            assertThat(call.exchange().abort()).isTrue();

            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat(call.exchange().abort()).isFalse();
            assertThat(call.exchange().respond(200, XML, FakeEndpoint.answerFor(2))).isFalse();
            assertThat(gone.await(200, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(cm.server.metrics().openExchanges()).isZero();
        }
    }

    /** XEP-0124 §18.1 (B-18.1-1): a pipelining client gets the held answer, then the connection closes. */
    @Test
    void B1811_pipelinedRequestBehindAHeldOneClosesTheConnectionAfterTheAnswer() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint().hold();
        try (TestCm cm = new TestCm(endpoint); Socket socket = new Socket("127.0.0.1", cm.server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(TestCm.post("<body rid='1' sid='s1'/>").getBytes(StandardCharsets.UTF_8));
            FakeEndpoint.Call first = endpoint.next();
            out.write(TestCm.post("<body rid='2' sid='s1'/>").getBytes(StandardCharsets.UTF_8));
            Thread.sleep(200);
            first.exchange().respond(200, XML, FakeEndpoint.answerFor(1));

            RawResponse r = RawResponse.read(socket.getInputStream());
            assertThat(r.text()).contains("ack='1'");
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void h2cServesBosh() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint();
        try (TestCm cm = new TestCm(endpoint)) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
            URI uri = cm.server.boshUri();
            // Prime the connection: the JDK client upgrades with a body-less request first.
            HttpResponse<String> info = client.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(info.version()).isEqualTo(HttpClient.Version.HTTP_2);
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString("<body rid='3'/>")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.body()).contains("ack='3'");
            assertThat(r.headers().firstValue("content-length")).contains(String.valueOf(r.body().length()));
            assertThat(r.headers().firstValue("cache-control")).contains("no-store");

        }
    }

    @Test
    void h2cPriorKnowledgeClientThatLeavesIsReportedGone() throws Exception {
        FakeEndpoint endpoint = new FakeEndpoint().hold();
        try (TestCm cm = new TestCm(endpoint)) {
            Socket socket = new Socket("127.0.0.1", cm.server.port());
            OutputStream out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(frame(0x4, 0, 0, new byte[0]));                                          // SETTINGS
            out.write(frame(0x1, 0x4, 1, headerBlock(":method", "POST", ":scheme", "http",
                    ":path", "/http-bind", ":authority", "localhost")));                          // HEADERS, END_HEADERS
            out.write(frame(0x0, 0x1, 1, "<body rid='5' sid='s2'/>".getBytes(StandardCharsets.UTF_8))); // DATA, END_STREAM
            out.flush();
            FakeEndpoint.Call call = endpoint.next();
            CountDownLatch gone = new CountDownLatch(1);
            call.exchange().onGone(gone::countDown);

            socket.close();

            assertThat(gone.await(5, TimeUnit.SECONDS)).as("onGone after the h2 connection closed").isTrue();
            assertThat(call.exchange().respond(200, XML, FakeEndpoint.answerFor(5))).isFalse();
        }
    }

    /** An HTTP/2 frame (RFC 9113 §4.1). */
    static byte[] frame(int type, int flags, int stream, byte[] payload) {
        byte[] f = new byte[9 + payload.length];
        f[0] = (byte) (payload.length >>> 16);
        f[1] = (byte) (payload.length >>> 8);
        f[2] = (byte) payload.length;
        f[3] = (byte) type;
        f[4] = (byte) flags;
        f[5] = (byte) (stream >>> 24);
        f[6] = (byte) (stream >>> 16);
        f[7] = (byte) (stream >>> 8);
        f[8] = (byte) stream;
        System.arraycopy(payload, 0, f, 9, payload.length);
        return f;
    }

    /** HPACK literal fields without indexing, new names, no Huffman (RFC 7541 §6.2.2); short strings only. */
    static byte[] headerBlock(String... nameValues) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < nameValues.length; i += 2) {
            out.write(0);
            for (String s : new String[] {nameValues[i], nameValues[i + 1]}) {
                byte[] b = s.getBytes(StandardCharsets.US_ASCII);
                out.write(b.length);
                out.write(b, 0, b.length);
            }
        }
        return out.toByteArray();
    }
}
