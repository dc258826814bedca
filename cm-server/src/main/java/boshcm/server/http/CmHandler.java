package boshcm.server.http;

import boshcm.server.config.CmConfig;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The root of the BOSH listener's handler tree: the BOSH path (with or without a trailing slash) goes
 * to {@link BoshHandler}; everything else is an empty 404 with the common headers. Metrics, health
 * and readiness are not here: they live on the admin listener ({@link AdminHttpServer}), so that
 * they are never reachable from where browsers reach BOSH.
 */
final class CmHandler extends Handler.Abstract.NonBlocking {

    private final String boshPath;
    private final String boshPathSlash;
    private final BoshHandler bosh;
    private final CommonHeaders headers;
    private final HttpMetrics metrics;

    CmHandler(CmConfig config, BoshHandler bosh, HttpMetrics metrics) {
        this.boshPath = config.http().boshPath();
        this.boshPathSlash = boshPath.equals("/") ? "/" : boshPath + "/";
        this.bosh = bosh;
        this.headers = new CommonHeaders(config.cors());
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (path.equals(boshPath) || path.equals(boshPathSlash)) {
            return bosh.handle(request, response, callback);
        }
        headers.apply(request, response);
        metrics.request(request.getMethod(), HttpMetrics.Outcome.NOT_FOUND);
        Responses.empty(response, callback, 404);
        return true;
    }
}
