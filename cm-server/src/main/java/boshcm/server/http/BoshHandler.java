package boshcm.server.http;

import boshcm.protocol.body.ParseOutcome;
import boshcm.protocol.error.Condition;
import boshcm.protocol.session.ExchangeId;
import boshcm.server.config.CmConfig;
import boshcm.server.config.HttpConfig;
import boshcm.server.logging.SessionMdc;
import boshcm.server.metrics.LimitHits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BOSH endpoint, like {@code POST /http-bind} with
 * {@code <body rid='1' to='example.com' xmlns='http://jabber.org/protocol/httpbind' …/>}: reads the
 * body without blocking and within the size limit, decodes gzip, parses it and hands it to the
 * {@link BoshEndpoint} with an {@link Exchange} to answer later. Also answers CORS preflights
 * (H-1), a small info page on {@code GET} (B-A-1) and 405 for anything else (H-6).
 *
 * <p>Request {@code Content-Type} is ignored (B-5-5): browsers may be forced to send
 * {@code text/plain} or a form type.
 *
 * <p>Once a body names a sid, its redacted form is in the MDC ({@link SessionMdc}) while this thread
 * logs the body (TRACE, {@code boshcm.wire}) and hands it over, and is removed before the thread goes
 * back to Jetty's pool.
 */
public final class BoshHandler extends Handler.Abstract.NonBlocking {

    static final String ALLOW = "POST, OPTIONS, GET";
    private static final Logger LOG = LoggerFactory.getLogger(BoshHandler.class);
    /** Request bodies at TRACE, with the upstream traffic (docs/configuration.md: payload logging). */
    private static final Logger WIRE = LoggerFactory.getLogger("boshcm.wire");
    private static final byte[] INFO = ("boshcm: XMPP over BOSH (XEP-0124, XEP-0206).\n"
            + "POST <body xmlns='http://jabber.org/protocol/httpbind'/> requests to this URL.\n")
            .getBytes(StandardCharsets.UTF_8);

    private final HttpConfig http;
    private final CommonHeaders headers;
    private final ContentCoding coding;
    private final RequestParser parser;
    private final BoshEndpoint endpoint;
    private final HttpMetrics metrics;
    private final Scheduler scheduler;
    private final Duration backstop;
    private final AtomicLong exchangeIds = new AtomicLong();

    public BoshHandler(CmConfig config, BoshEndpoint endpoint, RequestParser parser, HttpMetrics metrics,
                       Scheduler scheduler) {
        this.http = config.http();
        this.headers = new CommonHeaders(config.cors());
        this.coding = new ContentCoding(config.session().accept());
        this.parser = parser;
        this.endpoint = endpoint;
        this.metrics = metrics;
        this.scheduler = scheduler;
        this.backstop = config.http().exchangeBackstop();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        headers.apply(request, response);
        String method = request.getMethod();
        switch (method) {
            case "POST" -> post(request, response, callback);
            case "OPTIONS" -> {
                headers.preflight(request, response);
                response.getHeaders().put(HttpHeader.ALLOW, ALLOW);
                metrics.request(method, HttpMetrics.Outcome.PREFLIGHT);
                Responses.empty(response, callback, 200);
            }
            case "GET" -> {
                String query = request.getHttpURI().getQuery();
                if (query != null && !query.isEmpty()) {
                    // XEP-0124 Appendix / XEP-0252 script syntax is not supported (B-A-1).
                    metrics.request(method, HttpMetrics.Outcome.NOT_FOUND);
                    Responses.empty(response, callback, 404);
                } else {
                    metrics.request(method, HttpMetrics.Outcome.INFO);
                    Responses.send(response, callback, 200, Responses.PLAIN_TEXT, INFO.clone());
                }
            }
            default -> {
                metrics.request(method, HttpMetrics.Outcome.METHOD_NOT_ALLOWED);
                response.getHeaders().put(HttpHeader.ALLOW, ALLOW);
                Responses.empty(response, callback, 405);
            }
        }
        return true;
    }

    private void post(Request request, Response response, Callback callback) {
        long declared = request.getLength();
        if (declared > http.maxBodyBytes()) {
            // S-1: refuse on the declared length without reading a byte.
            metrics.tooLarge();
            metrics.request("POST", HttpMetrics.Outcome.TOO_LARGE);
            Responses.empty(response, callback, 413);
            return;
        }
        boolean gunzip;
        try {
            gunzip = coding.needsGunzip(request.getHeaders().get(HttpHeader.CONTENT_ENCODING));
        } catch (ContentCoding.Unsupported e) {
            terminate(response, callback, Condition.BAD_REQUEST, HttpMetrics.Outcome.BAD_ENCODING);
            return;
        }
        BodyReader reader = new BodyReader(request, http.maxBodyBytes(), new BodyReader.Sink() {
            @Override
            public void body(byte[] bytes, int length) {
                onBody(request, response, callback, bytes, length, gunzip);
            }

            @Override
            public void overLimit(byte[] bytes, int length) {
                onOverLimit(request, response, callback, gunzip ? new byte[0] : bytes, gunzip ? 0 : length);
            }

            @Override
            public void failed(Throwable failure) {
                metrics.request("POST", HttpMetrics.Outcome.READ_FAILED);
                LOG.debug("request body read failed", failure);
                callback.failed(failure);
            }
        });
        if (request.getConnectionMetaData().getHttpVersion().getVersion() >= 20) {
            bodyDeadline(reader, callback);
        }
        reader.run();
    }

    /**
     * S-7 under HTTP/2: the body must be in within {@code http.request-timeout} of the request's headers,
     * or the request (the stream, not the connection) fails. HTTP/1 requests have a stricter clock of
     * their own, from their first byte ({@link RequestDeadline}).
     */
    private void bodyDeadline(BodyReader reader, Callback callback) {
        Scheduler.Task task = scheduler.schedule(() -> {
            if (reader.expire()) {
                metrics.limitHit(LimitHits.Node.REQUEST_TIMEOUT);
                metrics.request("POST", HttpMetrics.Outcome.READ_FAILED);
                callback.failed(new java.util.concurrent.TimeoutException("request body not complete within "
                        + http.requestTimeout().toMillis() + " ms"));
            }
        }, http.requestTimeout());
        reader.onFinished(task::cancel);
    }

    private void onBody(Request request, Response response, Callback callback, byte[] bytes, int length, boolean gunzip) {
        if (gunzip && length > 0) {
            try {
                bytes = ContentCoding.gunzip(bytes, length, http.maxBodyBytes());
                length = bytes.length;
            } catch (ContentCoding.TooLarge e) {
                onOverLimit(request, response, callback, new byte[0], 0);
                return;
            } catch (IOException e) {
                terminate(response, callback, Condition.BAD_REQUEST, HttpMetrics.Outcome.BAD_ENCODING);
                return;
            }
        }
        if (length == 0) {
            // H-6: an empty POST is a bad request, answered in BOSH terms.
            terminate(response, callback, Condition.BAD_REQUEST, HttpMetrics.Outcome.EMPTY);
            return;
        }
        metrics.received(length);
        ParseOutcome outcome;
        try {
            outcome = parser.parse(bytes, length);
        } catch (RuntimeException e) {
            traceWire(bytes, length);
            LOG.error("body parser failed", e);
            terminate(response, callback, Condition.INTERNAL_SERVER_ERROR, HttpMetrics.Outcome.INTERNAL_ERROR);
            return;
        }
        Optional<String> sid = outcome instanceof ParseOutcome.Parsed parsed ? parsed.body().sid()
                : outcome instanceof ParseOutcome.Rejected rejected ? rejected.sid() : Optional.empty();
        String outer = SessionMdc.enter(sid.map(SessionMdc::redact).orElse(null));
        try {
            traceWire(bytes, length);
            dispatch(outcome, newExchange(request, response, callback, true));
        } finally {
            SessionMdc.exit(outer);
        }
    }

    /** Request bodies at TRACE on {@code boshcm.wire}, off by default: they carry SASL credentials. */
    private static void traceWire(byte[] bytes, int length) {
        if (WIRE.isTraceEnabled()) {
            WIRE.trace("=> {}", new String(bytes, 0, length, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    private void dispatch(ParseOutcome outcome, JettyExchange exchange) {
        try {
            if (outcome instanceof ParseOutcome.Parsed parsed) {
                metrics.request("POST", HttpMetrics.Outcome.DISPATCHED);
                endpoint.request(parsed.body(), exchange);
            } else if (outcome instanceof ParseOutcome.Rejected rejected) {
                metrics.request("POST", HttpMetrics.Outcome.REJECTED);
                metrics.rejected(rejected.condition());
                LOG.debug("request rejected: {} ({})", rejected.condition().wireName(), rejected.reason());
                endpoint.rejected(rejected, exchange);
            } else {
                throw new AssertionError(outcome);
            }
        } catch (RuntimeException e) {
            LOG.error("BOSH endpoint failed", e);
            exchange.respond(200, TerminateBody.CONTENT_TYPE, TerminateBody.of(Condition.INTERNAL_SERVER_ERROR));
        }
    }

    /** S-1: a body that outgrew the limit while streaming ends its session, if one is named, with policy-violation. */
    private void onOverLimit(Request request, Response response, Callback callback, byte[] head, int length) {
        metrics.request("POST", HttpMetrics.Outcome.OVER_LIMIT);
        metrics.rejected(Condition.POLICY_VIOLATION);
        JettyExchange exchange = newExchange(request, response, callback, false);
        ParseOutcome.Rejected rejected = new ParseOutcome.Rejected(SidSniffer.sniff(head, length),
                Condition.POLICY_VIOLATION, "request body over " + http.maxBodyBytes() + " bytes");
        String outer = SessionMdc.enter(rejected.sid().map(SessionMdc::redact).orElse(null));
        try {
            endpoint.rejected(rejected, exchange);
        } catch (RuntimeException e) {
            LOG.error("BOSH endpoint failed", e);
            exchange.respond(200, TerminateBody.CONTENT_TYPE, TerminateBody.of(Condition.POLICY_VIOLATION));
        } finally {
            SessionMdc.exit(outer);
        }
    }

    /**
     * @param bodyRead whether the whole body was read; only then may the connection be watched for the
     *                 client leaving (the watch must never take bytes of an unread body)
     */
    private JettyExchange newExchange(Request request, Response response, Callback callback, boolean bodyRead) {
        JettyExchange exchange = new JettyExchange(new ExchangeId(exchangeIds.incrementAndGet()), response, callback,
                ClientPeer.of(request, http), Optional.ofNullable(request.getHeaders().get(HttpHeader.ORIGIN)), metrics);
        exchange.watch(request, scheduler, backstop, bodyRead);
        return exchange;
    }

    private void terminate(Response response, Callback callback, Condition condition, HttpMetrics.Outcome outcome) {
        metrics.request("POST", outcome);
        metrics.rejected(condition);
        byte[] body = TerminateBody.of(condition);
        metrics.sent(body.length);
        Responses.send(response, callback, 200, TerminateBody.CONTENT_TYPE, body);
    }
}
