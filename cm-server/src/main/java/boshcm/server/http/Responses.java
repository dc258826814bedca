package boshcm.server.http;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Writes complete responses: always with {@code Content-Length}, so never chunked (B-5-3), and
 * always with the no-cache headers (H-3). Non-blocking; callable from any thread.
 */
final class Responses {

    static final String PLAIN_TEXT = "text/plain; charset=utf-8";

    private Responses() {}

    /** {@code Cache-Control: no-store}, {@code Pragma: no-cache}, {@code X-Content-Type-Options: nosniff}. */
    static void noCache(HttpFields.Mutable headers) {
        headers.put(HttpHeader.CACHE_CONTROL, "no-store");
        headers.put(HttpHeader.PRAGMA, "no-cache");
        headers.put("X-Content-Type-Options", "nosniff");
    }

    /** Sends {@code body} as the whole response; {@code contentType} null for an empty body. */
    static void send(Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        HttpFields.Mutable headers = response.getHeaders();
        if (contentType != null) {
            headers.put(HttpHeader.CONTENT_TYPE, contentType);
        } else {
            headers.remove(HttpHeader.CONTENT_TYPE);
        }
        headers.put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    static void empty(Response response, Callback callback, int status) {
        send(response, callback, status, null, new byte[0]);
    }
}
