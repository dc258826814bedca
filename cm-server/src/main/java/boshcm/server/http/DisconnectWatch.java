package boshcm.server.http;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.AbstractEndPoint;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;

/**
 * Notices an HTTP/1.x client closing its connection while its request is held. Jetty 12 does not
 * read from an HTTP/1 connection whose request is being handled, so a FIN goes unseen (and the
 * request's failure listener silent) until the response is written. This registers its own read
 * interest on the connection's endpoint while the exchange is held:
 * <ul>
 *   <li>end of stream → the client left: {@code onClosed} runs;</li>
 *   <li>bytes → the client is pipelining (XEP-0124 §18.1 SHOULD NOT, checklist B-18.1-1); one byte
 *       was consumed, so the held response is sent with {@code Connection: close} and the client
 *       retries the next request on a new connection;</li>
 *   <li>{@link #disarm()} → the response is about to be written; the read interest is withdrawn
 *       first so that Jetty can read the next request itself.</li>
 * </ul>
 * HTTP/2 needs none of this: its connection is always read, and Jetty fails the held streams.
 * The monitor is held only around non-blocking calls.
 */
final class DisconnectWatch implements Callback {

    private enum State { ARMED, DONE }

    private final EndPoint endPoint;
    private final Runnable onClosed;
    private State state = State.DONE;
    private boolean closeAfterResponse;

    private DisconnectWatch(EndPoint endPoint, Runnable onClosed) {
        this.endPoint = endPoint;
        this.onClosed = onClosed;
    }

    /** Starts watching an HTTP/1.x request whose body has been read; null if it cannot be watched. */
    static DisconnectWatch start(Request request, Runnable onClosed) {
        HttpVersion version = request.getConnectionMetaData().getHttpVersion();
        if (version != HttpVersion.HTTP_1_1 && version != HttpVersion.HTTP_1_0) {
            return null;
        }
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if (!(endPoint instanceof AbstractEndPoint)) {
            return null;
        }
        DisconnectWatch watch = new DisconnectWatch(endPoint, onClosed);
        synchronized (watch) {
            watch.state = State.ARMED;
            if (!endPoint.tryFillInterested(watch)) {
                watch.state = State.DONE;      // someone is already reading: nothing to add
                return null;
            }
        }
        return watch;
    }

    /** Stops watching before the response is written; true if the connection must close after it. */
    synchronized boolean disarm() {
        if (state == State.ARMED) {
            state = State.DONE;
            ((AbstractEndPoint) endPoint).getFillInterest().onFail(new ResponseReady());
        }
        return closeAfterResponse;
    }

    /**
     * Why the read interest is withdrawn: an expected outcome, once per held request, so it carries no
     * stack trace (filling one in cost about 2 % of the CPU of a busy node).
     */
    private static final class ResponseReady extends CancellationException {
        private static final long serialVersionUID = 1L;

        ResponseReady() {
            super("response ready");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** The connection became readable. */
    @Override
    public void succeeded() {
        boolean closed = false;
        synchronized (this) {
            if (state != State.ARMED) {
                return;
            }
            int n;
            try {
                n = endPoint.fill(BufferUtil.allocate(1));   // Jetty buffers start empty (flush mode)
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                state = State.DONE;
                closed = true;
                endPoint.close();               // a half-closed client gets nothing more either
            } else if (n > 0) {
                state = State.DONE;
                closeAfterResponse = true;
            } else if (!endPoint.tryFillInterested(this)) {
                state = State.DONE;
            }
        }
        if (closed) {
            onClosed.run();
        }
    }

    /** The read interest failed: the endpoint closed or errored (or {@link #disarm()} withdrew it). */
    @Override
    public void failed(Throwable x) {
        synchronized (this) {
            if (state != State.ARMED) {
                return;
            }
            state = State.DONE;
        }
        onClosed.run();
    }
}
