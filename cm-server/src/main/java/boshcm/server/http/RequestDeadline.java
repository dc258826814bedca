package boshcm.server.http;

import boshcm.server.metrics.LimitHits;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clock of one HTTP/1.x connection between requests (checklist S-7, slowloris). Jetty's idle
 * timeout cannot tell these apart, and must stay above {@code wait} for the held requests (H-4):
 * <ul>
 *   <li><b>idle</b>: no byte of a request has arrived since the connection opened or its last
 *       response went out; after {@code http.keep-alive-timeout} the connection is closed;</li>
 *   <li><b>arriving</b>: a request's first byte came; all of it, request line, headers and body, must
 *       be in within {@code http.request-timeout} of that byte, or the connection is closed, however
 *       steadily the bytes trickle (Jetty's idle timeout restarts with each byte);</li>
 *   <li><b>handled</b>: the request is complete and with the handler (usually held by a session,
 *       XEP-0124 §8): only Jetty's own idle timeout applies, which is longer than {@code wait}.</li>
 * </ul>
 * The parser reports the transitions ({@link BoshHttpConnectionFactory.DeadlineParser}), on the
 * connection's own thread; scheduler tasks, re-armed lazily, check the deadline. A connection that leaves HTTP/1 (an h2c
 * upgrade) is no longer watched. Thread-safe: the phase is the one shared state, changed by
 * compare-and-set, so the timer and the parser never both act on a phase.
 */
final class RequestDeadline {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDeadline.class);

    private enum Phase { IDLE, ARRIVING, HANDLED, DONE }

    private final EndPoint endPoint;
    private final Connection connection;
    private final Scheduler scheduler;
    private final long keepAliveNanos;
    private final long requestNanos;
    private final HttpMetrics metrics;
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.DONE);
    /** When the earliest pending check runs ({@code System.nanoTime()}), or {@link Long#MAX_VALUE} for none. */
    private final AtomicLong nextCheck = new AtomicLong(Long.MAX_VALUE);
    /** {@code System.nanoTime()} at which the current phase runs out; written before the phase it belongs to. */
    private volatile long deadline;
    private volatile boolean stopped;

    RequestDeadline(EndPoint endPoint, Connection connection, Scheduler scheduler, Duration keepAlive,
                    Duration request, HttpMetrics metrics) {
        this.endPoint = endPoint;
        this.connection = connection;
        this.scheduler = scheduler;
        this.keepAliveNanos = keepAlive.toNanos();
        this.requestNanos = request.toNanos();
        this.metrics = metrics;
    }

    /** The connection opened, or its last response went out: nothing is in it now. */
    void idle() {
        if (stopped) {
            return;
        }
        deadline = System.nanoTime() + keepAliveNanos;
        phase.set(Phase.IDLE);
        arm();
    }

    /** A byte of a new request arrived: from now on the whole request has {@code http.request-timeout}. */
    void arriving() {
        if (phase.get() != Phase.IDLE) {
            return;
        }
        deadline = System.nanoTime() + requestNanos;
        if (phase.compareAndSet(Phase.IDLE, Phase.ARRIVING)) {
            arm();
        }
    }

    /** The request is complete (or the parser gave up on it): the handler owns the connection's time. */
    void arrived() {
        Phase p = phase.get();
        if (p == Phase.IDLE || p == Phase.ARRIVING) {
            phase.compareAndSet(p, Phase.HANDLED);
        }
    }

    /** Not HTTP/1 any more, or closing: never act again. */
    void stop() {
        stopped = true;
        phase.set(Phase.DONE);
    }

    /**
     * Makes sure a check runs by the current deadline: a pending one that comes later (an idle
     * connection's, when a request starts arriving) is overtaken by a new one; an earlier one is kept
     * and re-arms itself when it finds time left. So mostly one task per request, none cancelled.
     */
    private void arm() {
        long at = deadline;
        while (true) {
            long pending = nextCheck.get();
            if (pending != Long.MAX_VALUE && pending - at <= 0) {
                return;
            }
            if (nextCheck.compareAndSet(pending, at)) {
                scheduler.schedule(() -> check(at), Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
                return;
            }
        }
    }

    /** The timer: closes the connection if the current phase ran out, else waits for the rest. */
    private void check(long scheduledFor) {
        nextCheck.compareAndSet(scheduledFor, Long.MAX_VALUE);
        Phase p = phase.get();
        if (p != Phase.IDLE && p != Phase.ARRIVING) {
            return;
        }
        if (!endPoint.isOpen() || endPoint.getConnection() != connection) {
            phase.compareAndSet(p, Phase.DONE);        // closed, or upgraded to HTTP/2 (h2c)
            return;
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
            arm();
            return;
        }
        if (!phase.compareAndSet(p, Phase.DONE)) {
            check(Long.MAX_VALUE);                     // the parser moved on meanwhile: look again
            return;
        }
        if (p == Phase.ARRIVING) {
            metrics.limitHit(LimitHits.Node.REQUEST_TIMEOUT);
            LOG.debug("connection from {}: request not complete within {} ms; closing", endPoint.getRemoteSocketAddress(),
                    TimeUnit.NANOSECONDS.toMillis(requestNanos));
            endPoint.close(new TimeoutException("request not complete within " + TimeUnit.NANOSECONDS.toMillis(requestNanos) + " ms"));
        } else {
            metrics.idleClosed();
            endPoint.close(new TimeoutException("no request within " + TimeUnit.NANOSECONDS.toMillis(keepAliveNanos) + " ms"));
        }
    }
}
