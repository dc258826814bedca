package boshcm.server.http;

import boshcm.protocol.error.Condition;
import boshcm.server.metrics.LimitHits;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's error handler, replaced so that container-level errors (a malformed request line,
 * broken chunking, a handler failure) never produce an HTML page (checklist H-7, converse.js #865):
 * a 400 carries {@code <body type='terminate' condition='bad-request' …/>}, anything else an empty
 * body; both with {@code Content-Length} and the common headers (H-2, H-3).
 */
final class BoshErrorHandler implements org.eclipse.jetty.server.Request.Handler {

    private final CommonHeaders headers;
    private final HttpMetrics metrics;

    BoshErrorHandler(CommonHeaders headers, HttpMetrics metrics) {
        this.headers = headers;
        this.metrics = metrics;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int code = response.getStatus();
        if (request.getAttribute(ErrorHandler.ERROR_EXCEPTION) instanceof HttpException http) {
            code = http.getCode();
        }
        if (code < 400) {
            code = 500;
        }
        if (code == HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE_431) {
            metrics.limitHit(LimitHits.Node.HEADER_SIZE);      // http.max-header-bytes (S-7)
        }
        headers.apply(request, response);
        if (HttpStatus.hasNoBody(code)) {
            response.setStatus(code);
            callback.succeeded();
        } else if (code == 400) {
            Responses.send(response, callback, code, TerminateBody.CONTENT_TYPE, TerminateBody.of(Condition.BAD_REQUEST));
        } else {
            Responses.empty(response, callback, code);
        }
        return true;
    }
}
