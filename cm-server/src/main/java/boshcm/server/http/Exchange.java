package boshcm.server.http;

import boshcm.protocol.session.ExchangeId;
import java.util.Optional;

/**
 * One HTTP request held open for a BOSH response (XEP-0124 §8): answered exactly once, from any
 * thread, without blocking the caller (the write completes asynchronously). The protocol side sees
 * it only as its {@link ExchangeId}.
 */
public interface Exchange {

    ExchangeId id();

    /**
     * Sends the response with {@code Content-Length} (never chunked, B-5-3), the CORS and caching
     * headers, and {@code body} as it is. Returns false if the exchange was already answered or gone.
     */
    boolean respond(int status, String contentType, byte[] body);

    /**
     * Closes the client's connection without any response, as XEP-0124 §19.1 asks for a request that
     * reaches a secure session unencrypted (checklist B-19.1-2): that request is dropped, the session
     * is not terminated, and {@link #onGone} does not fire. Returns false if the exchange was already
     * answered or gone, or if this kind of exchange cannot do it.
     */
    default boolean abort() {
        return false;
    }

    /**
     * Runs {@code callback} (on any thread) if the exchange goes away before it is answered: the client
     * closed the connection, or the backstop timeout fired. At most one callback.
     */
    void onGone(Runnable callback);

    /** True when the request came over TLS (directly or via a trusted proxy's X-Forwarded-Proto). */
    boolean secure();

    /** The client's address (the socket peer, or X-Forwarded-For from a trusted proxy), for per-client limits. */
    String clientAddress();

    /**
     * The request's {@code Origin} header, as sent: what browsers say about the page that made the
     * request, for the per-origin limit. Empty when there is none (most non-browser clients).
     */
    default Optional<String> origin() {
        return Optional.empty();
    }
}
