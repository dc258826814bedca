package boshcm.server.http;

import boshcm.server.config.CmConfig;
import boshcm.server.config.HttpConfig;
import boshcm.server.config.HttpTls;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.ssl.KeyStoreScanner;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty server of one node, built from configuration: one connector speaking HTTP/1.1 (and
 * HTTP/1.0) plus, if enabled, cleartext HTTP/2 on the same port, or, with {@code http.tls}, HTTPS
 * with h2 and http/1.1 by ALPN; the BOSH path only (metrics,
 * health and readiness are on {@link AdminHttpServer}); an error handler that never answers with HTML (H-7). Idle timeouts exceed the longest
 * {@code wait} (H-4). {@link #close()} stops gracefully: no new connections, in-flight requests get
 * {@code http.stop-timeout} to finish.
 */
public final class BoshHttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BoshHttpServer.class);

    private static final long POOL_RETAINED = 32L << 20;
    /**
     * Jetty keeps an HTTP/1 connection's read buffer while its request is being handled, so every held
     * long-poll keeps one: 2 KiB instead of 16 KiB (scale run, docs/benchmarks.md). A request's head
     * and body may span several reads; most BOSH requests fit in one.
     */
    private static final int HTTP1_READ_BUFFER = 2048;
    private final HttpConfig http;
    private final Server server;
    private final ServerConnector connector;
    private final HttpConfiguration httpConfiguration;
    private final HttpMetrics metrics;
    private final Scheduler scheduler;

    public BoshHttpServer(CmConfig config, BoshEndpoint endpoint, RequestParser parser, PrometheusMeterRegistry registry) {
        this.http = config.http();
        QueuedThreadPool threads = new BoshThreadPool(http.maxThreads(), Math.min(8, http.maxThreads()));
        threads.setName("jetty");
        // No reserved threads: every handler on this listener is non-blocking, so Jetty's selector
        // threads run them in place (produce-consume) instead of waking a reserved thread for each
        // request. Measured with the load benchmark (docs/benchmarks.md): 15-20 % less CPU per message.
        threads.setReservedThreads(0);
        // jetty_threads_{busy,idle,current,jobs,config_min,config_max}: the pool that reads and answers BOSH.
        new JettyServerThreadPoolMetrics(threads, Tags.empty()).bindTo(registry);
        Scheduler scheduler = new ScheduledExecutorScheduler("jetty-scheduler", true);
        // Network buffers in steps of 1 KiB (Jetty's default step is 4 KiB), and at most 32 MiB of each
        // kind kept idle for reuse (Jetty's default is an eighth of the heap).
        ArrayByteBufferPool buffers = new ArrayByteBufferPool(0, 1024, -1, -1, POOL_RETAINED, POOL_RETAINED);
        this.server = new Server(threads, scheduler, buffers);
        this.metrics = new HttpMetrics(registry);
        metrics.bufferPool(buffers);

        httpConfiguration = new HttpConfiguration();
        httpConfiguration.setSendServerVersion(false);
        httpConfiguration.setSendXPoweredBy(false);
        httpConfiguration.setSendDateHeader(true);
        httpConfiguration.setIdleTimeout(http.idleTimeout().toMillis());
        // No per-connection header field cache: Jetty's default (1024) builds a trie of about 100 KB
        // on every HTTP/1 connection, and a BOSH node keeps one or two connections open per session.
        // Common fields are still shared through Jetty's static cache.
        httpConfiguration.setHeaderCacheSize(0);
        // S-7: a larger request head gets 431 (HTTP/1) or its stream refused (HTTP/2, by the HPACK limit).
        httpConfiguration.setRequestHeaderSize(http.maxHeaderBytes());
        httpConfiguration.setInputBufferSize(HTTP1_READ_BUFFER);
        this.scheduler = scheduler;

        ConnectionFactory[] factories;
        HttpConnectionFactory http11 = http11();
        if (http.tls().isPresent()) {
            factories = tlsFactories(http.tls().get(), http11);
        } else if (http.h2c()) {
            HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(http2Configuration());
            h2c.setStreamIdleTimeout(http.idleTimeout().toMillis());
            factories = new ConnectionFactory[] {http11, h2c};
        } else {
            factories = new ConnectionFactory[] {http11};
        }
        connector = new ServerConnector(server, 1, -1, factories);
        connector.setHost(http.bindAddress());
        connector.setPort(http.port());
        connector.setIdleTimeout(http.idleTimeout().toMillis());
        // The listen backlog. Left at 0, Java asks for 50: a burst of new connections (a login
        // storm after a restart, or 100 logins in flight in the load benchmark) overflows it, the
        // kernel drops the SYNs, and each of those clients waits 1 s for its SYN to be resent.
        connector.setAcceptQueueSize(http.acceptQueue());
        server.addConnector(connector);

        CommonHeaders headers = new CommonHeaders(config.cors());
        BoshHandler bosh = new BoshHandler(config, endpoint, parser, metrics, scheduler);
        GracefulHandler graceful = new GracefulHandler(new CmHandler(config, bosh, metrics));
        // While stopping, idle keep-alive connections get this long before they are closed.
        graceful.setShutdownIdleTimeout(Math.min(1000, http.stopTimeout().toMillis()));
        server.setHandler(graceful);
        server.setErrorHandler(new BoshErrorHandler(headers, metrics));
        server.setStopTimeout(http.stopTimeout().toMillis());
    }

    /** An in-memory connector for tests; call before {@link #start()}. */
    public LocalConnector addLocalConnector() {
        LocalConnector local = new LocalConnector(server, http11());
        local.setIdleTimeout(http.idleTimeout().toMillis());
        server.addConnector(local);
        return local;
    }

    /**
     * The HTTP/2 factories' own copy of the configuration: they set its input buffer size to their
     * frame size (16 KiB), and on a shared configuration that would become the HTTP/1 read buffer too.
     */
    private HttpConfiguration http2Configuration() {
        return new HttpConfiguration(httpConfiguration);
    }

    /** HTTP/1.1 (and 1.0), with the request and keep-alive deadlines of {@link RequestDeadline}. */
    private HttpConnectionFactory http11() {
        HttpConnectionFactory factory = new BoshHttpConnectionFactory(httpConfiguration, scheduler, http.requestTimeout(),
                http.keepAliveTimeout(), metrics);
        return factory;
    }

    /**
     * HTTPS (checklist B-19.1-1): TLS 1.3 and 1.2 only, with Jetty's default exclusion of weak cipher
     * suites; h2 and http/1.1 offered by ALPN. Requests are marked secure, so a session created here
     * refuses plain requests (B-19.1-2). The key store is re-read when its file changes, so a renewed
     * certificate needs no restart.
     */
    private ConnectionFactory[] tlsFactories(HttpTls tls, HttpConnectionFactory http11) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keyStore().toString());
        ssl.setKeyStoreType(tls.type());
        ssl.setKeyStorePassword(tls.password());
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        ssl.setSniRequired(false);
        // Clients may name the node by an address or a name its certificate does not list (a proxy's
        // health check, a load balancer): the certificate is the operator's choice, not checked here.
        httpConfiguration.addCustomizer(new SecureRequestCustomizer(false, false, -1, false));
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(http2Configuration());
        h2.setStreamIdleTimeout(http.idleTimeout().toMillis());
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(h2.getProtocol(), http11.getProtocol());
        alpn.setDefaultProtocol(http11.getProtocol());
        KeyStoreScanner rescan = new KeyStoreScanner(ssl);
        rescan.setScanInterval(60);
        server.addBean(rescan);
        return new ConnectionFactory[] {new SslConnectionFactory(ssl, alpn.getProtocol()), alpn, h2, http11};
    }

    public void start() throws Exception {
        server.start();
    }

    /** The bound port (meaningful after {@link #start()}, also when configured as 0). */
    public int port() {
        return connector.getLocalPort();
    }

    /** Like {@code http://127.0.0.1:5280/http-bind}; a wildcard bind address is shown as loopback. */
    public URI boshUri() {
        String host = ListenAddress.uriHost(http.bindAddress());
        return URI.create((http.tls().isPresent() ? "https://" : "http://") + host + ":" + port() + http.boshPath());
    }

    public HttpMetrics metrics() {
        return metrics;
    }

    /** Stops gracefully; requests still open after {@code http.stop-timeout} are cut. Never throws. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // Jetty stops every component anyway and then reports, e.g., a graceful wait that timed out.
            LOG.info("HTTP server stopped ({})", e.toString());
            LOG.debug("HTTP server stop", e);
        }
    }
}
