package boshcm.server.http;

import boshcm.server.config.AdminConfig;
import boshcm.server.config.MetricsConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: a Jetty server of its own, apart from {@link BoshHttpServer}, serving
 * {@link AdminHandler}'s metrics, health and readiness paths over HTTP/1.1 on {@code admin.address}
 * (loopback by default) and {@code admin.port}. Its own small thread pool keeps probes and scrapes
 * answered however busy the BOSH side is. It starts before the BOSH listener and stops after it, so
 * that liveness holds and metrics can be scraped for the whole of a drain.
 */
public final class AdminHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminHttpServer.class);
    private static final int MAX_THREADS = 8;
    private static final long IDLE_TIMEOUT_MS = 30_000;
    /**
     * No graceful wait: the listener stops last, after the sessions and the BOSH listener, and a
     * graceful stop would wait for idle keep-alive connections of probes and scrapers.
     */
    private static final long STOP_TIMEOUT_MS = 0;

    private final AdminConfig admin;
    private final Server server;
    private final ServerConnector connector;
    private final HttpConfiguration httpConfiguration;

    public AdminHttpServer(AdminConfig admin, MetricsConfig paths, PrometheusMeterRegistry registry,
                           Supplier<Readiness> readiness) {
        if (!admin.enabled()) {
            throw new IllegalArgumentException("admin.port = -1: there is no admin listener to build");
        }
        this.admin = admin;
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 2);
        threads.setName("admin");
        this.server = new Server(threads);
        httpConfiguration = new HttpConfiguration();
        httpConfiguration.setSendServerVersion(false);
        httpConfiguration.setSendXPoweredBy(false);
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(httpConfiguration));
        connector.setHost(admin.address());
        connector.setPort(admin.port());
        connector.setIdleTimeout(IDLE_TIMEOUT_MS);
        server.addConnector(connector);
        server.setHandler(new AdminHandler(paths, registry, readiness));
        server.setErrorHandler(new EmptyErrors());
        server.setStopTimeout(STOP_TIMEOUT_MS);
    }

    /** An in-memory connector for tests; call before {@link #start()}. */
    public LocalConnector addLocalConnector() {
        LocalConnector local = new LocalConnector(server, new HttpConnectionFactory(httpConfiguration));
        server.addConnector(local);
        return local;
    }

    public void start() throws Exception {
        server.start();
    }

    /** The bound port (meaningful after {@link #start()}, also when configured as 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Like {@code http://127.0.0.1:5290/}; a wildcard address is shown as loopback. */
    public URI uri() {
        String host = ListenAddress.uriHost(admin.address());
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /** Stops at once; a scrape in flight at that moment is cut. Never throws. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.info("admin HTTP server stopped ({})", e.toString());
            LOG.debug("admin HTTP server stop", e);
        }
    }

    /** Container-level errors (a malformed request) get an empty body, never an HTML page. */
    private static final class EmptyErrors implements Request.Handler {
        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            int code = response.getStatus() < 400 ? 500 : response.getStatus();
            if (request.getAttribute(org.eclipse.jetty.server.handler.ErrorHandler.ERROR_EXCEPTION)
                    instanceof org.eclipse.jetty.http.HttpException http) {
                code = http.getCode();
            }
            Responses.noCache(response.getHeaders());
            if (HttpStatus.hasNoBody(code)) {
                response.setStatus(code);
                callback.succeeded();
            } else {
                Responses.empty(response, callback, code);
            }
            return true;
        }
    }
}
