package boshcm.server;

import boshcm.protocol.body.BodyParser;
import boshcm.server.config.CmConfig;
import boshcm.server.config.ConfigLoader;
import boshcm.server.config.ConfigProblems;
import boshcm.server.http.BoshEndpoint;
import boshcm.server.http.BoshHttpServer;
import boshcm.server.http.RequestParser;
import boshcm.server.logging.LogSetup;
import boshcm.server.metrics.NettyMemoryMetrics;
import boshcm.server.session.SessionRegistry;
import boshcm.server.session.SidGenerator;
import boshcm.server.upstream.NettyUpstreamConnector;
import boshcm.server.upstream.UpstreamMetrics;
import boshcm.server.upstream.UpstreamTransport;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import java.io.PrintStream;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line entry point and composition root (design §3): loads the configuration, builds
 * every component with {@code new}, starts them in order and stops them in reverse. No DI container.
 *
 * <p>Exit codes: 0 after {@code --help}, 2 for bad configuration (every problem printed), 1 when
 * the node cannot start (for example, the port is taken).
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {}

    public static void main(String[] args) {
        Launch launch = launch(args, System.getenv(), System.out, System.err);
        if (launch.running() == null) {
            System.exit(launch.exitCode());
        }
        RunningCm cm = launch.running();
        Runtime.getRuntime().addShutdownHook(new Thread(cm::close, "boshcm-shutdown"));
    }

    /** What {@link #launch} did: a running node, or the exit code to end the process with. */
    record Launch(RunningCm running, int exitCode) {}

    /**
     * {@code main} without {@code System.exit}: prints help or every configuration problem, or applies
     * {@code log.*} to the logging system and starts.
     */
    static Launch launch(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (ConfigLoader.wantsHelp(args)) {
            out.print(ConfigLoader.help());
            out.flush();
            return new Launch(null, 0);
        }
        CmConfig config;
        try {
            config = ConfigLoader.load(args, env);
        } catch (ConfigProblems e) {
            err.println("boshcm: " + e.getMessage());
            err.println("Run with --help to see every option.");
            err.flush();
            return new Launch(null, 2);
        }
        // Only now: problems above are printed as plain text whatever log.format says.
        LogSetup.apply(config.log());
        RunningCm cm;
        try {
            cm = start(config);
        } catch (Exception e) {
            LOG.error("boshcm could not start", e);
            return new Launch(null, 1);
        }
        LOG.info("boshcm node {} listening on {}:{}, BOSH at {}", config.nodeId(), config.http().bindAddress(),
                cm.httpPort(), config.http().boshPath());
        return new Launch(cm, 0);
    }

    /**
     * Starts a connection manager exactly as the command line {@code args} would (flags, then
     * {@code --config} file, then environment), and returns once it accepts requests. For tests and
     * embedding. Throws IllegalArgumentException listing every configuration problem.
     */
    public static RunningCm start(String... args) throws Exception {
        return start(ConfigLoader.load(args, System.getenv()));
    }

    /** Starts a connection manager from an already loaded configuration. */
    public static RunningCm start(CmConfig config) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new NettyMemoryMetrics(ByteBufAllocator.DEFAULT).bindTo(registry);

        SessionSide sessions = sessionSide(config, registry);
        BoshHttpServer http = new BoshHttpServer(config, sessions.endpoint(),
                RequestParser.of(new BodyParser(config.bodyLimits())), registry);
        try {
            http.start();
        } catch (Exception e) {
            closeQuietly(http);
            closeQuietly(sessions.shutdown());
            registry.close();
            throw e;
        }
        return new Node(http, sessions, registry);
    }

    /**
     * What the HTTP side talks to, and how to stop it. {@code shutdown} runs before Jetty stops, so
     * that held requests can still be answered with {@code system-shutdown} (checklist B-17.2-5).
     */
    record SessionSide(BoshEndpoint endpoint, AutoCloseable shutdown) {}

    /**
     * The session side: one event loop group shared by every session and its upstream connection
     * (one session, one thread), the upstream connector, and the session registry.
     */
    private static SessionSide sessionSide(CmConfig config, PrometheusMeterRegistry registry) {
        MultiThreadIoEventLoopGroup loops = UpstreamTransport.newEventLoopGroup(0, true);
        NettyUpstreamConnector connector;
        try {
            connector = new NettyUpstreamConnector(config.upstream(), new UpstreamMetrics(registry));
        } catch (RuntimeException e) {
            loops.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        SessionRegistry sessions = new SessionRegistry(config.session(), loops, connector,
                new SidGenerator(config.nodeId()),
                new SessionRegistry.Limits(config.limits().maxSessions(), config.limits().maxSessionsPerClient(),
                        config.limits().newSessionsPerClientPerSecond()),
                registry, System::nanoTime);
        return new SessionSide(sessions, () -> {
            sessions.shutdown(config.http().stopTimeout());
            connector.close();
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        });
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("error while stopping {}", c, e);
        }
    }

    /** A started node; closing it stops the session side first, then Jetty, then the metrics. */
    private static final class Node implements RunningCm {
        private final BoshHttpServer http;
        private final SessionSide sessions;
        private final PrometheusMeterRegistry registry;
        private final AtomicBoolean closed = new AtomicBoolean();

        Node(BoshHttpServer http, SessionSide sessions, PrometheusMeterRegistry registry) {
            this.http = http;
            this.sessions = sessions;
            this.registry = registry;
        }

        @Override
        public int httpPort() {
            return http.port();
        }

        @Override
        public URI boshUri() {
            return http.boshUri();
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            closeQuietly(sessions.shutdown());
            closeQuietly(http);
            registry.close();
            LOG.info("boshcm stopped");
        }
    }
}
