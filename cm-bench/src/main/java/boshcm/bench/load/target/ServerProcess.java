package boshcm.bench.load.target;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A server started as a child process, with its output in a file; stopped with SIGTERM, then SIGKILL. */
public final class ServerProcess implements AutoCloseable {
    static final String HOST = "127.0.0.1";
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10L);
    private final String name;
    private final Process process;
    private final Path output;

    private ServerProcess(String name, Process process, Path output) {
        this.name = name;
        this.process = process;
        this.output = output;
    }

    public static ServerProcess start(String name, List<String> command, Path dir, Map<String, String> env, Path output) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().putAll(env);
        return new ServerProcess(name, builder.start(), output);
    }

    public long pid() {
        return this.process.pid();
    }

    public String name() {
        return this.name;
    }

    public void awaitPorts(Duration timeout, int ... ports) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int port : ports) {
            while (!ServerProcess.accepts(port)) {
                if (!this.process.isAlive()) {
                    throw new IOException(this.name + " exited with " + this.process.exitValue() + " during startup\n" + this.tail(30));
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException(this.name + " did not open port " + port + " within " + timeout + "\n" + this.tail(30));
                }
                ServerProcess.sleep(50L);
            }
        }
    }

    public String tail(int lines) {
        return ServerProcess.tail(this.output, lines);
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ": " + e + ")";
        }
    }

    public boolean isAlive() {
        return this.process.isAlive();
    }

    /**
     * The process started, or, when it is a launcher script (ejabberdctl runs the Erlang VM as its
     * child), its first descendant whose executable is named {@code executable}.
     */
    public long pid(String executable) throws IOException {
        if (this.process.info().command().map(c -> Path.of(c).getFileName().toString().equals(executable)).orElse(false)) {
            return this.process.pid();
        }
        return this.process.descendants()
                .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString().equals(executable)).orElse(false))
                .findFirst().map(ProcessHandle::pid)
                .orElseThrow(() -> new IOException(this.name + ": no " + executable + " process among its descendants"));
    }

    /**
     * SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT}. When the process started is a launcher
     * script with children (ejabberdctl and its Erlang VM), its children get the SIGTERM instead:
     * the VM stops cleanly, with its own helpers, and the script exits with it. Descendants still
     * alive at the end are killed.
     */
    @Override
    public void close() {
        if (!this.process.isAlive()) {
            return;
        }
        List<ProcessHandle> all = this.process.descendants().toList();
        List<ProcessHandle> children = this.process.children().toList();
        if (children.isEmpty()) {
            this.process.destroy();
        } else {
            children.forEach(ProcessHandle::destroy);
        }
        try {
            if (!this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                this.process.descendants().forEach(ProcessHandle::destroyForcibly);
                this.process.destroyForcibly();
                this.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            this.process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        all.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    /** {@code n} distinct free loopback ports (the sockets are closed again before the servers bind them). */
    public static int[] freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; ++i) {
                ServerSocket socket = new ServerSocket();
                socket.bind(new InetSocketAddress(HOST, 0));
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
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

    static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static List<String> asUser(String user, List<String> command) {
        if (!ServerProcess.isRoot()) {
            return command;
        }
        ArrayList<String> full = new ArrayList<String>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
        full.addAll(command);
        return full;
    }
}
