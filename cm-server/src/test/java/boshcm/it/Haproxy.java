package boshcm.it;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * HAProxy (Debian package {@code haproxy}, 2.2 or later) as a child process of the test: one temp
 * directory holds the config ({@code haproxy.cfg}), the runtime API socket ({@code admin.sock}) and
 * everything HAProxy prints ({@code haproxy.out}: its notices and, with the documented
 * {@code log stdout}, one line per request). It runs in the foreground ({@code -db}), never as a
 * system service. {@link #close()} stops it (SIGTERM, then SIGKILL) and deletes the directory unless
 * {@code -Dhaproxy.keep=true}.
 */
final class Haproxy implements AutoCloseable {

    /** Where Debian installs it; {@code /usr/sbin} is not on a normal user's PATH. */
    static final Path DEBIAN_BINARY = Path.of("/usr/sbin/haproxy");
    /**
     * The connection limit the test runs with ({@code -n}): the documented {@code maxconn 60000}
     * makes HAProxy ask for ~120000 file descriptors, and it refuses to start where the hard limit is lower.
     */
    static final int TEST_MAXCONN = 1000;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);
    private static final int START_ATTEMPTS = 3;

    private final Path dir;
    private final Process process;
    private final int port;
    private volatile boolean keep;

    private Haproxy(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /**
     * The haproxy binary. When there is none, the calling test is skipped (a JUnit assumption) only if
     * this user could not have installed it (not root, no password-less sudo: scripts/test.sh would
     * have stopped with "need root or sudo"); anywhere the package could be installed, a missing
     * haproxy is a failure, so that CI cannot silently skip the test.
     */
    static Path binary() {
        Optional<Path> found = find();
        if (found.isPresent()) {
            return found.get();
        }
        String missing = "haproxy is not installed (not in " + DEBIAN_BINARY.getParent() + " nor on PATH); "
                + "install Debian's haproxy package (scripts/test.sh does)";
        Assumptions.assumeTrue(canInstallPackages(),
                missing + ". Skipped: this user can install no packages (not root, no password-less sudo)");
        throw new IllegalStateException(missing);
    }

    private static Optional<Path> find() {
        if (Files.isExecutable(DEBIAN_BINARY)) {
            return Optional.of(DEBIAN_BINARY);
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "haproxy"))) {
                return Optional.of(Path.of(entry, "haproxy"));
            }
        }
        return Optional.empty();
    }

    private static boolean canInstallPackages() {
        if (Processes.isRoot()) {
            return true;
        }
        try {
            Processes.run(List.of("sudo", "-n", "true"), Path.of("."), Duration.ofSeconds(10));
            return true;
        } catch (IOException e) {
            return false; // no sudo, or it wants a password
        }
    }

    /**
     * Writes the config that {@code config} makes for a free frontend port and the runtime API socket
     * path, checks it ({@code haproxy -c}), starts HAProxy and returns once it listens (its runtime
     * API answers, see {@link #awaitReady}). Another attempt with a fresh port covers the rare case of
     * the port being taken between picking and binding.
     */
    static Haproxy start(Path binary, ConfigWriter config) throws IOException {
        Path dir = Files.createTempDirectory("boshcm-haproxy-");
        Path cfg = dir.resolve("haproxy.cfg");
        IOException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = LocalXmppServer.freePorts(1)[0];
            Files.writeString(cfg, config.write(port, dir.resolve("admin.sock")));
            try {
                Processes.run(List.of(binary.toString(), "-c", "-f", cfg.toString(), "-n", String.valueOf(TEST_MAXCONN)),
                        dir, COMMAND_TIMEOUT);
            } catch (IOException e) {
                throw new IOException("haproxy -c refused " + cfg + " (kept)", e);
            }
            Files.deleteIfExists(dir.resolve("admin.sock"));
            Process process = Processes.start(List.of(binary.toString(), "-f", cfg.toString(), "-db",
                    "-n", String.valueOf(TEST_MAXCONN)), dir, Map.of(), dir.resolve("haproxy.out"));
            Haproxy haproxy = new Haproxy(dir, process, port);
            try {
                haproxy.awaitReady();
                return haproxy;
            } catch (IOException e) {
                last = e;
                haproxy.stopProcess();
            }
        }
        throw last;
    }

    /** Makes the config text for a frontend port and a runtime API socket path. */
    @FunctionalInterface
    interface ConfigWriter {
        String write(int frontendPort, Path socket) throws IOException;
    }

    /**
     * Waits for the runtime API to answer. HAProxy binds every listener (the frontend and the
     * {@code stats socket}) before it serves any of them, and exits if one fails, so an answer means
     * the frontend listens too. (A TCP probe of the frontend would log a {@code <BADREQ>} line.)
     */
    private void awaitReady() throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!runtimeAnswers()) {
            if (!process.isAlive()) {
                throw new IOException("haproxy exited with " + process.exitValue() + " during startup\n" + diagnostics());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("haproxy did not serve on port " + port + " within " + START_TIMEOUT
                        + "\n" + diagnostics());
            }
            pause();
        }
    }

    private boolean runtimeAnswers() {
        try {
            return runtime("show info").contains("Name: HAProxy");
        } catch (IOException e) {
            return false;
        }
    }

    /** The BOSH endpoint through HAProxy, like {@code http://127.0.0.1:41234/http-bind}. */
    URI boshUri() {
        return URI.create("http://" + LocalXmppServer.HOST + ":" + port + "/http-bind");
    }

    /**
     * One runtime API command ({@code show stat}, {@code set server boshcm/n1 state drain}) over the
     * documented {@code stats socket}; returns HAProxy's answer. HAProxy answers and closes the
     * connection (non-interactive mode).
     */
    String runtime(String command) throws IOException {
        SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(dir.resolve("admin.sock")));
        CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
            try {
                channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
                return new String(Channels.newInputStream(channel).readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (channel) {
            return answer.get(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("runtime API: " + command, e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("runtime API: no answer to " + command + " within " + COMMAND_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * {@code show stat} for the servers of {@code backend}, by server name; each row maps HAProxy's CSV
     * column names ({@code status}, {@code scur}, {@code lbtot}, {@code check_status}, …) to values.
     */
    Map<String, Map<String, String>> servers(String backend) throws IOException {
        List<String> lines = runtime("show stat").lines().filter(l -> !l.isBlank()).toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            throw new IOException("unexpected show stat answer: " + lines);
        }
        String[] columns = lines.get(0).substring(2).split(",", -1);
        Map<String, Map<String, String>> servers = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split(",", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < columns.length && i < values.length; i++) {
                row.put(columns[i], values[i]);
            }
            String name = row.get("svname");
            if (backend.equals(row.get("pxname")) && !"BACKEND".equals(name) && !"FRONTEND".equals(name)) {
                servers.put(name, row);
            }
        }
        return servers;
    }

    /** The sum of column {@code column} (a number) over the servers of {@code backend}. */
    long sum(String backend, String column) throws IOException {
        long sum = 0;
        for (Map<String, String> row : servers(backend).values()) {
            String value = row.getOrDefault(column, "");
            sum += value.isEmpty() ? 0 : Long.parseLong(value);
        }
        return sum;
    }

    /** Polls {@code show stat} until {@code condition} holds for {@code backend}'s servers; fails after {@code timeout}. */
    Map<String, Map<String, String>> awaitServers(String backend, Predicate<Map<String, Map<String, String>>> condition,
            String what, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Map<String, String>> servers;
        while (!condition.test(servers = servers(backend))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("HAProxy: " + what + " not within " + timeout + "; servers: " + summary(servers));
            }
            pause();
        }
        return servers;
    }

    /** The columns of {@code show stat} the tests look at, per server: a readable failure message. */
    static String summary(Map<String, Map<String, String>> servers) {
        StringBuilder out = new StringBuilder();
        new java.util.TreeMap<>(servers).forEach((name, row) -> {
            out.append("\n  ").append(name);
            for (String column : List.of("status", "check_status", "check_code", "scur", "lbtot", "stot")) {
                out.append(' ').append(column).append('=').append(row.getOrDefault(column, ""));
            }
        });
        return out.toString();
    }

    /** The config HAProxy runs and the tail of what it printed, for failure messages. */
    String diagnostics() {
        return "--- " + dir.resolve("haproxy.cfg") + "\n" + Processes.tail(dir.resolve("haproxy.cfg"), 200)
                + "\n--- " + dir.resolve("haproxy.out") + " (tail)\n" + Processes.tail(dir.resolve("haproxy.out"), 40);
    }

    /** Keeps the directory when HAProxy is closed (a test failed). */
    void keepFilesOnClose() {
        keep = true;
    }

    Path directory() {
        return dir;
    }

    @Override
    public void close() {
        stopProcess();
        if (keep || Boolean.getBoolean("haproxy.keep")) {
            System.err.println("[Haproxy] kept " + dir);
            return;
        }
        try {
            LocalXmppServer.deleteTree(dir);
        } catch (IOException e) {
            System.err.println("[Haproxy] could not delete " + dir + ": " + e);
        }
    }

    /** SIGTERM (HAProxy stops at once in the foreground), SIGKILL if it is still there after 5 s. */
    private void stopProcess() {
        if (!process.isAlive()) return;
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(50); // polling interval, not a wait for an event
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
