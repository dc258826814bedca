package boshcm.server.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Self-signed certificates made with the JDK's {@code keytool} once per test run: one for
 * {@code xmpp.test} (the domain the tests connect to) and one for {@code wrong.test}. Both are in
 * the trust files, so a failure with the wrong one can only be the name check (checklist U-4).
 */
final class TestCerts {

    static final String DOMAIN = "xmpp.test";
    static final String PASSWORD = "changeit";

    private static TestCerts instance;

    final Path dir;
    /** Server key store for {@value #DOMAIN}. */
    final Path goodKeyStore;
    /** Server key store for {@code wrong.test}. */
    final Path wrongKeyStore;
    /** Both certificates, PEM. */
    final Path trustPem;
    /** Both certificates as trusted entries, PKCS12. */
    final Path trustPkcs12;

    private TestCerts(Path dir) {
        this.dir = dir;
        this.goodKeyStore = dir.resolve("good.p12");
        this.wrongKeyStore = dir.resolve("wrong.p12");
        this.trustPem = dir.resolve("trust.pem");
        this.trustPkcs12 = dir.resolve("trust.p12");
    }

    static synchronized TestCerts get() throws IOException, InterruptedException {
        if (instance == null) {
            Path dir = Files.createTempDirectory("boshcm-certs");
            dir.toFile().deleteOnExit();
            TestCerts certs = new TestCerts(dir);
            certs.generate();
            instance = certs;
        }
        return instance;
    }

    private void generate() throws IOException, InterruptedException {
        genKeyPair(goodKeyStore, DOMAIN);
        genKeyPair(wrongKeyStore, "wrong.test");
        Path goodPem = dir.resolve("good.pem");
        Path wrongPem = dir.resolve("wrong.pem");
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", goodKeyStore.toString(),
                "-storepass", PASSWORD, "-file", goodPem.toString());
        keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", wrongKeyStore.toString(),
                "-storepass", PASSWORD, "-file", wrongPem.toString());
        Files.writeString(trustPem, Files.readString(goodPem, StandardCharsets.US_ASCII)
                + Files.readString(wrongPem, StandardCharsets.US_ASCII), StandardCharsets.US_ASCII);
        for (Path pem : List.of(goodPem, wrongPem)) {
            keytool("-importcert", "-noprompt", "-alias", pem.getFileName().toString(), "-file", pem.toString(),
                    "-keystore", trustPkcs12.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        }
        for (Path p : List.of(goodKeyStore, wrongKeyStore, goodPem, wrongPem, trustPem, trustPkcs12)) {
            p.toFile().deleteOnExit();
        }
    }

    private static void genKeyPair(Path keyStore, String name) throws IOException, InterruptedException {
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=" + name, "-ext", "SAN=dns:" + name, "-validity", "2",
                "-keystore", keyStore.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    /** A server-side TLS context presenting the certificate in {@code keyStore}. */
    static SSLContext serverContext(Path keyStore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }
}
