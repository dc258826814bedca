package boshcm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.error.Condition;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** How POST bodies are read: size limits (S-1), content codings (B-7.2-9), Content-Type (B-5-5), empty (H-6). */
class PostBodyTest {

    private static final String TERMINATE = "<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='%s'/>";

    private static byte[] gzip(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    private static String chunked(String body, int chunkSize) {
        StringBuilder sb = new StringBuilder("POST /http-bind HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < body.length(); i += chunkSize) {
            String part = body.substring(i, Math.min(body.length(), i + chunkSize));
            sb.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
        }
        return sb.append("0\r\n\r\n").toString();
    }

    @Test
    void S1_declaredOversizeGets413WithoutReadingTheBody() throws Exception {
        try (TestCm cm = new TestCm("--http-max-body-bytes", "10000")) {
            RawResponse r = cm.send("POST /http-bind HTTP/1.1\r\nHost: x\r\nContent-Length: 300000\r\n\r\n<body rid='1'/>");
            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).isEmpty();
            assertThat(cm.parser.seen).isEmpty();
            assertThat(cm.endpoint.calls).isEmpty();
            assertThat(cm.registry.get("bosh.http.too.large").counter().count()).isEqualTo(1);
        }
    }

    @Test
    void S1_bodyAtTheLimitIsAccepted() throws Exception {
        try (TestCm cm = new TestCm("--http-max-body-bytes", "10000")) {
            String body = "<body rid='1'>" + " ".repeat(10000 - 21) + "</body>";
            assertThat(body.length()).isEqualTo(10000);
            RawResponse r = cm.send(TestCm.post(body));
            assertThat(r.text()).contains("ack='1'");
        }
    }

    @Test
    void S1_streamedOversizeEndsTheNamedSessionWithPolicyViolation() throws Exception {
        try (TestCm cm = new TestCm("--http-max-body-bytes", "10000")) {
            String body = "<body rid='2' sid='n1-abc' xmlns='http://jabber.org/protocol/httpbind'>" + "x".repeat(12000) + "</body>";
            RawResponse r = cm.send(chunked(body, 1000));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo(TERMINATE.formatted("policy-violation"));
            FakeEndpoint.Call call = cm.endpoint.next();
            assertThat(call.rejected().condition()).isEqualTo(Condition.POLICY_VIOLATION);
            assertThat(call.rejected().sid()).contains("n1-abc");
            assertThat(cm.parser.seen).isEmpty();
        }
    }

    /**
     * XEP-0124 §5 (B-5-2): request headers the protocol does not define are ignored. The same body
     * with {@code X-Foo}, {@code Cookie} and {@code Authorization} reaches the endpoint as the same
     * request from the same client, and gets the same response (headers and bytes, Date aside).
     */
    @Test
    void B52_undefinedRequestHeadersAreIgnored() throws Exception {
        try (TestCm cm = new TestCm(true, new FakeEndpoint())) {
            String body = "<body rid='7' sid='n1-abc' xmlns='http://jabber.org/protocol/httpbind'/>";
            RawResponse plain = cm.send(TestCm.post(body));
            FakeEndpoint.Call plainCall = cm.endpoint.next();
            RawResponse decorated = cm.send(TestCm.post(body, "X-Foo: bar", "Cookie: a=b; JSESSIONID=x",
                    "Authorization: Basic eHg6eXk=", "X-Requested-With: XMLHttpRequest"));
            FakeEndpoint.Call decoratedCall = cm.endpoint.next();

            assertThat(decoratedCall.body()).isEqualTo(plainCall.body());
            assertThat(decoratedCall.exchange().clientAddress()).isEqualTo(plainCall.exchange().clientAddress());
            assertThat(decoratedCall.exchange().secure()).isEqualTo(plainCall.exchange().secure());
            assertThat(decorated.status()).isEqualTo(plain.status()).isEqualTo(200);
            assertThat(decorated.text()).isEqualTo(plain.text());
            Map<String, List<String>> plainHeaders = new TreeMap<>(plain.headers());
            Map<String, List<String>> decoratedHeaders = new TreeMap<>(decorated.headers());
            plainHeaders.remove("date");
            decoratedHeaders.remove("date");
            assertThat(decoratedHeaders).isEqualTo(plainHeaders);
            assertThat(decorated.has("Set-Cookie")).isFalse();
            assertThat(decorated.has("WWW-Authenticate")).isFalse();
        }
    }

    @Test
    void B729_gzipBodyIsDecoded() throws Exception {
        try (TestCm cm = new TestCm()) {
            byte[] body = "<body rid='3' sid='s'/>".getBytes(StandardCharsets.UTF_8);
            RawResponse r = cm.send(TestCm.postBytes(gzip(body), "Content-Encoding: gzip"));
            assertThat(r.text()).contains("ack='3'");
            assertThat(cm.parser.seen).containsExactly("<body rid='3' sid='s'/>");
        }
    }

    @Test
    void B729_S1_gzipBombIsCutAtTheLimitOfDecodedBytes() throws Exception {
        try (TestCm cm = new TestCm("--http-max-body-bytes", "10000")) {
            byte[] bomb = gzip(("<body rid='4' sid='s'>" + " ".repeat(5_000_000) + "</body>").getBytes(StandardCharsets.UTF_8));
            assertThat(bomb.length).isLessThan(10000);
            RawResponse r = cm.send(TestCm.postBytes(bomb, "Content-Encoding: gzip"));
            assertThat(r.text()).isEqualTo(TERMINATE.formatted("policy-violation"));
            assertThat(cm.parser.seen).isEmpty();
        }
    }

    @Test
    void B729_brotliOrAnyUnadvertisedCodingIsABadRequest() throws Exception {
        try (TestCm cm = new TestCm()) {
            RawResponse br = cm.send(TestCm.post("<body rid='1'/>", "Content-Encoding: br"));
            RawResponse deflate = cm.send(TestCm.post("<body rid='1'/>", "Content-Encoding: deflate"));
            assertThat(br.status()).isEqualTo(200);
            assertThat(br.text()).isEqualTo(TERMINATE.formatted("bad-request"));
            assertThat(deflate.text()).isEqualTo(TERMINATE.formatted("bad-request"));
            assertThat(cm.parser.seen).isEmpty();
        }
    }

    @Test
    void B729_gzipIsRefusedWhenNotAdvertised() throws Exception {
        try (TestCm cm = new TestCm("--session-accept", "")) {
            byte[] body = gzip("<body rid='3'/>".getBytes(StandardCharsets.UTF_8));
            RawResponse r = cm.send(TestCm.postBytes(body, "Content-Encoding: gzip"));
            assertThat(r.text()).isEqualTo(TERMINATE.formatted("bad-request"));
        }
    }

    @Test
    void B729_corruptGzipIsABadRequest() throws Exception {
        try (TestCm cm = new TestCm()) {
            RawResponse r = cm.send(TestCm.post("<body rid='3'/>", "Content-Encoding: gzip"));
            assertThat(r.text()).isEqualTo(TERMINATE.formatted("bad-request"));
        }
    }

    @Test
    void B55_requestContentTypeIsIgnored() throws Exception {
        try (TestCm cm = new TestCm()) {
            RawResponse plain = cm.send(TestCm.post("<body rid='1'/>", "Content-Type: text/plain;charset=UTF-8"));
            RawResponse form = cm.send(TestCm.post("<body rid='2'/>", "Content-Type: application/x-www-form-urlencoded"));
            RawResponse latin1 = cm.send(TestCm.post("<body rid='3'/>", "Content-Type: text/xml; charset=ISO-8859-1"));
            RawResponse none = cm.send(TestCm.post("<body rid='4'/>"));
            assertThat(plain.text()).contains("ack='1'");
            assertThat(form.text()).contains("ack='2'");
            assertThat(latin1.text()).contains("ack='3'");
            assertThat(none.text()).contains("ack='4'");
            assertThat(cm.parser.seen).containsExactly("<body rid='1'/>", "<body rid='2'/>", "<body rid='3'/>", "<body rid='4'/>");
        }
    }

    @Test
    void H6_emptyPostIsTerminatedWithBadRequest() throws Exception {
        try (TestCm cm = new TestCm()) {
            RawResponse withLength = cm.send(TestCm.post(""));
            RawResponse withoutLength = cm.send("POST /http-bind HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            for (RawResponse r : new RawResponse[] {withLength, withoutLength}) {
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.header("Content-Type")).isEqualTo("text/xml; charset=utf-8");
                assertThat(r.text()).isEqualTo(TERMINATE.formatted("bad-request"));
            }
            assertThat(cm.endpoint.calls).isEmpty();
        }
    }

    @Test
    void unparseableBodyGoesToTheEndpointAsRejected() throws Exception {
        try (TestCm cm = new TestCm()) {
            RawResponse r = cm.send(TestCm.post("<nonsense sid='s9'/>"));
            assertThat(r.text()).isEqualTo(TERMINATE.formatted("bad-request"));
            FakeEndpoint.Call call = cm.endpoint.next();
            assertThat(call.rejected().condition()).isEqualTo(Condition.BAD_REQUEST);
            assertThat(call.rejected().sid()).contains("s9");
        }
    }

    @Test
    void bodyIsDispatchedWithAnExchangeThatKnowsTheClient() throws Exception {
        try (TestCm cm = new TestCm()) {
            cm.send(TestCm.post("<body rid='77' sid='abc'/>"));
            FakeEndpoint.Call call = cm.endpoint.next();
            assertThat(call.body().rid()).isEqualTo(77);
            assertThat(call.body().sid()).contains("abc");
            assertThat(call.exchange().secure()).isFalse();
            assertThat(call.exchange().id()).isNotNull();
        }
    }

    @Test
    void aTrailingSlashOnTheBoshPathIsAccepted() throws Exception {
        try (TestCm cm = new TestCm()) {
            String body = "<body rid='9'/>";
            RawResponse r = cm.send("POST /http-bind/ HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
            assertThat(r.text()).contains("ack='9'");
        }
    }
}
