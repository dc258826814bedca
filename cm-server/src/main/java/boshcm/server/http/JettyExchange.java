package boshcm.server.http;

import boshcm.protocol.session.ExchangeId;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link Exchange} over a Jetty core request: the request was read and the handler returned
 * {@code true}, so Jetty holds the connection without a thread until {@link #respond} writes the
 * answer (from any thread; {@code Response.write} never blocks) or the exchange goes away.
 *
 * <p>Exactly one of these ends it: a response, the client's connection failing (Jetty's failure
 * listener), or the backstop timer. The common response headers (CORS, no-cache) are put on the
 * response before the exchange is handed out; after that only {@link #respond} touches it.
 */
final class JettyExchange implements Exchange {

    private static final Logger LOG = LoggerFactory.getLogger(JettyExchange.class);
    private static final byte[] EMPTY_BODY =
            "<body xmlns='http://jabber.org/protocol/httpbind'/>".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final ExchangeId id;
    private final Response response;
    private final Callback callback;
    private final ClientPeer peer;
    private final Optional<String> origin;
    private final HttpMetrics metrics;
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicReference<Runnable> goneCallback = new AtomicReference<>();
    private volatile boolean gone;
    private volatile Scheduler.Task backstop;
    private volatile DisconnectWatch disconnectWatch;
    private volatile EndPoint endPoint;

    JettyExchange(ExchangeId id, Response response, Callback callback, ClientPeer peer, Optional<String> origin,
                  HttpMetrics metrics) {
        this.id = id;
        this.response = response;
        this.callback = callback;
        this.peer = peer;
        this.origin = origin;
        this.metrics = metrics;
        metrics.exchangeOpened();
    }

    /**
     * Starts watching for the client going away and arms the backstop. Call once, before handing the
     * exchange out; {@code bodyRead} false keeps the HTTP/1 disconnect watch off (see {@link DisconnectWatch}).
     */
    void watch(Request request, Scheduler scheduler, Duration backstopAfter, boolean bodyRead) {
        this.endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        request.addFailureListener(failure -> gone(HttpMetrics.GoneReason.CLIENT_CLOSED, failure));
        if (bodyRead) {
            disconnectWatch = DisconnectWatch.start(request, () -> gone(HttpMetrics.GoneReason.CLIENT_CLOSED,
                    new EofException("client closed the connection")));
        }
        backstop = scheduler.schedule(() -> gone(HttpMetrics.GoneReason.BACKSTOP, null), backstopAfter);
    }

    @Override
    public ExchangeId id() {
        return id;
    }

    @Override
    public boolean respond(int status, String contentType, byte[] body) {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        cancelBackstop();
        metrics.exchangeClosed();
        metrics.sent(body.length);
        DisconnectWatch watch = disconnectWatch;
        if (watch != null && watch.disarm()) {
            response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
        try {
            Responses.send(response, callback, status, contentType, body);
        } catch (RuntimeException e) {
            // The response can refuse headers if Jetty already failed the request concurrently.
            LOG.debug("exchange {}: response could not be written", id.value(), e);
            callback.failed(e);
        }
        return true;
    }

    /** Closes the client's connection without a response (B-19.1-2); the session is not told it is gone. */
    @Override
    public boolean abort() {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        cancelBackstop();
        DisconnectWatch watch = disconnectWatch;
        if (watch != null) {
            watch.disarm();
        }
        metrics.exchangeClosed();
        EofException reason = new EofException("connection closed by the connection manager");
        EndPoint ep = endPoint;
        if (ep != null) {
            ep.close(reason);
        }
        callback.failed(reason);
        return true;
    }

    @Override
    public void onGone(Runnable callback) {
        if (!goneCallback.compareAndSet(null, callback)) {
            throw new IllegalStateException("onGone already set for exchange " + id.value());
        }
        if (gone) {
            fireGone();
        }
    }

    @Override
    public boolean secure() {
        return peer.secure();
    }

    @Override
    public String clientAddress() {
        return peer.address();
    }

    @Override
    public Optional<String> origin() {
        return origin;
    }

    private void gone(HttpMetrics.GoneReason reason, Throwable cause) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        cancelBackstop();
        DisconnectWatch watch = disconnectWatch;
        boolean closeAfter = watch != null && watch.disarm();
        metrics.exchangeClosed();
        metrics.gone(reason);
        LOG.debug("exchange {} gone: {}", id.value(), reason);
        gone = true;
        fireGone();
        if (reason == HttpMetrics.GoneReason.BACKSTOP) {
            // The client may still be there: end the request with an empty body, as a wait expiry
            // would (never an HTTP error: B-17.1-1). The session no longer counts this exchange.
            if (closeAfter) {
                response.getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
            }
            metrics.sent(EMPTY_BODY.length);
            Responses.send(response, callback, 200, TerminateBody.CONTENT_TYPE, EMPTY_BODY.clone());
        } else {
            // The connection is gone; Jetty just releases the request.
            callback.failed(cause);
        }
    }

    private void fireGone() {
        Runnable r = goneCallback.get();
        if (r != null && r != NOOP && goneCallback.compareAndSet(r, NOOP)) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.error("exchange {}: onGone callback failed", id.value(), e);
            }
        }
    }

    private static final Runnable NOOP = () -> {};

    private void cancelBackstop() {
        Scheduler.Task task = backstop;
        if (task != null) {
            task.cancel();
        }
    }
}
