package boshcm.server.http;

import boshcm.server.config.CorsConfig;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Adds CORS response headers (checklist H-1, H-2): {@code Access-Control-Allow-Origin} on every
 * response to an allowed {@code Origin}, plus the preflight headers on {@code OPTIONS}. The origin
 * is echoed (with {@code Vary: Origin}) unless any origin is allowed without credentials, in which
 * case the answer is {@code *}. A disallowed origin gets no CORS header at all, so the browser
 * blocks the response.
 */
final class CorsPolicy {

    static final String ALLOWED_METHODS = "POST, OPTIONS, GET";
    static final String MAX_AGE = "86400";
    private static final int MAX_REQUESTED_HEADERS_LENGTH = 512;

    private final CorsConfig config;

    CorsPolicy(CorsConfig config) {
        this.config = config;
    }

    /** Adds ACAO (and credentials, Vary) when the request's Origin is allowed; returns whether it was. */
    boolean apply(HttpFields request, HttpFields.Mutable response) {
        String origin = request.get(HttpHeader.ORIGIN);
        if (origin == null || !config.allows(origin)) {
            return false;
        }
        if (config.anyOrigin() && !config.allowCredentials()) {
            response.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        } else {
            response.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            response.add(HttpHeader.VARY, "Origin");
            if (config.allowCredentials()) {
                response.put(HttpHeader.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            }
        }
        return true;
    }

    /** The extra headers of a preflight answer, when the origin is allowed; {@link #apply} has already run. */
    void preflightExtras(HttpFields request, HttpFields.Mutable response) {
        String origin = request.get(HttpHeader.ORIGIN);
        if (origin == null || !config.allows(origin)) {
            return;
        }
        response.put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
        String requested = request.get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
        if (requested != null && reasonable(requested)) {
            response.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, requested.trim());
            response.add(HttpHeader.VARY, "Access-Control-Request-Headers");
        } else {
            response.put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type");
        }
        response.put(HttpHeader.ACCESS_CONTROL_MAX_AGE, MAX_AGE);
    }

    /** A short comma-separated list of header-name tokens (RFC 9110 §5.6.2). */
    static boolean reasonable(String requested) {
        String s = requested.trim();
        if (s.isEmpty() || s.length() > MAX_REQUESTED_HEADERS_LENGTH) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean token = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!token && c != ',' && c != ' ') {
                return false;
            }
        }
        return true;
    }
}
