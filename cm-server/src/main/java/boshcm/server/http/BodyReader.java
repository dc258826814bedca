package boshcm.server.http;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body asynchronously into one array, stopping as soon as it would exceed
 * {@code limit} bytes (checklist S-1: the limit holds while streaming, whatever Content-Length
 * said). No thread waits: when no content is available it asks Jetty to call back
 * ({@link Request#demand(Runnable)}), and the sink is told exactly once, unless {@link #expire} came
 * first: then it is never told, and whatever arrives later is dropped.
 */
final class BodyReader implements Runnable {

    /** Where the outcome goes; called on whichever thread delivered the last chunk. */
    interface Sink {
        void body(byte[] bytes, int length);

        /** The body outgrew the limit; {@code bytes[0..length)} is what was read before it did. */
        void overLimit(byte[] bytes, int length);

        void failed(Throwable failure);
    }

    private static final int INITIAL = 4096;

    private final Request request;
    private final int limit;
    private final Sink sink;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile Runnable onFinished = () -> {};
    private byte[] buffer;
    private int length;

    BodyReader(Request request, int limit, Sink sink) {
        this.request = request;
        this.limit = limit;
        this.sink = sink;
        long declared = request.getLength();
        this.buffer = new byte[declared >= 0 ? (int) Math.min(declared, limit) : Math.min(INITIAL, limit)];
    }

    /** Starts (or, as the demand callback, resumes) reading. */
    @Override
    public void run() {
        while (true) {
            if (done.get()) {
                return;                       // expired: the request is being failed
            }
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                Throwable failure = chunk.getFailure();
                chunk.release();
                if (done.compareAndSet(false, true)) {
                    onFinished.run();
                    sink.failed(failure);
                }
                return;
            }
            boolean last = chunk.isLast();
            int n = chunk.remaining();
            if (n > limit - length) {
                chunk.release();
                if (done.compareAndSet(false, true)) {
                    onFinished.run();
                    sink.overLimit(buffer, length);
                }
                return;
            }
            if (n > 0) {
                if (length + n > buffer.length) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(limit, Math.max((long) buffer.length * 2, length + n)));
                }
                chunk.get(buffer, length, n);
                length += n;
            }
            chunk.release();
            if (last) {
                if (done.compareAndSet(false, true)) {
                    onFinished.run();
                    sink.body(buffer, length);
                }
                return;
            }
        }
    }

    /** Gives up on the body (a deadline passed); true if it was still arriving, and the sink will never be told. */
    boolean expire() {
        return done.compareAndSet(false, true);
    }

    /** Runs {@code action} just before the sink is told (not after {@link #expire}); set it before {@link #run}. */
    void onFinished(Runnable action) {
        this.onFinished = action;
    }
}
