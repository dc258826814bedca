package boshcm.bench.load.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The load generator's handle on {@link FaultProxyMain}, run as a child JVM from the same jar (or
 * classes directory): starts it, sends it commands on its standard input and reads the answers from
 * its standard output. Its standard error goes to a log file. Commands are sent one at a time.
 */
final class FaultProxyProcess implements AutoCloseable {

    private static final long ANSWER_TIMEOUT_SECONDS = 20;

    private final Process process;
    private final OutputStream commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final int port;

    private FaultProxyProcess(Process process, int port) {
        this.process = process;
        this.commands = process.getOutputStream();
        this.port = port;
    }

    /** Starts the proxy toward 127.0.0.1:{@code targetPort}; returns once it accepts connections. */
    static FaultProxyProcess start(int targetPort, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xms32m", "-Xmx128m", "-XX:+UseSerialGC", "-cp", classpath(),
                FaultProxyMain.class.getName(), "127.0.0.1", Integer.toString(targetPort));
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith("listening ")) {
            p.destroyForcibly();
            throw new IOException("the fault proxy did not start (" + first + "); see " + log);
        }
        FaultProxyProcess proxy = new FaultProxyProcess(p, Integer.parseInt(first.substring("listening ".length()).trim()));
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    proxy.answers.add(line);
                }
            } catch (IOException e) {
                // the proxy is gone; commands time out
            }
        }, "fault-proxy-answers");
        reader.setDaemon(true);
        reader.start();
        return proxy;
    }

    /** Where this class was loaded from: the cm-bench jar, or target/classes when run from the build. */
    private static String classpath() throws IOException {
        try {
            return Path.of(FaultProxyMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Resets the upstream connection that bound {@code jid}: true if it did, false if it knows no such connection. */
    boolean cut(String jid) throws IOException, InterruptedException {
        String answer = ask("cut " + jid);
        if (answer.equals("cut " + jid + " ok")) {
            return true;
        }
        if (answer.equals("cut " + jid + " unknown")) {
            return false;
        }
        throw new IOException("fault proxy: " + answer);
    }

    /** {@code stats accepted=… active=… cut=…}. */
    String stats() throws IOException, InterruptedException {
        return ask("stats");
    }

    private synchronized String ask(String command) throws IOException, InterruptedException {
        answers.clear();
        commands.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        commands.flush();
        String answer = answers.poll(ANSWER_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (answer == null) {
            throw new IOException("the fault proxy did not answer " + command + (process.isAlive() ? "" : " (it exited)"));
        }
        return answer;
    }

    @Override
    public void close() {
        try {
            commands.close(); // the proxy exits at the end of its input
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
