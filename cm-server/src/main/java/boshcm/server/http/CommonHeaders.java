package boshcm.server.http;

import boshcm.server.config.CorsConfig;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The headers every response carries, errors included: CORS for an allowed origin (H-2) and
 * {@code Cache-Control: no-store}, {@code Pragma: no-cache}, {@code X-Content-Type-Options: nosniff} (H-3).
 */
final class CommonHeaders {

    private final CorsPolicy cors;

    CommonHeaders(CorsConfig config) {
        this.cors = new CorsPolicy(config);
    }

    void apply(Request request, Response response) {
        Responses.noCache(response.getHeaders());
        cors.apply(request.getHeaders(), response.getHeaders());
    }

    /** The preflight extras (H-1); {@link #apply} must have run first. */
    void preflight(Request request, Response response) {
        cors.preflightExtras(request.getHeaders(), response.getHeaders());
    }
}
