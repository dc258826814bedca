package boshcm.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.server.config.ConfigProblems;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line: --help, configuration errors, and a node that starts, answers and stops. */
class MainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private Main.Launch launch(Map<String, String> env, String... args) {
        return Main.launch(args, env, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void helpPrintsEveryOptionAndExitsZero() {
        Main.Launch l = launch(Map.of(), "--help");
        assertThat(l.exitCode()).isZero();
        assertThat(l.running()).isNull();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--http-port N").contains("BOSHCM_HTTP_PORT").contains("default 5280");
    }

    @Test
    void badConfigurationPrintsEveryProblemAndExitsTwo() {
        Main.Launch l = launch(Map.of("BOSHCM_HTTP_PORT", "x"), "--upstream-tls", "nope", "--bogus");
        assertThat(l.exitCode()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("3 problems").contains("BOSHCM_HTTP_PORT").contains("upstream.tls").contains("--bogus");
    }

    @Test
    void startThrowsConfigProblemsForBadFlags() {
        assertThatThrownBy(() -> Main.start("--http-port", "70000")).isInstanceOf(ConfigProblems.class)
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http.port");
    }

    @Test
    void startedNodeServesBoshAndMetricsUntilClosed() throws Exception {
        URI uri;
        // Nothing listens on 127.0.0.1:1: the session fails upstream at once (checklist U-1).
        try (RunningCm cm = Main.start("--http-port", "0", "--http-stop-timeout", "100ms",
                "--upstream", "127.0.0.1:1", "--upstream-tls", "disabled")) {
            uri = cm.boshUri();
            assertThat(cm.httpPort()).isPositive();
            assertThat(uri.toString()).isEqualTo("http://127.0.0.1:" + cm.httpPort() + "/http-bind");
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString("<body rid='1' to='example.com' xmlns='http://jabber.org/protocol/httpbind'/>"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='remote-connection-failed'/>");
            HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(uri.resolve("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("bosh_http_requests_total").contains("jvm_memory_used_bytes");
        }
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(java.io.IOException.class);
    }

    @Test
    void launchStartsANodeThatCanBeClosedTwice() {
        Main.Launch l = launch(Map.of(), "--http-port", "0", "--http-stop-timeout", "100ms");
        assertThat(l.exitCode()).isZero();
        assertThat(l.running()).isNotNull();
        l.running().close();
        l.running().close();
    }
}
