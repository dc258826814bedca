package boshcm.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Small, bounded helpers around {@link ProcessBuilder} for the integration-test fixtures. */
final class Processes {

    private Processes() {}

    /**
     * Runs {@code command} in {@code dir}, waits at most {@code timeout}, and returns its combined
     * output. Throws with the command and its output when it fails or times out.
     */
    static String run(List<String> command, Path dir, Duration timeout) throws IOException {
        return run(command, dir, Map.of(), timeout);
    }

    /** {@link #run(List, Path, Duration)} with {@code env} added to the environment. */
    static String run(List<String> command, Path dir, Map<String, String> env, Duration timeout) throws IOException {
        Path out = Files.createTempFile("boshcm-it-proc", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            builder.environment().putAll(env);
            Process process = builder.start();
            boolean exited;
            try {
                exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                destroyTree(process);
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + command, e);
            }
            String output = Files.readString(out, StandardCharsets.UTF_8);
            if (!exited) {
                destroyTree(process);
                throw new IOException("timed out after " + timeout + ": " + command + "\n" + output);
            }
            if (process.exitValue() != 0) {
                throw new IOException("exit " + process.exitValue() + ": " + command + "\n" + output);
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * Starts {@code command} in {@code dir} with {@code env} added, stdout and stderr both going to
     * {@code output} (a long-running server; see {@link #run} for a command that ends).
     */
    static Process start(List<String> command, Path dir, Map<String, String> env, Path output) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    /** SIGKILL to {@code process} and whatever it started (a shell script's children outlive it otherwise). */
    static void destroyTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    /** {@code command}, prefixed to run as {@code user} when this JVM runs as root. */
    static List<String> asUser(String user, List<String> command) {
        if (!isRoot()) {
            return command;
        }
        List<String> full = new ArrayList<>(List.of(
                "setpriv", "--reuid=" + user, "--regid=" + user, "--init-groups", "--"));
        full.addAll(command);
        return full;
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** The last {@code lines} lines of a text file, or a note saying why there are none. */
    static String tail(Path file, int lines) {
        try {
            // Lenient decoding: a log may hold anything, a tail must never throw.
            List<String> all = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no " + file + ": " + e + ")";
        }
    }
}
