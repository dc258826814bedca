package boshcm.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code src/test/js/run-strophe.mjs} (strophe.js in headless Chromium via playwright-core) with a
 * flat JSON configuration and returns its report. Used by {@link StropheBoshIT} and
 * {@link BoshResilienceIT}. Needs {@code node} and {@code npm ci} in {@code src/test/js}.
 */
final class StropheRunner {

    static final Path JS_DIR = Path.of("src/test/js").toAbsolutePath();
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(150);
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"((?:[^\"\\\\]|\\\\.)*)\"|[^,}]+)");

    private StropheRunner() {}

    /** Whether {@code npm ci} has been run; tests assert it in {@code @BeforeAll}. */
    static boolean installed() {
        return Files.isDirectory(JS_DIR.resolve("node_modules/playwright-core"))
                && Files.isDirectory(JS_DIR.resolve("node_modules/strophe.js"));
    }

    record NodeRun(int exitCode, String stdout, String stderr) {
        /** The fields of the last {@code SUMMARY {...}} line. */
        Map<String, String> summary() {
            String line = stdout.lines().filter(l -> l.startsWith("SUMMARY ")).reduce((a, b) -> b).orElse("{}");
            Map<String, String> fields = new LinkedHashMap<>();
            Matcher m = FIELD.matcher(line.substring(line.indexOf('{')));
            while (m.find()) {
                fields.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2).trim());
            }
            return fields;
        }

        String describe() {
            return "node exited " + exitCode + "\n--- stdout (report; browser console in \"console\")\n" + stdout
                    + "\n--- stderr\n" + stderr;
        }
    }

    /** {@link #run} on another thread, for tests that act while the browser runs. */
    static java.util.concurrent.CompletableFuture<NodeRun> start(Map<String, Object> config) {
        java.util.concurrent.CompletableFuture<NodeRun> result = new java.util.concurrent.CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(run(config));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "strophe-runner");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** Runs the script with {@code config} (string and number values), within {@link #NODE_TIMEOUT}. */
    static NodeRun run(Map<String, Object> config) throws IOException, InterruptedException {
        Path out = Files.createTempFile("strophe-it", ".out");
        Path err = Files.createTempFile("strophe-it", ".err");
        try {
            Process node = new ProcessBuilder("node", "run-strophe.mjs", json(config))
                    .directory(JS_DIR.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!node.waitFor(NODE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                node.descendants().forEach(ProcessHandle::destroyForcibly);
                node.destroyForcibly();
                node.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("node did not finish within " + NODE_TIMEOUT + "\n"
                        + new NodeRun(-1, read(out), read(err)).describe());
            }
            return new NodeRun(node.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    /** A flat JSON object; values are strings or numbers. */
    private static String json(Map<String, Object> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((key, value) -> {
            if (out.length() > 1) out.append(',');
            out.append('"').append(key).append("\":");
            if (value instanceof Number) out.append(value);
            else out.append('"').append(value.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        });
        return out.append('}').toString();
    }
}
