package boshcm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.error.Condition;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The HTTP layer with the production BodyParser behind it (B-5-5, B-7.2-9, S-1 on real bodies). */
class BodyParserIntegrationTest {

    private static final String CREATE = "<body rid='1573741820' to='example.com' ver='1.11' wait='60' hold='1' "
            + "xml:lang='en' xmpp:version='1.0' xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh'/>";

    @Test
    void sessionCreationBodyReachesTheEndpointTyped() throws Exception {
        try (TestCm cm = new TestCm(true, new FakeEndpoint())) {
            RawResponse r = cm.send(TestCm.post(CREATE, "Content-Type: text/plain;charset=UTF-8"));
            assertThat(r.status()).isEqualTo(200);
            FakeEndpoint.Call call = cm.endpoint.next();
            assertThat(call.body()).isNotNull();
            assertThat(call.body().rid()).isEqualTo(1573741820L);
            assertThat(call.body().isCreation()).isTrue();
            assertThat(call.body().to()).contains("example.com");
            assertThat(call.body().waitSeconds()).hasValue(60);
        }
    }

    @Test
    void gzippedRealBodyIsDecodedAndParsed() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(CREATE.getBytes(StandardCharsets.UTF_8));
        }
        try (TestCm cm = new TestCm(true, new FakeEndpoint())) {
            cm.send(TestCm.postBytes(gz.toByteArray(), "Content-Encoding: gzip"));
            assertThat(cm.endpoint.next().body().rid()).isEqualTo(1573741820L);
        }
    }

    @Test
    void malformedBodyIsRejectedWithBadRequest() throws Exception {
        try (TestCm cm = new TestCm(true, new FakeEndpoint())) {
            RawResponse r = cm.send(TestCm.post("<body rid='2' sid='n1-x' xmlns='http://jabber.org/protocol/httpbind'><!-- c --></body>"));
            assertThat(r.text()).contains("condition='bad-request'");
            FakeEndpoint.Call call = cm.endpoint.next();
            assertThat(call.rejected().condition()).isEqualTo(Condition.BAD_REQUEST);
            assertThat(call.rejected().sid()).contains("n1-x");
        }
    }
}
