package boshcm.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
 * Ports, startup and shutdown are {@link LocalXmppServer}'s.
 */
public final class ProsodyServer extends LocalXmppServer {

    static final String PROSODY_USER = "prosody";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private ProsodyServer(Path dir, TestPki pki, int[] ports, Process process) {
        super(dir, pki, ports, process);
    }

    /** Writes a config, starts Prosody and returns once all its ports accept connections. */
    public static ProsodyServer start() throws IOException {
        Path dir = Files.createTempDirectory("boshcm-prosody-");
        TestPki pki = createPki(dir);
        return startOnFreePorts(3, ports -> {
            Files.writeString(dir.resolve("prosody.cfg.lua"), config(dir, pki, ports));
            Files.createDirectories(dir.resolve("data"));
            Files.deleteIfExists(dir.resolve("prosody.log"));
            giveTo(PROSODY_USER, dir);
            Process process = Processes.start(Processes.asUser(PROSODY_USER,
                    List.of("prosody", "-F", "--config", dir.resolve("prosody.cfg.lua").toString())),
                    dir, Map.of(), dir.resolve("prosody.stdout"));
            return new ProsodyServer(dir, pki, ports, process);
        });
    }

    @Override
    void awaitReady() throws IOException {
        awaitPorts(START_TIMEOUT);
    }

    @Override
    public String name() { return "prosody"; }

    /** Prosody's own BOSH endpoint, the reference target. */
    @Override
    public URI modBoshUri() { return URI.create("http://" + HOST + ":" + httpPort() + "/http-bind"); }

    public Path logFile() { return dir.resolve("prosody.log"); }

    public String logTail(int lines) {
        return Processes.tail(logFile(), lines);
    }

    @Override
    void register(XmppUser user) {
        prosodyctl("register", user.localpart(), DOMAIN, user.password());
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
            giveTo(PROSODY_USER, dir.resolve("data"));
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

    /** The log tail and the stdout of Prosody, for failure messages. */
    @Override
    public String diagnostics() {
        return "--- " + dir.resolve("prosody.stdout") + "\n" + Processes.tail(dir.resolve("prosody.stdout"), 20)
                + "\n--- " + logFile() + " (tail)\n" + logTail(60);
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
