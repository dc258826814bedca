package boshcm.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fixture's own contract: what a CM started against {@link ProsodyServer} can rely on (TLS
 * material, ports), and the reference CORS behaviour of Prosody's mod_bosh.
 */
@ExtendWith(LiveXmppExtension.class)
class ProsodyServerIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static ProsodyServer prosody;

    @BeforeAll
    static void start(ProsodyServer server) {
        prosody = server;
    }

    @Test
    void trustStoreIsPkcs12HoldingOnlyTheTestCa() throws Exception {
        KeyStore store = KeyStore.getInstance(prosody.pki().trustStore().toFile(),
                prosody.pki().trustStorePassword().toCharArray());

        assertThat(store.getType()).isEqualToIgnoringCase("PKCS12");
        assertThat(Collections.list(store.aliases())).singleElement()
                .satisfies(alias -> assertThat(store.isCertificateEntry(alias)).isTrue());
    }

    /** RFC 6120 §13.7.2: the server certificate is verified against the XMPP domain, not the IP. */
    @Test
    void directTlsPortPresentsCertificateForDomainTrustedByTestCa() throws Exception {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(prosody.host(), prosody.c2sDirectTlsPort()), (int) TIMEOUT.toMillis());
            plain.setSoTimeout((int) TIMEOUT.toMillis());
            try (SSLSocket tls = (SSLSocket) prosody.pki().sslContext().getSocketFactory()
                    .createSocket(plain, prosody.domain(), prosody.c2sDirectTlsPort(), true)) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // hostname = the domain above
                tls.setSSLParameters(parameters);
                tls.startHandshake();

                X509Certificate leaf = (X509Certificate) tls.getSession().getPeerCertificates()[0];
                assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=" + prosody.domain());
            }
        }
    }

    /** c2s on {@link ProsodyServer#c2sPort()} offers STARTTLS as required (c2s_require_encryption). */
    @Test
    void c2sPortRequiresStartTls() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(prosody.host(), prosody.c2sPort()), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            socket.getOutputStream().write(("<?xml version='1.0'?><stream:stream to='" + prosody.domain()
                    + "' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>")
                    .getBytes(StandardCharsets.UTF_8));
            String received = readUntil(socket.getInputStream(), "</stream:features>");

            assertThat(received).contains("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>");
            assertThat(received).doesNotContain("<mechanism>");
        }
    }

    /** Checklist H-1 as mod_bosh does it: the preflight echoes the Origin and allows Content-Type. */
    @Test
    void modBoshAnswersCorsPreflightFromAnotherOrigin() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpRequest preflight = HttpRequest.newBuilder(prosody.modBoshUri())
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://127.0.0.1:1")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .timeout(TIMEOUT)
                .build();

        HttpResponse<String> response = http.send(preflight, HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isBetween(200, 204);
        assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://127.0.0.1:1");
        assertThat(response.headers().firstValue("Access-Control-Allow-Headers").orElse(""))
                .containsIgnoringCase("Content-Type");
    }

    private static String readUntil(InputStream in, String end) throws Exception {
        StringBuilder received = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (!received.toString().contains(end)) {
            int n = in.read(buffer);
            if (n < 0) break;
            received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
        return received.toString();
    }
}
