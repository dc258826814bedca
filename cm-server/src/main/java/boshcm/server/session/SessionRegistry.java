package boshcm.server.session;

import boshcm.protocol.body.BodyWriter;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ParseOutcome;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.error.Condition;
import boshcm.protocol.session.BoshSession;
import boshcm.protocol.session.SessionPolicy;
import boshcm.server.http.BoshEndpoint;
import boshcm.server.http.Exchange;
import boshcm.server.http.TerminateBody;
import boshcm.server.metrics.Refusal;
import boshcm.server.metrics.SessionMetrics;
import boshcm.server.upstream.UpstreamConnector;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live sessions of this node, by sid, and the {@link BoshEndpoint} the HTTP layer hands parsed
 * requests to. Creation picks an event loop for the new session; every later request is handed to
 * that loop. Sessions remove themselves when they end, so the table needs no expiry of its own (the
 * session's inactivity timer is the one owner of that decision, design.md §4).
 *
 * <p>Limits (checklist S-7), checked in this order: total sessions, new sessions per client address
 * per second, new sessions per {@code Origin} per second, concurrent sessions per client address. A
 * refusal is {@code <body type='terminate' condition='policy-violation'/>} and is counted by reason.
 *
 * <p>Stopping has two steps. {@link #drain} refuses new sessions with the farewell (XEP-0124 §17.2
 * system-shutdown, or see-other-uri with a successor's URI) while the open ones go on; sessions that
 * end meanwhile are simply gone, and {@link #awaitEmpty} tells when none is left. {@link #shutdown}
 * then ends the rest with the same farewell.
 */
public final class SessionRegistry implements BoshEndpoint {

    private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

    /**
     * Caps on sessions (0 = unlimited).
     *
     * @param newSessionsPerOriginPerSecond creations per {@code Origin} header value per second; requests
     *                                      without an Origin (non-browser clients) are not counted
     */
    public record Limits(int maxSessions, int maxSessionsPerClient, double newSessionsPerClientPerSecond,
                         double newSessionsPerOriginPerSecond) {

        /** Without a per-origin limit. */
        public Limits(int maxSessions, int maxSessionsPerClient, double newSessionsPerClientPerSecond) {
            this(maxSessions, maxSessionsPerClient, newSessionsPerClientPerSecond, 0);
        }
    }

    private final SessionPolicy policy;
    private final EventLoopGroup loops;
    private final UpstreamConnector connector;
    private final SidGenerator sids;
    private final Limits limits;
    private final LongSupplier clock;
    private final SessionMetrics metrics;
    private final ConcurrentMap<String, SessionDriver> sessions = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final CreationRateLimiter creationRate;
    private final CreationRateLimiter originRate;
    /** False once draining or shutting down: creations get {@link #farewell}. */
    private volatile boolean accepting = true;
    /** What refused creations and, at shutdown, every open request are answered; set before {@link #accepting} turns false. */
    private volatile ServerBody farewell = ServerBody.terminate(Condition.SYSTEM_SHUTDOWN);
    private volatile byte[] farewellBytes = BodyWriter.write(farewell);
    /** Completed, from whichever thread removes the last session, once no session is left after accepting ended. */
    private final CompletableFuture<Void> emptied = new CompletableFuture<>();
    private final Object drainLock = new Object();

    public SessionRegistry(SessionPolicy policy, EventLoopGroup loops, UpstreamConnector connector, SidGenerator sids,
                           Limits limits, MeterRegistry meters, LongSupplier clock) {
        this.policy = policy;
        this.loops = loops;
        this.connector = connector;
        this.sids = sids;
        this.limits = limits;
        this.clock = clock;
        this.metrics = new SessionMetrics(meters, sessions::size);
        this.creationRate = new CreationRateLimiter(limits.newSessionsPerClientPerSecond(), clock);
        this.originRate = new CreationRateLimiter(limits.newSessionsPerOriginPerSecond(), clock);
    }

    public int size() {
        return sessions.size();
    }

    /** True until {@link #drain} or {@link #shutdown}: new sessions are accepted (readiness). */
    public boolean accepting() {
        return accepting;
    }

    @Override
    public void request(ClientBody body, Exchange exchange) {
        if (body.isCreation()) {
            create(body, exchange);
            return;
        }
        SessionDriver driver = sessions.get(body.sid().orElseThrow());
        if (driver == null) {
            // XEP-0124 §17.2 item-not-found; an unknown sid gets 200 + terminate (checklist B-17.1-1 DECISION).
            answer(exchange, Condition.ITEM_NOT_FOUND);
            return;
        }
        if (driver.secure() && !exchange.secure()) {
            // XEP-0124 §19.1 (B-19.1-2): a session opened over HTTPS stays encrypted. Close just this
            // connection; terminating the session would hand an attacker a denial of service.
            metrics.refused(Refusal.INSECURE_REQUEST);
            exchange.abort();
            return;
        }
        driver.loop().execute(() -> driver.request(body, exchange));
    }

    @Override
    public void rejected(ParseOutcome.Rejected rejected, Exchange exchange) {
        SessionDriver driver = rejected.sid().map(sessions::get).orElse(null);
        if (driver == null) {
            answer(exchange, rejected.condition());
            return;
        }
        driver.loop().execute(() -> driver.rejected(rejected.condition(), exchange));
    }

    private void create(ClientBody body, Exchange exchange) {
        if (!accepting) {
            // B-17.2-5 system-shutdown, or B-17.2-3 see-other-uri naming the successor.
            metrics.refused(Refusal.DRAINING);
            exchange.respond(200, TerminateBody.CONTENT_TYPE, farewellBytes.clone());
            return;
        }
        if (limits.maxSessions() > 0 && sessions.size() >= limits.maxSessions()) {
            metrics.refused(Refusal.MAX_SESSIONS);
            answer(exchange, Condition.POLICY_VIOLATION);
            return;
        }
        String client = exchange.clientAddress();
        if (!creationRate.tryAcquire(client)) {
            metrics.refused(Refusal.CREATION_RATE);
            answer(exchange, Condition.POLICY_VIOLATION);
            return;
        }
        Optional<String> origin = exchange.origin().map(SessionRegistry::originKey);
        if (origin.isPresent() && !originRate.tryAcquire(origin.get())) {
            // A page on that origin makes its visitors' browsers open sessions faster than allowed.
            metrics.refused(Refusal.ORIGIN_CREATION_RATE);
            answer(exchange, Condition.POLICY_VIOLATION);
            return;
        }
        int mine = perClient.computeIfAbsent(client, c -> new AtomicInteger()).incrementAndGet();
        if (limits.maxSessionsPerClient() > 0 && mine > limits.maxSessionsPerClient()) {
            release(client);
            metrics.refused(Refusal.MAX_SESSIONS_PER_CLIENT);
            answer(exchange, Condition.POLICY_VIOLATION);
            return;
        }
        String sid = sids.next();
        SessionDriver[] self = new SessionDriver[1];
        SessionDriver driver = new SessionDriver(sid, loops.next(), new BoshSession(sid, policy, sids::streamName), connector, metrics,
                clock, exchange.secure(), () -> {
                    sessions.remove(sid, self[0]);
                    release(client);
                    if (!accepting && sessions.isEmpty()) {
                        emptied.complete(null);
                    }
                });
        self[0] = driver;
        sessions.put(sid, driver);
        metrics.created();
        driver.loop().execute(() -> driver.create(body, exchange));
    }

    /**
     * The rate-limit key of an {@code Origin} header: ASCII-lowercased, so that spellings of one origin
     * share a bucket; {@code null} (sandboxed frames, {@code file:}) is one origin like any other. An
     * absurdly long value is cut, so keys stay small whatever a client sends.
     */
    static String originKey(String origin) {
        String key = origin.trim().toLowerCase(java.util.Locale.ROOT);
        return key.length() > MAX_ORIGIN_KEY ? key.substring(0, MAX_ORIGIN_KEY) : key;
    }

    private static final int MAX_ORIGIN_KEY = 256;

    private void release(String client) {
        perClient.computeIfPresent(client, (c, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    private static void answer(Exchange exchange, Condition condition) {
        exchange.respond(200, TerminateBody.CONTENT_TYPE, TerminateBody.of(condition));
    }

    /**
     * Stops accepting sessions: from now on a creation is answered {@code farewell} (a terminate with
     * a condition: system-shutdown, B-17.2-5, or see-other-uri with its {@code <uri/>}, B-17.2-3) and
     * counted as refused ({@code reason="draining"}). Open sessions go on. Idempotent; the first
     * farewell given stays.
     */
    public void drain(ServerBody farewell) {
        if (!farewell.isTerminal() || farewell.condition().isEmpty()) {
            throw new IllegalArgumentException("a farewell is a terminate body with a condition: " + farewell);
        }
        synchronized (drainLock) {                // never taken on an event loop: drain and shutdown callers only
            if (accepting) {
                this.farewellBytes = BodyWriter.write(farewell);
                this.farewell = farewell;
                accepting = false;
            }
        }
        if (sessions.isEmpty()) {
            emptied.complete(null);
        }
    }

    /**
     * Waits, at most {@code timeout}, until no session is left after {@link #drain}; returns whether
     * none is. Blocks the caller (a shutdown thread), never an event loop. A creation that passed the
     * admission check just before the drain began and was registered just after the table emptied
     * makes this return false early; {@link #shutdown} then ends it with the farewell.
     */
    public boolean awaitEmpty(Duration timeout) {
        if (accepting) {
            throw new IllegalStateException("awaitEmpty before drain");
        }
        try {
            emptied.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // the caller's deadline: the sessions still open are reported by its return value
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);   // never completed exceptionally
        }
        return sessions.isEmpty();
    }

    /**
     * Ends every session with the farewell ({@link #drain}'s, else system-shutdown: B-17.2-5) and
     * waits, at most {@code grace}, for them to be gone. New sessions are refused from now on.
     */
    public void shutdown(Duration grace) {
        drain(farewell);
        ServerBody last = farewell;
        List<SessionDriver> all = List.copyOf(sessions.values());
        for (SessionDriver d : all) {
            d.loop().execute(() -> d.shutdown(last));
        }
        if (!awaitEmpty(grace)) {
            log.warn("{} session(s) still open after {} of shutdown", sessions.size(), grace);
        }
    }
}
