package boshcm.server.http;

import boshcm.protocol.body.BodyParser;
import boshcm.server.config.CmConfig;
import boshcm.server.config.ConfigLoader;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.server.LocalConnector;

/** A BoshHttpServer on a free loopback port plus a LocalConnector, with a fake parser and endpoint. */
final class TestCm implements AutoCloseable {

    final CmConfig config;
    final FakeEndpoint endpoint;
    final FakeParser parser = new FakeParser();
    final RequestParser parserInUse;
    final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final BoshHttpServer server;
    final LocalConnector local;

    TestCm(FakeEndpoint endpoint, String... flags) throws Exception {
        this(false, endpoint, flags);
    }

    /** With {@code realParser}, bodies go through the production BodyParser instead of {@link FakeParser}. */
    TestCm(boolean realParser, FakeEndpoint endpoint, String... flags) throws Exception {
        this.config = ConfigLoader.load(Stream.concat(Stream.of("--http-port", "0", "--http-stop-timeout", "50ms"), Stream.of(flags)).toArray(String[]::new), Map.of());
        this.endpoint = endpoint;
        this.parserInUse = realParser ? RequestParser.of(new BodyParser(config.bodyLimits())) : parser;
        this.server = new BoshHttpServer(config, endpoint, parserInUse, registry);
        this.local = server.addLocalConnector();
        server.start();
    }

    TestCm(String... flags) throws Exception {
        this(new FakeEndpoint(), flags);
    }

    /** Sends a complete raw request through the LocalConnector and parses the response. */
    RawResponse send(String rawRequest) throws Exception {
        return send(rawRequest.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawResponse send(byte[] rawRequest) throws Exception {
        ByteBuffer response = local.getResponse(ByteBuffer.wrap(rawRequest), false, 5, TimeUnit.SECONDS);
        if (response == null) {
            throw new AssertionError("no response within 5 s");
        }
        return RawResponse.parse(response);
    }

    static String post(String body, String... headers) {
        StringBuilder sb = new StringBuilder("POST /http-bind HTTP/1.1\r\nHost: localhost\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        sb.append("Content-Length: ").append(b.length).append("\r\n\r\n").append(body);
        return sb.toString();
    }

    static byte[] postBytes(byte[] body, String... headers) {
        StringBuilder sb = new StringBuilder("POST /http-bind HTTP/1.1\r\nHost: localhost\r\n");
        for (String h : headers) {
            sb.append(h).append("\r\n");
        }
        sb.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    @Override
    public void close() {
        server.close();
        registry.close();
    }
}
