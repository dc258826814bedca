package boshcm.server.http;

import boshcm.server.config.CmConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The root of the handler tree: the BOSH path (with or without a trailing slash) goes to
 * {@link BoshHandler}; the metrics and health paths are answered here; everything else is an
 * empty 404 with the common headers.
 */
final class CmHandler extends Handler.Abstract.NonBlocking {

    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    private static final byte[] OK = "ok\n".getBytes(StandardCharsets.UTF_8);

    private final String boshPath;
    private final String boshPathSlash;
    private final String metricsPath;
    private final String healthPath;
    private final BoshHandler bosh;
    private final CommonHeaders headers;
    private final PrometheusMeterRegistry registry;
    private final HttpMetrics metrics;

    CmHandler(CmConfig config, BoshHandler bosh, PrometheusMeterRegistry registry, HttpMetrics metrics) {
        this.boshPath = config.http().boshPath();
        this.boshPathSlash = boshPath.equals("/") ? "/" : boshPath + "/";
        this.metricsPath = config.metrics().path();
        this.healthPath = config.metrics().healthPath();
        this.bosh = bosh;
        this.headers = new CommonHeaders(config.cors());
        this.registry = registry;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (path.equals(boshPath) || path.equals(boshPathSlash)) {
            return bosh.handle(request, response, callback);
        }
        headers.apply(request, response);
        String method = request.getMethod();
        boolean metricsHit = !metricsPath.isEmpty() && path.equals(metricsPath);
        boolean healthHit = !healthPath.isEmpty() && path.equals(healthPath);
        if (!metricsHit && !healthHit) {
            metrics.request(method, HttpMetrics.Outcome.NOT_FOUND);
            Responses.empty(response, callback, 404);
        } else if (!method.equals("GET")) {
            metrics.request(method, HttpMetrics.Outcome.METHOD_NOT_ALLOWED);
            response.getHeaders().put(HttpHeader.ALLOW, "GET");
            Responses.empty(response, callback, 405);
        } else if (metricsHit) {
            metrics.request(method, HttpMetrics.Outcome.METRICS);
            Responses.send(response, callback, 200, PROMETHEUS_TEXT, registry.scrape().getBytes(StandardCharsets.UTF_8));
        } else {
            metrics.request(method, HttpMetrics.Outcome.HEALTH);
            Responses.send(response, callback, 200, Responses.PLAIN_TEXT, OK.clone());
        }
        return true;
    }
}
