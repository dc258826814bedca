package boshcm.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * A throw-away PKI for one test run: a CA, and a server certificate signed by it for the XMPP
 * domain (and its subdomains, {@code localhost}, {@code 127.0.0.1}). Made with the {@code openssl}
 * command line tool (Debian's {@code openssl}, pulled in by {@code prosody} through {@code ssl-cert});
 * the PKCS12 trust store for the JVM side is written with {@link KeyStore}.
 *
 * <p>Files, all in {@code dir}: {@code ca.crt} (PEM), {@code server.crt}/{@code server.key} (PEM,
 * for Prosody), {@code truststore.p12} (PKCS12 holding only the CA as a trusted certificate,
 * password {@link #TRUST_STORE_PASSWORD}).
 */
public final class TestPki {

    public static final String TRUST_STORE_PASSWORD = "changeit";
    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);

    private final Path caCertificate;
    private final Path serverCertificate;
    private final Path serverKey;
    private final Path trustStore;
    private final X509Certificate ca;

    private TestPki(Path dir, X509Certificate ca) {
        this.caCertificate = dir.resolve("ca.crt");
        this.serverCertificate = dir.resolve("server.crt");
        this.serverKey = dir.resolve("server.key");
        this.trustStore = dir.resolve("truststore.p12");
        this.ca = ca;
    }

    /** Creates the CA, the server certificate for {@code domain} and the trust store in {@code dir}. */
    public static TestPki create(Path dir, String domain) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        String ec = "ec_paramgen_curve:P-256";
        openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes",
                "-keyout", "ca.key", "-out", "ca.crt", "-days", "3650",
                "-subj", "/CN=boshcm integration test CA",
                "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        openssl(dir, "req", "-new", "-newkey", "ec", "-pkeyopt", ec, "-nodes",
                "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=" + domain);
        // RFC 6120 §13.7.1.2: an XMPP server certificate names the domain as a DNS SAN (and as an
        // XmppAddr otherName; Java ignores that one, Prosody and other peers may not).
        Files.writeString(dir.resolve("server.ext"), String.join("\n",
                "basicConstraints=critical,CA:FALSE",
                "keyUsage=critical,digitalSignature,keyEncipherment",
                "extendedKeyUsage=serverAuth,clientAuth",
                "subjectAltName=DNS:" + domain + ",DNS:*." + domain + ",DNS:localhost,IP:127.0.0.1,"
                        + "otherName:1.3.6.1.5.5.7.8.5;UTF8:" + domain,
                ""));
        openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.crt", "-days", "3650", "-extfile", "server.ext");

        X509Certificate ca;
        try (InputStream in = Files.newInputStream(dir.resolve("ca.crt"))) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        TestPki pki = new TestPki(dir, ca);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("boshcm-test-ca", ca);
        try (OutputStream out = Files.newOutputStream(pki.trustStore)) {
            store.store(out, TRUST_STORE_PASSWORD.toCharArray());
        }
        return pki;
    }

    public Path caCertificate() { return caCertificate; }

    public Path serverCertificate() { return serverCertificate; }

    public Path serverKey() { return serverKey; }

    /** PKCS12, only the test CA as a trusted entry; password {@link #TRUST_STORE_PASSWORD}. */
    public Path trustStore() { return trustStore; }

    public String trustStorePassword() { return TRUST_STORE_PASSWORD; }

    /** A trust manager that trusts only the test CA. */
    public X509TrustManager trustManager() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("boshcm-test-ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            return (X509TrustManager) tmf.getTrustManagers()[0];
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A TLS context whose only trust anchor is the test CA (for Smack TCP peers). */
    public SSLContext sslContext() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new javax.net.ssl.TrustManager[] {trustManager()}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Processes.run(command, dir, OPENSSL_TIMEOUT);
    }
}
