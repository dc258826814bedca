package boshcm.bench.load.target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * boshcm as its own JVM in front of the benchmark Prosody: plain c2s upstream (TLS would skew every
 * target alike), session limits off, logging at warn; the shaded cm-server jar the README builds.
 */
public final class BoshcmServer implements ConnectionManager {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60L);
    private final Path jar;
    private final List<String> jvmOptions;
    private final Path dir;
    private int httpPort;
    private int adminPort;

    public BoshcmServer(Path jar, List<String> jvmOptions, Path dir) {
        this.jar = jar;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.dir = dir;
    }

    public ServerProcess start(int upstreamPort) throws IOException {
        if (!Files.isRegularFile(this.jar)) {
            throw new IOException(this.jar + " not found: build it with mvn -B -q install -DskipTests -pl cm-protocol,cm-server,cm-bench");
        }
        Files.createDirectories(this.dir);
        int[] ports = ServerProcess.freePorts(2);
        this.httpPort = ports[0];
        this.adminPort = ports[1];
        ArrayList<String> command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(this.jvmOptions);
        command.addAll(List.of("-jar", this.jar.toString(), "--upstream", "127.0.0.1:" + upstreamPort, "--upstream-tls", "disabled", "--bind", "127.0.0.1", "--http-port", Integer.toString(this.httpPort), "--admin-port", Integer.toString(ports[1]), "--limits-max-sessions", "0", "--limits-max-sessions-per-client", "0", "--limits-new-sessions-per-client-per-second", "0", "--log-level", "warn"));
        ServerProcess process = ServerProcess.start("boshcm", command, this.dir, Map.of(), this.dir.resolve("boshcm.log"));
        try {
            process.awaitPorts(START_TIMEOUT, this.httpPort, ports[1]);
        } catch (IOException e) {
            process.close();
            throw e;
        }
        return process;
    }

    /** The admin listener (/metrics, /health, /ready) of the boshcm last started. */
    public int adminPort() {
        return this.adminPort;
    }

    public int httpPort() {
        return this.httpPort;
    }

    public String logTail(int lines) {
        return "--- " + this.dir.resolve("boshcm.log") + "\n" + ServerProcess.tail(this.dir.resolve("boshcm.log"), lines);
    }

    public List<String> jvmOptions() {
        return this.jvmOptions;
    }
}
