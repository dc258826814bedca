package boshcm.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.server.Main;
import boshcm.server.RunningCm;
import boshcm.server.config.ConfigLoader;
import boshcm.server.config.ConfigProblems;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS on the BOSH listener (checklist B-19.1-1, issue 6 item 6): a key store from {@code keytool}
 * (every JDK has it), a node started with {@code --http-tls-key-store-path}, and the JDK's HTTP
 * client trusting only that certificate. Modern TLS only, h2 by ALPN, a BOSH answer over it, and
 * plain HTTP refused on the port.
 */
class HttpsListenerTest {

    private static final String PASSWORD = "changeit";
    private static final String UNKNOWN_SID = "<body rid='1' sid='nosuchsession' xmlns='http://jabber.org/protocol/httpbind'/>";

    @TempDir
    static Path dir;
    private static Path keyStore;

    @BeforeAll
    static void keyStore() throws Exception {
        keyStore = dir.resolve("bosh.p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process p = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1",
                "-alias", "boshcm", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static HttpClient client(String... protocols) throws Exception {
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            trusted.load(in, PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        HttpClient.Builder builder = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5));
        if (protocols.length > 0) {
            SSLParameters params = tls.getDefaultSSLParameters();      // given parameters replace the client's ALPN list
            params.setProtocols(protocols);
            params.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            builder.sslParameters(params);
        }
        return builder.build();
    }

    private static RunningCm start() throws Exception {
        return Main.start("--http-port", "0", "--admin-port", "0", "--http-stop-timeout", "100ms",
                "--http-tls-key-store-path", keyStore.toString(), "--http-tls-key-store-password", PASSWORD);
    }

    private static HttpRequest post(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Content-Type", "text/xml; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(UNKNOWN_SID)).build();
    }

    @Test
    void b19_1_1_boshOverHttpsWithTls13AndH2ByAlpn() throws Exception {
        try (RunningCm cm = start()) {
            URI bosh = URI.create("https://localhost:" + cm.httpPort() + "/http-bind");
            assertThat(cm.boshUri().getScheme()).isEqualTo("https");
            HttpResponse<String> r = client().send(post(bosh), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("type='terminate'").contains("item-not-found");
            assertThat(r.version()).as("h2 by ALPN").isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(r.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.3");

            HttpResponse<String> tls12 = client("TLSv1.2").send(post(bosh), HttpResponse.BodyHandlers.ofString());
            assertThat(tls12.sslSession().orElseThrow().getProtocol()).isEqualTo("TLSv1.2");
        }
    }

    @Test
    void b19_1_1_plainHttpIsNotServedOnTheTlsPort() throws Exception {
        try (RunningCm cm = start()) {
            URI plain = URI.create("http://127.0.0.1:" + cm.httpPort() + "/http-bind");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            try {
                HttpResponse<String> r = http.send(post(plain), HttpResponse.BodyHandlers.ofString());
                assertThat(r.body()).as("no BOSH answer in clear text").doesNotContain("item-not-found");
            } catch (IOException expected) {
                // the TLS connector drops a plain-text request
            }
        }
    }

    @Test
    void theKeyStoreIsValidatedAndItsPasswordNeverEchoed() {
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--http-tls-key-store-path", dir.resolve("missing.p12").toString(),
                "--http-tls-key-store-password", "s3cret", "--http-tls-key-store-type", "PEM"}, Map.of()))
                .isInstanceOf(ConfigProblems.class)
                .satisfies(e -> assertThat(((ConfigProblems) e).problems()).hasSize(2))
                .hasMessageContaining("http.tls.key-store.path").hasMessageContaining("http.tls.key-store.type")
                .hasMessageNotContaining("s3cret");
        assertThat(ConfigLoader.load(new String[] {"--http-tls-key-store-path", keyStore.toString(),
                "--http-tls-key-store-password", "s3cret"}, Map.of()).http().tls().orElseThrow().toString())
                .doesNotContain("s3cret");
        assertThat(List.of(ConfigLoader.printEffective(new String[] {"--http-tls-key-store-path", keyStore.toString(),
                "--http-tls-key-store-password", "s3cret"}, Map.of()).split("\n")))
                .contains("http.tls.key-store.password = \"***\"   # flag --http-tls-key-store-password");
    }
}
