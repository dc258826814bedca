package boshcm.server.http;

import java.nio.ByteBuffer;
import java.time.Duration;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's HTTP/1.1 connection factory, with a {@link RequestDeadline} on every connection: a request
 * must arrive within {@code http.request-timeout} of its first byte, and a connection with no request
 * in it closes after {@code http.keep-alive-timeout} (checklist S-7, slowloris). Jetty's own idle
 * timeout stays above {@code wait} for the held requests (H-4).
 *
 * <p>The deadline learns where the connection is from its parser: a {@link DeadlineParser}, which
 * Jetty's {@code HttpConnection} builds through its {@code newHttpParser} hook and then drives on the
 * connection's own thread.
 */
final class BoshHttpConnectionFactory extends HttpConnectionFactory {

    private final Scheduler scheduler;
    private final Duration requestTimeout;
    private final Duration keepAliveTimeout;
    private final HttpMetrics metrics;

    BoshHttpConnectionFactory(HttpConfiguration configuration, Scheduler scheduler, Duration requestTimeout,
                              Duration keepAliveTimeout, HttpMetrics metrics) {
        super(configuration);
        this.scheduler = scheduler;
        this.requestTimeout = requestTimeout;
        this.keepAliveTimeout = keepAliveTimeout;
        this.metrics = metrics;
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        BoshHttpConnection connection = new BoshHttpConnection(getHttpConfiguration(), connector, endPoint);
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
        connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
        RequestDeadline deadline = new RequestDeadline(endPoint, connection, scheduler, keepAliveTimeout, requestTimeout,
                metrics);
        ((DeadlineParser) connection.getParser()).watch(deadline);
        deadline.idle();
        return configure(connection, connector, endPoint);
    }

    /**
     * Jetty's HTTP/1 connection, with the {@link DeadlineParser} and a cheap way back to reading after a
     * response written by another thread ({@link #rearm()}).
     */
    static final class BoshHttpConnection extends HttpConnection {

        /**
         * What Jetty's own read interest does (its callback is private): parse the next request, on the
         * selector's thread when the server's handlers are non-blocking. AbstractConnection's public
         * {@code fillInterested()} would register a blocking callback instead, which the selector
         * hands to a pool thread.
         */
        private final Callback readable;

        BoshHttpConnection(HttpConfiguration configuration, Connector connector, EndPoint endPoint) {
            super(configuration, connector, endPoint);
            Invocable.InvocationType type = getServer().getInvocationType();
            readable = new Callback() {
                @Override
                public void succeeded() {
                    onFillable();
                }

                @Override
                public void failed(Throwable x) {
                    onFillInterestedFailed(x);
                }

                @Override
                public Invocable.InvocationType getInvocationType() {
                    return type;
                }
            };
        }

        @Override
        protected HttpParser newHttpParser(HttpCompliance compliance) {
            HttpParser plain = super.newHttpParser(compliance);
            DeadlineParser parser = new DeadlineParser((HttpParser.RequestHandler) plain.getHandler(),
                    getHttpConfiguration().getRequestHeaderSize(), compliance);
            parser.setHeaderCacheSize(plain.getHeaderCacheSize());
            parser.setHeaderCacheCaseSensitive(plain.isHeaderCacheCaseSensitive());
            return parser;
        }

        /**
         * Goes back to waiting for the next request without a thread, when that is all there is to do.
         * A held request is answered on a session's event loop, long after Jetty's handler returned, and
         * Jetty then resumes the connection by handing it to a pool thread, which tries two reads (the
         * browser has not sent its next request yet: they find nothing) and registers read interest. On
         * a busy node that hand-off, a thread waking and the empty reads were about a fifth of the CPU
         * per message (load benchmark, docs/benchmarks.md). This registers the read interest in place
         * instead; the selector dispatches the connection when the next request arrives.
         *
         * @return false if the connection has more to do than wait (bytes of a pipelined request already
         *         read, a parser not at the start of a request, a closed endpoint): then it must run as Jetty
         *         would run it
         */
        boolean rearm() {
            if (!getEndPoint().isOpen() || !isRequestBufferEmpty() || !getParser().isStart() || isFillInterested()) {
                return false;
            }
            fillInterested(readable);
            return true;
        }
    }

    /** Jetty's request parser, reporting to a {@link RequestDeadline} where the connection's current request is. */
    static final class DeadlineParser extends HttpParser {

        private RequestDeadline deadline;

        DeadlineParser(RequestHandler handler, int maxHeaderBytes, HttpCompliance compliance) {
            super(handler, maxHeaderBytes, compliance);
        }

        void watch(RequestDeadline deadline) {
            this.deadline = deadline;
        }

        @Override
        public boolean parseNext(ByteBuffer buffer) {
            RequestDeadline d = deadline;
            if (d != null && isStart() && buffer.hasRemaining()) {
                d.arriving();
            }
            boolean handled = super.parseNext(buffer);
            if (d != null && getState().ordinal() >= State.END.ordinal()) {
                d.arrived();                          // complete (END), or given up on (CLOSE, CLOSED)
            }
            return handled;
        }

        @Override
        public void reset() {
            super.reset();
            RequestDeadline d = deadline;
            if (d != null) {
                d.idle();                             // the response went out; the connection is kept
            }
        }

        @Override
        public void close() {
            super.close();
            RequestDeadline d = deadline;
            if (d != null) {
                d.stop();
            }
        }
    }
}
