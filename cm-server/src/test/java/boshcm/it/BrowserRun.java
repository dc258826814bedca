package boshcm.it;

import static org.assertj.core.api.Assertions.assertThat;

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
 * One run of {@code src/test/js/run-client.mjs}: a browser XMPP client (strophe.js, converse.js or
 * Stanza) in headless Debian Chromium driven by playwright-core, its page served from another origin
 * than the BOSH endpoint. The node process prints a JSON report and a last {@code SUMMARY} line;
 * {@link #summary()} parses the latter.
 *
 * <p>Needs {@code node} and {@code npm ci} in {@code src/test/js}; {@code scripts/test.sh} does both.
 */
record BrowserRun(int exitCode, String stdout, String stderr) {

    static final Path JS_DIR = Path.of("src/test/js").toAbsolutePath();
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(150);
    // A string value unrolled ([^"\\]*+ between escapes): an alternation under * recurses per
    // character in java.util.regex and overflows the stack on the stream mode's long fields.
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\":(\"([^\"\\\\]*+(?:\\\\.[^\"\\\\]*+)*+)\"|[^,}]+)");

    /** Fails with a hint when {@code npm ci} has not installed {@code packages}. */
    static void assertInstalled(String... packages) {
        assertThat(JS_DIR.resolve("node_modules/playwright-core")).as("run `npm ci` in " + JS_DIR).isDirectory();
        for (String name : packages) {
            assertThat(JS_DIR.resolve("node_modules").resolve(name)).as("run `npm ci` in " + JS_DIR).isDirectory();
        }
    }

    /**
     * Runs the scenario described by {@code config} (see run-client.mjs) and waits for it, bounded.
     * {@code -Dbrowser.debug=true} adds {@code "debug": true}: the clients log every BOSH body to the
     * browser console, which the report carries.
     */
    static BrowserRun run(Map<String, Object> config) throws IOException, InterruptedException {
        if (Boolean.getBoolean("browser.debug")) {
            config = new LinkedHashMap<>(config);
            config.put("debug", true);
        }
        Path out = Files.createTempFile("browser-it", ".out");
        Path err = Files.createTempFile("browser-it", ".err");
        try {
            Process node = new ProcessBuilder("node", "run-client.mjs", json(config))
                    .directory(JS_DIR.toFile())
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!node.waitFor(NODE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                node.descendants().forEach(ProcessHandle::destroyForcibly);
                node.destroyForcibly();
                node.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("node did not finish within " + NODE_TIMEOUT + "\n"
                        + new BrowserRun(-1, read(out), read(err)).describe());
            }
            return new BrowserRun(node.exitValue(), read(out), read(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** {@link #run} on another thread, for tests that act while the browser runs. */
    static java.util.concurrent.CompletableFuture<BrowserRun> start(Map<String, Object> config) {
        java.util.concurrent.CompletableFuture<BrowserRun> result = new java.util.concurrent.CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(run(config));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, "browser-run");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** The fields of the last {@code SUMMARY} line (strings; numbers and booleans as written). */
    Map<String, String> summary() {
        String line = stdout.lines().filter(l -> l.startsWith("SUMMARY ")).reduce((a, b) -> b).orElse("SUMMARY {}");
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(line.substring(line.indexOf('{')));
        while (m.find()) {
            fields.put(m.group(1), m.group(3) != null ? m.group(3) : m.group(2).trim());
        }
        return fields;
    }

    /**
     * The summary of a run that ended well ({@code "ok":true}) after exactly {@code steps} (comma
     * separated, in order); a failure carries {@link #describe()}.
     */
    Map<String, String> assertSucceeded(String steps) {
        Map<String, String> summary = summary();
        assertThat(summary.get("ok")).as(describe()).isEqualTo("true");
        assertThat(summary.get("steps")).as(describe()).isEqualTo(steps);
        return summary;
    }

    /** A bounded wait on the Java side, whose failure message carries the browser's report. */
    <T> T await(String what, Wait<T> wait) throws InterruptedException {
        try {
            return wait.get();
        } catch (AssertionError e) {
            throw new AssertionError(what + ": " + e.getMessage() + "\n" + describe(), e);
        }
    }

    interface Wait<T> {
        T get() throws InterruptedException;
    }

    String describe() {
        return "node exited " + exitCode + "\n--- stdout (report; browser console in \"console\")\n" + stdout
                + "\n--- stderr\n" + stderr;
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    /** A flat JSON object; values are strings, numbers or booleans. */
    static String json(Map<String, Object> fields) {
        StringBuilder out = new StringBuilder("{");
        fields.forEach((key, value) -> {
            if (out.length() > 1) out.append(',');
            out.append('"').append(key).append("\":");
            if (value instanceof Number || value instanceof Boolean) out.append(value);
            else out.append('"').append(value.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        });
        return out.append('}').toString();
    }
}
