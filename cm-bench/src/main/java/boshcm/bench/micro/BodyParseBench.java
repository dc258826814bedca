package boshcm.bench.micro;

import boshcm.protocol.body.BodyLimits;
import boshcm.protocol.body.BodyParser;
import boshcm.protocol.body.ParseOutcome;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link BodyParser}: one request body, bytes to {@link boshcm.protocol.body.ClientBody}, with the
 * production limits. {@code messages=0} is the empty poll
 * {@code <body rid='…' sid='…' xmlns='http://jabber.org/protocol/httpbind'/>}; 1 and 10 carry chat
 * messages, each written once into its upstream form.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BodyParseBench {

    @Param({"0", "1", "10"})
    public int messages;

    private BodyParser parser;
    private byte[] body;

    @Setup
    public void setup() {
        parser = new BodyParser(BodyLimits.defaults());
        body = Traffic.request(Traffic.FIRST_RID, messages);
        if (!(parse() instanceof ParseOutcome.Parsed parsed) || parsed.body().payloads().size() != messages) {
            throw new IllegalStateException("not parsed as " + messages + " messages: " + parse());
        }
    }

    @Benchmark
    public ParseOutcome parse() {
        return parser.parse(body, 0, body.length);
    }
}
