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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A real ejabberd 23.01 (Debian package {@code ejabberd}) on free loopback ports, configured for the
 * boshcm integration tests: virtual host {@link #DOMAIN}, MUC {@link #MUC_DOMAIN}, c2s with STARTTLS
 * required ({@link #c2sPort()}) and with direct TLS ({@link #c2sDirectTlsPort()}), certificate from a
 * throw-away {@link TestPki}, internal auth with SCRAM-stored passwords, mod_roster, mod_muc,
 * mod_stream_mgmt, and ejabberd's own mod_bosh on {@link #modBoshUri()} (the comparison target).
 *
 * <p>It is a dedicated Erlang node, {@code boshcm-ejabberd-<dist port>@localhost}, started with
 * {@code ejabberdctl --config-dir DIR --spool DIR/spool --logs DIR/logs --node NODE foreground-quiet}.
 * {@code DIR/ejabberdctl.cfg} sets {@code ERL_DIST_PORT} (the node listens for distribution on that
 * port and no {@code epmd} is started) and a random cookie with {@code -setcookie} (no
 * {@code ~/.erlang.cookie} is read or written); {@code DIR/inetrc} resolves {@code localhost}. Users
 * and roster items go in with {@code ejabberdctl register} and {@code add_rosteritem}
 * ({@code mod_admin_extra}), each a short-lived hidden node on the same port. Debian's
 * {@code ejabberdctl} runs only as root (it then {@code su}s to {@code ejabberd}) or as the
 * {@code ejabberd} user; as root the tests run it as {@code ejabberd} with {@code setpriv} and hand
 * the directory to that user. {@link #close()} sends SIGTERM to the Erlang VM (a clean
 * {@code init:stop}), then SIGKILL after {@link #STOP_TIMEOUT}.
 */
public final class EjabberdServer implements XmppServer {

    public static final String DOMAIN = "boshcm.test";
    public static final String MUC_DOMAIN = "conference." + DOMAIN;
    public static final String HOST = "127.0.0.1";
    static final String EJABBERD_USER = "ejabberd";
    static final String EJABBERDCTL = "/usr/sbin/ejabberdctl";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CTL_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger USER_COUNTER = new AtomicInteger();

    private final Path dir;
    private final TestPki pki;
    private final int c2sPort;
    private final int c2sDirectTlsPort;
    private final int httpPort;
    private final int distPort;
    private final Process process;
    private volatile boolean keepFiles = Boolean.getBoolean("ejabberd.keep");

    private EjabberdServer(Path dir, TestPki pki, int[] ports, Process process) {
        this.dir = dir;
        this.pki = pki;
        this.c2sPort = ports[0];
        this.c2sDirectTlsPort = ports[1];
        this.httpPort = ports[2];
        this.distPort = ports[3];
        this.process = process;
    }

    /** Writes the configuration, starts the node and returns once its ports accept connections. */
    public static EjabberdServer start() throws IOException {
        if (!Files.isExecutable(Path.of(EJABBERDCTL))) {
            throw new IOException(EJABBERDCTL + " not found: install Debian's ejabberd (scripts/test.sh does)");
        }
        if (!Processes.isRoot() && !EJABBERD_USER.equals(System.getProperty("user.name"))) {
            throw new IOException("Debian's ejabberdctl runs only as root or as the ejabberd user");
        }
        Path dir = Files.createTempDirectory("boshcm-ejabberd-");
        TestPki pki;
        try {
            pki = TestPki.create(dir.resolve("pki"), DOMAIN);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create the test PKI in " + dir, e);
        }
        byte[] cookie = new byte[16];
        new SecureRandom().nextBytes(cookie);
        Files.writeString(dir.resolve("inetrc"), """
                {lookup,["file","native"]}.
                {host,{127,0,0,1}, ["localhost"]}.
                """);
        // Free ports are picked, released, then bound by ejabberd: another process may take one in
        // between. Rare; another attempt with fresh ports covers it.
        IOException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            int[] ports = freePorts(4);
            Files.writeString(dir.resolve("ejabberd.yml"), config(pki, ports));
            Files.writeString(dir.resolve("ejabberdctl.cfg"), """
                    # Generated by boshcm.it.EjabberdServer. Sourced by ejabberdctl.
                    ERL_OPTIONS="-setcookie boshcm%s -env ERL_CRASH_DUMP_BYTES 0"
                    ERL_DIST_PORT=%d
                    """.formatted(HexFormat.of().formatHex(cookie), ports[3]));
            deleteTree(dir.resolve("spool"));
            deleteTree(dir.resolve("logs"));
            Files.createDirectories(dir.resolve("spool"));
            Files.createDirectories(dir.resolve("logs"));
            giveToEjabberd(dir);
            ProcessBuilder builder = new ProcessBuilder(ctlCommand(dir, ports[3], "foreground-quiet"))
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("ejabberd.stdout").toFile());
            builder.environment().put("HOME", dir.toString());
            EjabberdServer server = new EjabberdServer(dir, pki, ports, builder.start());
            try {
                server.awaitPorts();
                server.ctl("status");
                return server;
            } catch (IOException e) {
                last = e;
                server.stopProcess();
            }
        }
        throw last;
    }

    @Override
    public String name() { return "ejabberd"; }

    @Override
    public String domain() { return DOMAIN; }

    @Override
    public String mucDomain() { return MUC_DOMAIN; }

    @Override
    public String host() { return HOST; }

    @Override
    public int c2sPort() { return c2sPort; }

    @Override
    public int c2sDirectTlsPort() { return c2sDirectTlsPort; }

    /** ejabberd's HTTP listener, serving mod_bosh on {@code /bosh}. */
    public int httpPort() { return httpPort; }

    @Override
    public URI modBoshUri() { return URI.create("http://" + HOST + ":" + httpPort + "/bosh"); }

    @Override
    public TestPki pki() { return pki; }

    @Override
    public Path directory() { return dir; }

    /** The Erlang node name, for {@code ejabberdctl --node} by hand. */
    public String node() { return nodeName(distPort); }

    public Path logFile() { return dir.resolve("logs").resolve("ejabberd.log"); }

    @Override
    public void keepFilesOnClose() { keepFiles = true; }

    @Override
    public XmppUser createUser(String prefix) {
        String localpart = prefix + USER_COUNTER.incrementAndGet();
        XmppUser user = new XmppUser(localpart, "pw-" + localpart + "-secret", DOMAIN);
        ctlUnchecked("register", localpart, DOMAIN, user.password());
        return user;
    }

    @Override
    public void befriend(XmppUser a, XmppUser b) {
        ctlUnchecked("add_rosteritem", a.localpart(), a.domain(), b.localpart(), b.domain(), b.localpart(), "it", "both");
        ctlUnchecked("add_rosteritem", b.localpart(), b.domain(), a.localpart(), a.domain(), a.localpart(), "it", "both");
    }

    /** Runs {@code ejabberdctl <args>} against this node and returns its output. */
    public String ctl(String... args) throws IOException {
        List<String> command = ctlCommand(dir, distPort, args);
        Path out = Files.createTempFile("boshcm-ejabberdctl", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().put("HOME", dir.toString());
            Process ctl = builder.start();
            boolean exited;
            try {
                exited = ctl.waitFor(CTL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                ctl.descendants().forEach(ProcessHandle::destroyForcibly);
                ctl.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + command, e);
            }
            String output = Files.readString(out);
            if (!exited) {
                ctl.descendants().forEach(ProcessHandle::destroyForcibly);
                ctl.destroyForcibly();
                throw new IOException("timed out after " + CTL_TIMEOUT + ": " + command + "\n" + output);
            }
            if (ctl.exitValue() != 0) {
                throw new IOException("exit " + ctl.exitValue() + ": " + command + "\n" + output + "\n" + diagnostics());
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private void ctlUnchecked(String... args) {
        try {
            ctl(args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> ctlCommand(Path dir, int distPort, String... args) {
        List<String> command = new ArrayList<>(List.of(EJABBERDCTL,
                "--config-dir", dir.toString(),
                "--spool", dir.resolve("spool").toString(),
                "--logs", dir.resolve("logs").toString(),
                "--node", nodeName(distPort)));
        command.addAll(List.of(args));
        return Processes.asUser(EJABBERD_USER, command);
    }

    private static String nodeName(int distPort) {
        return "boshcm-ejabberd-" + distPort + "@localhost";
    }

    private void awaitPorts() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        for (int port : new int[] {c2sPort, c2sDirectTlsPort, httpPort}) {
            while (!accepts(port)) {
                if (!process.isAlive()) {
                    throw new IOException("ejabberd exited with " + process.exitValue() + " during startup\n"
                            + diagnostics());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("ejabberd did not open port " + port + " within " + START_TIMEOUT
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

    @Override
    public String diagnostics() {
        Path stdout = dir.resolve("ejabberd.stdout");
        Path errors = dir.resolve("logs").resolve("error.log");
        return "--- " + stdout + "\n" + Processes.tail(stdout, 20)
                + "\n--- " + errors + " (tail)\n" + Processes.tail(errors, 20)
                + "\n--- " + logFile() + " (tail)\n" + Processes.tail(logFile(), 60);
    }

    @Override
    public void close() {
        stopProcess();
        if (keepFiles) {
            System.err.println("[EjabberdServer] kept " + dir);
            return;
        }
        try {
            deleteTree(dir);
        } catch (IOException e) {
            System.err.println("[EjabberdServer] could not delete " + dir + ": " + e);
        }
    }

    /**
     * The started process is the ejabberdctl shell (setpriv execs it); the Erlang VM is its child.
     * SIGTERM to the VM stops the node cleanly, and the shell exits with it.
     */
    private void stopProcess() {
        if (!process.isAlive()) return;
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.forEach(ProcessHandle::destroy);
        if (tree.isEmpty()) process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // Helpers the VM started (erl_child_setup, eimp) end with it; make sure of it.
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
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

    private static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) return;
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Hands {@code path} (recursively) to the ejabberd user when we are root; no-op otherwise. */
    private static void giveToEjabberd(Path path) throws IOException {
        if (!Processes.isRoot()) return;
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(EJABBERD_USER);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(EJABBERD_USER);
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(user);
                view.setGroup(group);
            }
        }
    }

    private static String config(TestPki pki, int[] ports) {
        // No shaper on the listeners: the Debian default (c2s_shaper "normal", 3000 B/s) would throttle
        // the bursts. Listeners bind 127.0.0.1 only; no s2s listener.
        return """
                # Generated by boshcm.it.EjabberdServer for the integration tests. Not for production.
                hosts:
                  - "%1$s"
                loglevel: %2$s
                log_rotate_count: 0
                certfiles:
                  - "%3$s"
                  - "%4$s"
                listen:
                  -
                    port: %5$d
                    ip: "127.0.0.1"
                    module: ejabberd_c2s
                    starttls_required: true
                    max_stanza_size: 262144
                  -
                    port: %6$d
                    ip: "127.0.0.1"
                    module: ejabberd_c2s
                    tls: true
                    max_stanza_size: 262144
                  -
                    port: %7$d
                    ip: "127.0.0.1"
                    module: ejabberd_http
                    request_handlers:
                      /bosh: mod_bosh
                auth_method: internal
                auth_password_format: scram
                acl:
                  local:
                    user_regexp: ""
                access_rules:
                  local:
                    allow: local
                  c2s:
                    allow: all
                  muc_create:
                    allow: local
                api_permissions:
                  "console commands":
                    from:
                      - ejabberd_ctl
                    who: all
                    what: "*"
                modules:
                  mod_admin_extra: {}
                  mod_bosh: {}
                  mod_disco: {}
                  mod_ping: {}
                  mod_roster:
                    versioning: true
                  mod_stream_mgmt: {}
                  mod_muc:
                    host: "%8$s"
                    access_create: muc_create
                """.formatted(DOMAIN, Boolean.getBoolean("ejabberd.debug") ? "debug" : "info",
                pki.serverCertificate(), pki.serverKey(), ports[0], ports[1], ports[2], MUC_DOMAIN);
    }
}
