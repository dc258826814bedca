package boshcm.bench.micro;

import boshcm.protocol.body.BodyWriter;
import boshcm.protocol.body.ServerBody;
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
 * {@link BodyWriter}: one response, {@link ServerBody} to bytes. {@code payloads=0} is the empty
 * {@code <body xmlns='http://jabber.org/protocol/httpbind'/>} a held request gets at {@code wait};
 * 1 and 10 carry server chat messages in client form, made by the upstream tokenizer. The payload
 * bytes are copied once, into the response.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class BodyWriteBench {

    @Param({"0", "1", "10"})
    public int payloads;

    private ServerBody body;

    @Setup
    public void setup() {
        body = ServerBody.empty().withPayloads(Traffic.serverPayloads(payloads));
    }

    @Benchmark
    public byte[] write() {
        return BodyWriter.write(body);
    }
}
