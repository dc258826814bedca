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
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line: --help, configuration errors, and a node that starts, answers, drains and stops. */
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
    void printConfigShowsEveryEffectiveValueWithItsSourceAndMasksSecrets() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.createTempFile("boshcm", ".conf");
        java.nio.file.Files.writeString(file, "session.max-wait = 45s\n");
        Main.Launch l = launch(Map.of("BOSHCM_SM_SERVICE_ACCOUNT_PASSWORD", "s3cret", "BOSHCM_HTTP_PORT", "5299"),
                "--print-config", "--config", file.toString(), "--upstream", "xmpp.example.com:5222",
                "--sm-service-account-authcid", "cm");
        assertThat(l.exitCode()).isZero();
        assertThat(l.running()).isNull();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("upstream.address = \"xmpp.example.com:5222\"   # flag --upstream")
                .contains("http.port = \"5299\"   # environment BOSHCM_HTTP_PORT")
                .contains("session.max-wait = \"45s\"   # file")
                .contains("admin.port = 5290   # default")
                .contains("sm.service-account.password = \"***\"   # environment")
                .doesNotContain("s3cret");
        assertThat(text.lines().filter(line -> !line.startsWith("#")).count()).isEqualTo(boshcm.server.config.Setting.ALL.size());
        java.nio.file.Files.delete(file);

        out.reset();
        Main.Launch bad = launch(Map.of(), "--print-config", "--http-port", "x");
        assertThat(bad.exitCode()).as("what is printed is what would run: bad values are refused").isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("http.port");
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
    void startedNodeServesBoshAndItsAdminListenerServesMetricsUntilClosed() throws Exception {
        URI uri;
        URI admin;
        // Nothing listens on 127.0.0.1:1: the session fails upstream at once (checklist U-1).
        try (RunningCm cm = Main.start("--http-port", "0", "--admin-port", "0", "--http-stop-timeout", "100ms",
                "--upstream", "127.0.0.1:1", "--upstream-tls", "disabled")) {
            uri = cm.boshUri();
            admin = cm.adminUri().orElseThrow();
            assertThat(cm.httpPort()).isPositive();
            assertThat(cm.adminPort()).isPositive().isNotEqualTo(cm.httpPort());
            assertThat(uri.toString()).isEqualTo("http://127.0.0.1:" + cm.httpPort() + "/http-bind");
            assertThat(admin.toString()).isEqualTo("http://127.0.0.1:" + cm.adminPort() + "/");
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri)
                    .POST(HttpRequest.BodyPublishers.ofString("<body rid='1' to='example.com' xmlns='http://jabber.org/protocol/httpbind'/>"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='remote-connection-failed'/>");
            HttpResponse<String> metrics = get(admin.resolve("/metrics"));
            assertThat(metrics.body()).contains("bosh_http_requests_total").contains("jvm_memory_used_bytes");
            assertThat(get(admin.resolve("/ready")).statusCode()).isEqualTo(200);
            assertThat(get(uri.resolve("/metrics")).statusCode()).as("not on the BOSH port").isEqualTo(404);
        }
        for (URI gone : new URI[] {uri, admin.resolve("/health")}) {
            assertThatThrownBy(() -> get(gone)).isInstanceOf(java.io.IOException.class);
        }
    }

    /**
     * SIGTERM's drain, as the shutdown hook runs it: readiness turns 503 at once while liveness stays
     * 200, a creation is refused with system-shutdown (B-17.2-5) and counted, and with no session open
     * the drain ends without waiting for drain.timeout (an hour here).
     */
    @Test
    void drainRefusesCreationsTurnsReadinessAndEndsAtOnceWhenNoSessionIsOpen() throws Exception {
        RunningCm cm = Main.start("--http-port", "0", "--admin-port", "0", "--http-stop-timeout", "100ms",
                "--drain-timeout", "1h", "--upstream", "127.0.0.1:1", "--upstream-tls", "disabled");
        try {
            URI admin = cm.adminUri().orElseThrow();
            cm.beginDrain();
            HttpResponse<String> ready = get(admin.resolve("/ready"));
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).isEqualTo("draining\n");
            assertThat(get(admin.resolve("/health")).statusCode()).isEqualTo(200);
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(cm.boshUri())
                    .POST(HttpRequest.BodyPublishers.ofString("<body rid='1' to='example.com' ver='1.11' xmlns='http://jabber.org/protocol/httpbind'/>"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.body()).isEqualTo("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='system-shutdown'/>");
            assertThat(get(admin.resolve("/metrics")).body()).contains("bosh_sessions_refused_total{reason=\"draining\"} 1.0");
            long started = System.nanoTime();
            cm.drain();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
            assertThatThrownBy(() -> get(admin.resolve("/health"))).isInstanceOf(java.io.IOException.class);
        } finally {
            cm.close();
        }
    }

    /** With drain.successor-uri, a creation during the drain is sent there: see-other-uri with a {@code <uri/>} (B-17.2-3). */
    @Test
    void drainWithASuccessorRefusesCreationsWithSeeOtherUri() throws Exception {
        try (RunningCm cm = Main.start("--http-port", "0", "--admin-port", "0", "--http-stop-timeout", "100ms",
                "--drain-successor-uri", "https://chat.example.com/http-bind")) {
            cm.beginDrain();
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(cm.boshUri())
                    .POST(HttpRequest.BodyPublishers.ofString("<body rid='1' to='example.com' ver='1.11' xmlns='http://jabber.org/protocol/httpbind'/>"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(200);
            assertThat(refused.body()).isEqualTo("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate'"
                    + " condition='see-other-uri'><uri>https://chat.example.com/http-bind</uri></body>");
        }
    }

    @Test
    void adminPortMinusOneRunsWithoutAnAdminListener() throws Exception {
        try (RunningCm cm = Main.start("--http-port", "0", "--admin-port", "-1", "--http-stop-timeout", "100ms")) {
            assertThat(cm.adminPort()).isEqualTo(-1);
            assertThat(cm.adminUri()).isEmpty();
            assertThat(get(cm.boshUri().resolve("/health")).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void launchStartsANodeThatCanBeClosedTwice() {
        Main.Launch l = launch(Map.of(), "--http-port", "0", "--admin-port", "0", "--http-stop-timeout", "100ms");
        assertThat(l.exitCode()).isZero();
        assertThat(l.running()).isNotNull();
        l.running().close();
        l.running().close();
        l.running().drain();                       // after close: returns at once
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(URI uri) throws Exception {
        return client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
