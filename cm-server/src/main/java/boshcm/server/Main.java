package boshcm.server;

import boshcm.protocol.body.BodyParser;
import boshcm.server.config.CmConfig;
import boshcm.server.config.ConfigLoader;
import boshcm.server.config.ConfigProblems;
import boshcm.server.http.AdminHttpServer;
import boshcm.server.http.BoshHttpServer;
import boshcm.server.http.Readiness;
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
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command line entry point and composition root (design §3): loads the configuration, builds
 * every component with {@code new}, starts them in order and stops them in reverse. No DI container.
 *
 * <p>Exit codes: 0 after {@code --help} or {@code --print-config}, 2 for bad configuration (every problem printed), 1 when
 * the node cannot start (for example, the port is taken), 143 after SIGTERM (the JVM's 128 + 15),
 * once the shutdown hook has drained the node ({@link RunningCm#drain()}).
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
        // SIGTERM: the JVM runs this thread, and other threads (Jetty, Netty) go on serving until it
        // returns. The drain waits here, never on an event loop or a Jetty thread.
        Runtime.getRuntime().addShutdownHook(new Thread(cm::drain, "boshcm-shutdown"));
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
        if (ConfigLoader.wantsPrintConfig(args)) {
            try {
                out.print(ConfigLoader.printEffective(args, env));
                out.flush();
                return new Launch(null, 0);
            } catch (ConfigProblems e) {
                err.println("boshcm: " + e.getMessage());
                err.println("Run with --help to see every option.");
                err.flush();
                return new Launch(null, 2);
            }
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
        LOG.info("boshcm node {} listening on {}:{}, BOSH at {}; admin (metrics, health, readiness) {}", config.nodeId(),
                config.http().bindAddress(), cm.httpPort(), config.http().boshPath(),
                cm.adminPort() < 0 ? "off" : "on " + config.admin().address() + ":" + cm.adminPort());
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

    /**
     * Starts a connection manager from an already loaded configuration: the admin listener first (so
     * that liveness answers and readiness says {@code starting}), then the BOSH listener, then
     * readiness turns to {@code ready}.
     */
    public static RunningCm start(CmConfig config) throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);          // process_files_open / _max: leaks show here
        JvmGcMetrics gc = new JvmGcMetrics();                   // listens to GC notifications until closed
        gc.bindTo(registry);
        new NettyMemoryMetrics(ByteBufAllocator.DEFAULT).bindTo(registry);

        SessionSide sessions = sessionSide(config, registry);
        AtomicBoolean listening = new AtomicBoolean();
        Supplier<Readiness> readiness = () -> !sessions.registry().accepting() ? Readiness.DRAINING
                : listening.get() ? Readiness.READY : Readiness.STARTING;
        AdminHttpServer admin = config.admin().enabled()
                ? new AdminHttpServer(config.admin(), config.metrics(), registry, readiness) : null;
        BoshHttpServer http = new BoshHttpServer(config, sessions.registry(),
                RequestParser.of(new BodyParser(config.bodyLimits())), registry);
        try {
            if (admin != null) {
                admin.start();
            }
            http.start();
        } catch (Exception e) {
            closeQuietly(http);
            if (admin != null) {
                closeQuietly(admin);
            }
            closeQuietly(sessions.shutdown());
            gc.close();
            registry.close();
            throw e;
        }
        listening.set(true);
        return new Node(config, http, admin, sessions, registry, gc);
    }

    /**
     * The session registry (what the HTTP side talks to), and how to stop the session side.
     * {@code shutdown} runs before Jetty stops, so that held requests can still be answered with the
     * farewell (system-shutdown, B-17.2-5, or see-other-uri, B-17.2-3).
     */
    record SessionSide(SessionRegistry registry, AutoCloseable shutdown) {}

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
                        config.limits().newSessionsPerClientPerSecond(), config.limits().newSessionsPerOriginPerSecond()),
                registry, System::nanoTime);
        return new SessionSide(sessions, () -> {
            sessions.drain(config.drain().farewell());
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

    /**
     * A started node. Closing it stops the session side first (every session ends with the farewell),
     * then the BOSH listener, then the admin listener, then the metrics.
     */
    private static final class Node implements RunningCm {
        private final CmConfig config;
        private final BoshHttpServer http;
        private final AdminHttpServer admin;
        private final SessionSide sessions;
        private final PrometheusMeterRegistry registry;
        private final JvmGcMetrics gc;
        private final AtomicBoolean draining = new AtomicBoolean();
        private final AtomicBoolean closed = new AtomicBoolean();

        Node(CmConfig config, BoshHttpServer http, AdminHttpServer admin, SessionSide sessions,
             PrometheusMeterRegistry registry, JvmGcMetrics gc) {
            this.config = config;
            this.http = http;
            this.admin = admin;
            this.sessions = sessions;
            this.registry = registry;
            this.gc = gc;
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
        public int adminPort() {
            return admin == null ? -1 : admin.port();
        }

        @Override
        public Optional<URI> adminUri() {
            return Optional.ofNullable(admin).map(AdminHttpServer::uri);
        }

        @Override
        public void beginDrain() {
            if (closed.get() || !draining.compareAndSet(false, true)) {
                return;
            }
            LOG.info("boshcm draining: {} session(s) open may go on for up to {}; new sessions are refused with {}",
                    sessions.registry().size(), human(config.drain().timeout()), farewellName());
            sessions.registry().drain(config.drain().farewell());
        }

        @Override
        public void drain() {
            beginDrain();
            if (closed.get()) {
                return;
            }
            Duration timeout = config.drain().timeout();
            long started = System.nanoTime();
            if (sessions.registry().awaitEmpty(timeout)) {
                LOG.info("boshcm drained: no session left after {} ms", (System.nanoTime() - started) / 1_000_000);
            } else {
                LOG.info("boshcm drain time ({}) is up: ending {} session(s) with {}", human(timeout),
                        sessions.registry().size(), farewellName());
            }
            close();
        }

        /** Like {@code 30s} or {@code 1500ms}. */
        private static String human(Duration d) {
            return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
        }

        private String farewellName() {
            return config.drain().successorUri().map(uri -> "see-other-uri " + uri).orElse("system-shutdown");
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            closeQuietly(sessions.shutdown());
            closeQuietly(http);
            if (admin != null) {
                closeQuietly(admin);
            }
            gc.close();
            registry.close();
            LOG.info("boshcm stopped");
        }
    }
}
