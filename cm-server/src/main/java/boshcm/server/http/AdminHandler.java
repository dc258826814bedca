package boshcm.server.http;

import boshcm.server.config.MetricsConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin listener's routes, {@code GET} only: the Prometheus scrape ({@code /metrics}), liveness
 * ({@code /health}: {@code 200 ok} while the process runs) and readiness ({@code /ready}: {@code 200
 * ready} while new sessions are accepted, {@code 503 starting} or {@code 503 draining} otherwise).
 * Another method on one of these paths gets 405 with {@code Allow: GET}; any other path an empty 404.
 * None of these paths exists on the BOSH listener.
 */
final class AdminHandler extends Handler.Abstract.NonBlocking {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final byte[] OK = "ok\n".getBytes(StandardCharsets.UTF_8);

    private final MetricsConfig paths;
    private final PrometheusMeterRegistry registry;
    private final Supplier<Readiness> readiness;

    AdminHandler(MetricsConfig paths, PrometheusMeterRegistry registry, Supplier<Readiness> readiness) {
        this.paths = paths;
        this.registry = registry;
        this.readiness = readiness;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        Responses.noCache(response.getHeaders());
        boolean metrics = paths.enabled() && path.equals(paths.path());
        boolean health = paths.healthEnabled() && path.equals(paths.healthPath());
        boolean ready = paths.readyEnabled() && path.equals(paths.readyPath());
        if (!metrics && !health && !ready) {
            Responses.empty(response, callback, 404);
        } else if (!request.getMethod().equals("GET")) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET");
            Responses.empty(response, callback, 405);
        } else if (metrics) {
            Responses.send(response, callback, 200, PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8));
        } else if (health) {
            Responses.send(response, callback, 200, Responses.PLAIN_TEXT, OK.clone());
        } else {
            Readiness now = readiness.get();
            Responses.send(response, callback, now.httpStatus(), Responses.PLAIN_TEXT,
                    (now.word() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return true;
    }
}
