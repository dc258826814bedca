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
        HttpConnection connection = new HttpConnection(getHttpConfiguration(), connector, endPoint) {
            @Override
            protected HttpParser newHttpParser(HttpCompliance compliance) {
                HttpParser plain = super.newHttpParser(compliance);
                DeadlineParser parser = new DeadlineParser((HttpParser.RequestHandler) plain.getHandler(),
                        getHttpConfiguration().getRequestHeaderSize(), compliance);
                parser.setHeaderCacheSize(plain.getHeaderCacheSize());
                parser.setHeaderCacheCaseSensitive(plain.isHeaderCacheCaseSensitive());
                return parser;
            }
        };
        connection.setTransferEncodingChunkMaxLength(getTransferEncodingChunkMaxLength());
        connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
        connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
        RequestDeadline deadline = new RequestDeadline(endPoint, connection, scheduler, keepAliveTimeout, requestTimeout,
                metrics);
        ((DeadlineParser) connection.getParser()).watch(deadline);
        deadline.idle();
        return configure(connection, connector, endPoint);
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
