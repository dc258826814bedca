package boshcm.bench.micro;

import boshcm.protocol.body.BodyWriter;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ParseOutcome;
import boshcm.protocol.session.Effect;
import boshcm.protocol.session.ExchangeId;
import boshcm.protocol.session.Step;
import boshcm.protocol.xmpp.StreamEvent;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One BOSH request through a logged-in {@link boshcm.protocol.session.BoshSession}, in steady state
 * ({@link LoggedInSession}): the client's request carries one chat message, which goes upstream
 * ({@code SendUpstream}) while the request is held; then the server's message arrives and the held
 * request is answered with it ({@code Respond}). One operation is that whole exchange: one request,
 * one stanza each way.
 *
 * <ul>
 *   <li>{@code session}: the session alone. The request is a ready {@link ClientBody} (the
 *       benchmark allocates it and its {@link ExchangeId}, as the parser and the HTTP side would) and
 *       the server's message a ready {@link StreamEvent}.</li>
 *   <li>{@code wire}: everything the protocol core does for the exchange, bytes to bytes: parse the
 *       request body, the session, tokenize the server's message from its bytes, write the response
 *       body. This is the "allocation per request in steady state" of docs/benchmarks.md.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SessionCycleBench {

    private LoggedInSession s;
    // session
    private ClientBody template;
    private StreamEvent serverMessage;
    // wire
    private byte[] request;
    private int ridAt;
    private ByteBuffer serverRead;

    @Setup
    public void setup() {
        s = new LoggedInSession();
        request = Traffic.request(s.rid + 1, 1);
        ridAt = Traffic.ridOffset(request);
        template = ((ParseOutcome.Parsed) s.parser.parse(request)).body();
        serverMessage = new StreamEvent.Element(Traffic.serverPayloads(1).get(0));
        serverRead = ByteBuffer.wrap(Traffic.utf8(Traffic.serverMessage(0)));
        // Each shape once, checked, before anything is measured.
        checkForwarded(requestSession());
        checkAnswer(upstreamSession());
        checkForwarded(requestWire());
        upstreamWire();
    }

    @Benchmark
    public Step session(Blackhole bh) {
        bh.consume(requestSession());
        return upstreamSession();
    }

    @Benchmark
    public byte[] wire(Blackhole bh) {
        bh.consume(requestWire()); // the driver writes each payload's bytes as they are: no copy
        return upstreamWire();
    }

    private Step requestSession() {
        long rid = ++s.rid;
        return s.session.onRequest(withRid(template, rid), new ExchangeId(rid), s.tick());
    }

    private Step upstreamSession() {
        return s.session.onUpstream(s.stream, serverMessage, s.tick());
    }

    private Step requestWire() {
        long rid = ++s.rid;
        Traffic.patchRid(request, ridAt, rid);
        ClientBody body = ((ParseOutcome.Parsed) s.parser.parse(request, 0, request.length)).body();
        return s.session.onRequest(body, new ExchangeId(rid), s.tick());
    }

    private byte[] upstreamWire() {
        serverRead.rewind();
        List<StreamEvent> events = s.tokenizer.feed(serverRead);
        Step answered = s.session.onUpstream(s.stream, events, s.tick());
        return BodyWriter.write(checkAnswer(answered).body());
    }

    private static void checkForwarded(Step step) {
        Effect.SendUpstream send = LoggedInSession.expect(step, Effect.SendUpstream.class);
        if (send.payloads().size() != 1 || !step.all(Effect.Respond.class).isEmpty()) {
            throw new IllegalStateException("request not forwarded and held: " + step);
        }
    }

    private static Effect.Respond checkAnswer(Step step) {
        for (Effect e : step.effects()) {
            if (e instanceof Effect.Respond r && r.body().payloads().size() == 1) {
                return r;
            }
        }
        throw new IllegalStateException("held request not answered with the message: " + step);
    }

    private static ClientBody withRid(ClientBody t, long rid) {
        return new ClientBody(rid, t.sid(), t.type(), t.ack(), t.pause(), t.restart(), t.key(), t.newKey(),
                t.stream(), t.to(), t.from(), t.route(), t.lang(), t.ver(), t.waitSeconds(), t.hold(), t.content(),
                t.xmppVersion(), t.payloads());
    }
}
