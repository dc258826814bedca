package boshcm.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.server.config.CmConfig;
import boshcm.server.config.ConfigLoader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.eclipse.jetty.server.LocalConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin listener's routes through a Jetty {@link LocalConnector}: {@code /metrics} (Prometheus),
 * {@code /health} (liveness: 200 in every state) and {@code /ready} (200 only while new sessions are
 * accepted), {@code GET} only, no-cache headers, nothing else served.
 */
class AdminHttpServerTest {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<Readiness> readiness = new AtomicReference<>(Readiness.STARTING);
    private AdminHttpServer server;
    private LocalConnector local;

    private void start(String... flags) throws Exception {
        CmConfig config = ConfigLoader.load(Stream.concat(Stream.of("--admin-port", "0"), Stream.of(flags))
                .toArray(String[]::new), Map.of());
        server = new AdminHttpServer(config.admin(), config.metrics(), registry, readiness::get);
        local = server.addLocalConnector();
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    private RawResponse get(String path) throws Exception {
        return send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    private RawResponse send(String raw) throws Exception {
        ByteBuffer response = local.getResponse(ByteBuffer.wrap(raw.getBytes(StandardCharsets.ISO_8859_1)), false, 5, TimeUnit.SECONDS);
        assertThat(response).as("a response within 5 s").isNotNull();
        return RawResponse.parse(response);
    }

    @Test
    void metricsAreTheRegistrysPrometheusScrape() throws Exception {
        start();
        registry.counter("bosh.test.scraped").increment();
        RawResponse r = get("/metrics");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(r.text()).contains("bosh_test_scraped_total 1.0");
    }

    @Test
    void healthIsOkInEveryStateReadinessOnlyWhileReady() throws Exception {
        start();
        for (Readiness state : Readiness.values()) {
            readiness.set(state);
            RawResponse health = get("/health");
            assertThat(health.status()).as("health while %s", state).isEqualTo(200);
            assertThat(health.text()).isEqualTo("ok\n");
            RawResponse ready = get("/ready");
            assertThat(ready.status()).as("ready while %s", state).isEqualTo(state == Readiness.READY ? 200 : 503);
            assertThat(ready.text()).isEqualTo(state.word() + "\n");
            assertThat(ready.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
        }
    }

    @Test
    void everyAnswerHasNoCacheHeadersAndContentLength() throws Exception {
        start();
        for (String path : new String[] {"/metrics", "/health", "/ready", "/elsewhere", "/http-bind"}) {
            RawResponse r = get(path);
            assertThat(r.header("Cache-Control")).as(path).isEqualTo("no-store");
            assertThat(r.header("X-Content-Type-Options")).as(path).isEqualTo("nosniff");
            assertThat(r.header("Content-Length")).as(path).isEqualTo(String.valueOf(r.body().length));
        }
    }

    @Test
    void onlyGetOnTheThreePathsEverythingElseIs404Or405() throws Exception {
        start();
        assertThat(get("/http-bind").status()).as("BOSH is not served here").isEqualTo(404);
        assertThat(get("/").status()).isEqualTo(404);
        for (String method : new String[] {"POST", "PUT", "DELETE"}) {
            RawResponse r = send(method + " /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertThat(r.status()).as(method).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET");
        }
        RawResponse malformed = send("BLAH\r\n\r\n");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.text()).doesNotContainIgnoringCase("<html");
    }

    @Test
    void pathsCanBeMovedOrSwitchedOff() throws Exception {
        start("--metrics-path", "/internal/metrics", "--metrics-health-path", "", "--metrics-ready-path", "/readyz");
        readiness.set(Readiness.READY);
        assertThat(get("/internal/metrics").status()).isEqualTo(200);
        assertThat(get("/readyz").status()).isEqualTo(200);
        assertThat(get("/metrics").status()).isEqualTo(404);
        assertThat(get("/health").status()).isEqualTo(404);
        assertThat(get("/ready").status()).isEqualTo(404);
    }

    @Test
    void listensOnTheConfiguredAddressAndAnEphemeralPort() throws Exception {
        start();
        assertThat(server.port()).isPositive();
        assertThat(server.uri().toString()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
    }

    @Test
    void aDisabledListenerCannotBeBuilt() {
        CmConfig off = ConfigLoader.load(new String[] {"--admin-port", "-1"}, Map.of());
        assertThat(off.admin().enabled()).isFalse();
        assertThatThrownBy(() -> new AdminHttpServer(off.admin(), off.metrics(), registry, readiness::get))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
