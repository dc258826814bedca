package boshcm.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real Prosody 0.12 (Debian package {@code prosody}) on free loopback ports, configured for the
 * boshcm integration tests. One instance serves virtual host {@link #DOMAIN} with a MUC component
 * {@link #MUC_DOMAIN}; c2s requires TLS (STARTTLS on {@link #c2sPort()}, direct TLS on
 * {@link #c2sDirectTlsPort()}) with a certificate from a throw-away {@link TestPki}; Prosody's own
 * {@code mod_bosh} listens on {@link #modBoshUri()} as a reference BOSH endpoint.
 *
 * <p>Everything lives in one temp directory: {@code prosody.cfg.lua}, {@code data/},
 * {@code prosody.log} (debug level), the PKI files. Prosody refuses to run as root, so when this JVM
 * is root it runs as the {@code prosody} user via {@code setpriv} and the directory is given to it.
 * {@link #close()} sends SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT}; the directory is deleted
 * unless {@link #keepFilesOnClose()} was called (the JUnit extension does so when a test fails).
 */
public final class ProsodyServer implements XmppServer {

    public static final String DOMAIN = "boshcm.test";
    public static final String MUC_DOMAIN = "conference." + DOMAIN;
    public static final String HOST = "127.0.0.1";
    static final String PROSODY_USER = "prosody";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CTL_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger USER_COUNTER = new AtomicInteger();

    private final Path dir;
    private final TestPki pki;
    private final int c2sPort;
    private final int c2sDirectTlsPort;
    private final int httpPort;
    private final Process process;
    private volatile boolean keepFiles = Boolean.getBoolean("prosody.keep");

    private ProsodyServer(Path dir, TestPki pki, int[] ports, Process process) {
        this.dir = dir;
        this.pki = pki;
        this.c2sPort = ports[0];
        this.c2sDirectTlsPort = ports[1];
        this.httpPort = ports[2];
        this.process = process;
    }

    /** Writes a config, starts Prosody and returns once all its ports accept connections. */
    public static ProsodyServer start() throws IOException {
        Path dir = Files.createTempDirectory("boshcm-prosody-");
        TestPki pki;
        try {
            pki = TestPki.create(dir.resolve("pki"), DOMAIN);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create the test PKI in " + dir, e);
        }
        // Free ports are picked, released, then bound by Prosody: another process may take one in
        // between. Rare; a second attempt with fresh ports covers it.
        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int[] ports = freePorts(3);
            Files.writeString(dir.resolve("prosody.cfg.lua"), config(dir, pki, ports));
            Files.createDirectories(dir.resolve("data"));
            Files.deleteIfExists(dir.resolve("prosody.log"));
            giveToProsody(dir);
            Process process = new ProcessBuilder(Processes.asUser(PROSODY_USER,
                    List.of("prosody", "-F", "--config", dir.resolve("prosody.cfg.lua").toString())))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("prosody.stdout").toFile())
                    .start();
            ProsodyServer server = new ProsodyServer(dir, pki, ports, process);
            try {
                server.awaitPorts();
                return server;
            } catch (IOException e) {
                last = e;
                server.stopProcess();
            }
        }
        throw last;
    }

    @Override
    public String name() { return "prosody"; }

    @Override
    public String domain() { return DOMAIN; }

    @Override
    public String mucDomain() { return MUC_DOMAIN; }

    @Override
    public String host() { return HOST; }

    /** c2s with STARTTLS (required). */
    @Override
    public int c2sPort() { return c2sPort; }

    /** c2s with direct TLS (XEP-0368 style), same certificate. */
    @Override
    public int c2sDirectTlsPort() { return c2sDirectTlsPort; }

    /** Prosody's HTTP port, serving mod_bosh (plain HTTP, {@code consider_bosh_secure = true}). */
    public int httpPort() { return httpPort; }

    /** Prosody's own BOSH endpoint, the reference target. */
    @Override
    public URI modBoshUri() { return URI.create("http://" + HOST + ":" + httpPort + "/http-bind"); }

    /** The CA, the server certificate and the PKCS12 trust store (for the CM and TCP peers). */
    @Override
    public TestPki pki() { return pki; }

    @Override
    public Path directory() { return dir; }

    public Path logFile() { return dir.resolve("prosody.log"); }

    public String logTail(int lines) {
        return Processes.tail(logFile(), lines);
    }

    @Override
    public void keepFilesOnClose() { keepFiles = true; }

    /** Registers a fresh account {@code prefix + n} (lower-case letters and digits only). */
    @Override
    public XmppUser createUser(String prefix) {
        String localpart = prefix + USER_COUNTER.incrementAndGet();
        XmppUser user = new XmppUser(localpart, "pw-" + localpart + "-secret", DOMAIN);
        prosodyctl("register", localpart, DOMAIN, user.password());
        return user;
    }

    /**
     * Makes {@code a} and {@code b} mutual contacts (subscription both, group {@code "it"}) by writing
     * their roster files in Prosody's internal storage. Call it before either user logs in or is
     * probed: Prosody caches rosters it has loaded.
     */
    @Override
    public void befriend(XmppUser a, XmppUser b) {
        writeRoster(a, b);
        writeRoster(b, a);
    }

    private void writeRoster(XmppUser owner, XmppUser contact) {
        // Format of Prosody 0.12 core/rostermanager.lua: [false] holds metadata, other keys are JIDs.
        String lua = "return {\n"
                + "  [false] = { version = 1; pending = {}; };\n"
                + "  [\"" + contact.jidString() + "\"] = { subscription = \"both\"; name = \""
                + contact.localpart() + "\"; groups = { [\"it\"] = true; }; };\n"
                + "};\n";
        try {
            Path rosters = dir.resolve("data").resolve(encode(DOMAIN)).resolve("roster");
            Files.createDirectories(rosters);
            Path file = rosters.resolve(encode(owner.localpart()) + ".dat");
            Files.writeString(file, lua);
            giveToProsody(dir.resolve("data"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Prosody datamanager's path encoding: every non-alphanumeric byte becomes %xx. */
    private static String encode(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (Character.isLetterOrDigit(c) && c < 128) out.append(c);
            else out.append(String.format("%%%02x", (int) c));
        }
        return out.toString();
    }

    private void prosodyctl(String... args) {
        List<String> command = new ArrayList<>(List.of(
                "prosodyctl", "--config", dir.resolve("prosody.cfg.lua").toString()));
        command.addAll(List.of(args));
        try {
            Processes.run(Processes.asUser(PROSODY_USER, command), dir, CTL_TIMEOUT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitPorts() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (int port : new int[] {c2sPort, c2sDirectTlsPort, httpPort}) {
            while (!accepts(port)) {
                if (!process.isAlive()) {
                    throw new IOException("Prosody exited with " + process.exitValue() + " during startup\n"
                            + diagnostics());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("Prosody did not open port " + port + " within " + START_TIMEOUT
                            + "\n" + diagnostics());
                }
                try {
                    TimeUnit.MILLISECONDS.sleep(50); // polling interval, not a wait for an event
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The log tail and the stdout of Prosody, for failure messages. */
    @Override
    public String diagnostics() {
        return "--- " + dir.resolve("prosody.stdout") + "\n" + Processes.tail(dir.resolve("prosody.stdout"), 20)
                + "\n--- " + logFile() + " (tail)\n" + logTail(60);
    }

    @Override
    public void close() {
        stopProcess();
        if (keepFiles) {
            System.err.println("[ProsodyServer] kept " + dir);
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("[ProsodyServer] could not delete " + dir + ": " + e);
        }
    }

    private void stopProcess() {
        if (!process.isAlive()) return;
        process.destroy(); // SIGTERM: Prosody shuts down cleanly
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket socket = new ServerSocket();
                socket.bind(new InetSocketAddress(HOST, 0));
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) socket.close();
        }
    }

    /** Hands {@code path} (recursively) to the prosody user when we are root; no-op otherwise. */
    private static void giveToProsody(Path path) throws IOException {
        if (!Processes.isRoot()) return;
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(PROSODY_USER);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(PROSODY_USER);
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(user);
                view.setGroup(group);
            }
        }
    }

    private static String config(Path dir, TestPki pki, int[] ports) {
        return """
                -- Generated by boshcm.it.ProsodyServer for the integration tests. Not for production.
                pidfile = "%1$s/prosody.pid"
                data_path = "%1$s/data"
                daemonize = false
                log = { { levels = { min = "debug" }; to = "file"; filename = "%1$s/prosody.log" } }

                interfaces = { "127.0.0.1" }
                local_interfaces = { "127.0.0.1" }
                c2s_ports = { %2$d }
                c2s_direct_tls_ports = { %3$d }
                http_ports = { %4$d }
                http_interfaces = { "127.0.0.1" }
                https_ports = { }
                s2s_ports = { }
                component_ports = { }
                legacy_ssl_ports = { }

                modules_enabled = {
                  "roster"; "saslauth"; "tls"; "disco"; "ping"; "presence"; "carbons";
                  "bosh"; "smacks"; "posix";
                }
                modules_disabled = { "s2s"; "s2s_auth_certs" }

                authentication = "internal_hashed" -- SCRAM-SHA-1, and PLAIN on secure streams
                storage = "internal"
                c2s_require_encryption = true
                allow_unencrypted_plain_auth = false
                ssl = { certificate = "%5$s"; key = "%6$s" }

                -- mod_bosh as a reference endpoint: its HTTP leg is plain loopback HTTP.
                consider_bosh_secure = true
                http_default_host = "%7$s"
                http_cors_override = { bosh = { enabled = true } }
                bosh_max_inactivity = 60

                VirtualHost "%7$s"
                  ssl = { certificate = "%5$s"; key = "%6$s" }

                Component "%8$s" "muc"
                  restrict_room_creation = false
                """.formatted(dir, ports[0], ports[1], ports[2],
                pki.serverCertificate(), pki.serverKey(), DOMAIN, MUC_DOMAIN);
    }
}
