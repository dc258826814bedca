package boshcm.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
 * What {@link ProsodyServer} and {@link EjabberdServer} share: a temp directory holding everything
 * (with a throw-away {@link TestPki} in {@code pki/}), free loopback ports (c2s with STARTTLS, c2s with
 * direct TLS, HTTP, then any more the server needs), one server process, readiness as every port
 * accepting, numbered users, and {@link #close()}: the process stopped, then the directory deleted
 * unless kept ({@link #keepFilesOnClose()} or {@code -D<name>.keep=true}). Each subclass writes its
 * own configuration, starts its own command and registers users with its own tool.
 */
abstract class LocalXmppServer implements XmppServer {

    public static final String DOMAIN = "boshcm.test";
    public static final String MUC_DOMAIN = "conference." + DOMAIN;
    public static final String HOST = "127.0.0.1";

    static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    static final Duration CTL_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final AtomicInteger USER_COUNTER = new AtomicInteger();

    final Path dir;
    final Process process;
    private final TestPki pki;
    private final int c2sPort;
    private final int c2sDirectTlsPort;
    private final int httpPort;
    private volatile boolean keepFiles;

    /** {@code ports} starts with c2s (STARTTLS), c2s (direct TLS) and HTTP, as {@link #startOnFreePorts} picks them. */
    LocalXmppServer(Path dir, TestPki pki, int[] ports, Process process) {
        this.dir = dir;
        this.pki = pki;
        this.c2sPort = ports[0];
        this.c2sDirectTlsPort = ports[1];
        this.httpPort = ports[2];
        this.process = process;
    }

    /** Starts the server process on the given free ports (config written for them); not yet ready. */
    interface Launcher<S extends LocalXmppServer> {
        S launch(int[] ports) throws IOException;
    }

    /**
     * Launches on {@code portCount} free ports and returns once {@link #awaitReady()} passes. Free ports
     * are picked, released, then bound by the server: another process may take one in between. Rare;
     * another attempt with fresh ports covers it.
     */
    static <S extends LocalXmppServer> S startOnFreePorts(int portCount, Launcher<S> launcher) throws IOException {
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            S server = launcher.launch(freePorts(portCount));
            try {
                server.awaitReady();
                return server;
            } catch (IOException e) {
                last = e;
                server.stopProcess();
            }
        }
        throw last;
    }

    /** A fresh {@link TestPki} for {@link #DOMAIN} in {@code dir/pki}. */
    static TestPki createPki(Path dir) throws IOException {
        try {
            return TestPki.create(dir.resolve("pki"), DOMAIN);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot create the test PKI in " + dir, e);
        }
    }

    /** Returns once the server serves; throws with {@link #diagnostics()} otherwise. */
    abstract void awaitReady() throws IOException;

    /** Registers {@code user} (fresh, see {@link #createUser}) with the server's own tool. */
    abstract void register(XmppUser user);

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

    /** The server's HTTP listener, serving its mod_bosh ({@link #modBoshUri()}). */
    public int httpPort() { return httpPort; }

    @Override
    public TestPki pki() { return pki; }

    @Override
    public Path directory() { return dir; }

    @Override
    public void keepFilesOnClose() { keepFiles = true; }

    /** Registers a fresh account {@code prefix + n} (password {@code pw-<localpart>-secret}). */
    @Override
    public final XmppUser createUser(String prefix) {
        String localpart = prefix + USER_COUNTER.incrementAndGet();
        XmppUser user = new XmppUser(localpart, "pw-" + localpart + "-secret", DOMAIN);
        register(user);
        return user;
    }

    /**
     * Waits until c2s (both) and HTTP accept connections, at most {@code timeout}; fails at once,
     * with {@link #diagnostics()}, if the process exits meanwhile.
     */
    void awaitPorts(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int port : new int[] {c2sPort, c2sDirectTlsPort, httpPort}) {
            while (!accepts(port)) {
                if (!process.isAlive()) {
                    throw new IOException(name() + " exited with " + process.exitValue() + " during startup\n"
                            + diagnostics());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(name() + " did not open port " + port + " within " + timeout
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
    public void close() {
        stopProcess();
        String tag = "[" + getClass().getSimpleName() + "] ";
        if (keepFiles || Boolean.getBoolean(name() + ".keep")) {
            System.err.println(tag + "kept " + dir);
            return;
        }
        try {
            deleteTree(dir);
        } catch (IOException e) {
            System.err.println(tag + "could not delete " + dir + ": " + e);
        }
    }

    /** SIGTERM (the servers shut down cleanly on it), then SIGKILL after {@link #STOP_TIMEOUT}. */
    void stopProcess() {
        if (!process.isAlive()) return;
        process.destroy();
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

    /** {@code n} distinct loopback ports free a moment ago (bound together, then released). */
    static int[] freePorts(int n) throws IOException {
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

    /** Deletes {@code path} and everything under it, if it exists. */
    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) return;
        try (Stream<Path> files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Hands {@code path} (recursively) to {@code user} (and its group) when we are root; no-op otherwise. */
    static void giveTo(String user, Path path) throws IOException {
        if (!Processes.isRoot()) return;
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal owner = lookup.lookupPrincipalByName(user);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(user);
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(p, PosixFileAttributeView.class);
                view.setOwner(owner);
                view.setGroup(group);
            }
        }
    }
}
