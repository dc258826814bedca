package boshcm.bench.micro;

import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamTokenizer;
import boshcm.protocol.xmpp.TokenizerOptions;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link StreamTokenizer}: an open upstream c2s stream (header already read) that keeps delivering
 * chat messages, {@value #STANZAS} per invocation; results are per stanza. {@code chunk=stanza} feeds
 * each message as one read, the common case for a quiet session; {@code chunk=1024} feeds the same
 * bytes in 1 KiB reads, so stanzas are split across reads as under load.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@OperationsPerInvocation(StreamTokenizerBench.STANZAS)
public class StreamTokenizerBench {

    static final int STANZAS = 100;

    @Param({"stanza", "1024"})
    public String chunk;

    private StreamTokenizer tokenizer;
    private ByteBuffer[] reads;

    @Setup
    public void setup() {
        tokenizer = new StreamTokenizer(TokenizerOptions.defaults());
        List<StreamEvent> opened = tokenizer.feed(ByteBuffer.wrap(Traffic.utf8(Traffic.SERVER_HEADER)));
        if (opened.size() != 1 || !(opened.get(0) instanceof StreamEvent.Opened)) {
            throw new IllegalStateException("header gave " + opened);
        }
        reads = chunk.equals("stanza") ? perStanza() : fixed(Integer.parseInt(chunk));
        int elements = 0;
        for (ByteBuffer read : reads) {
            read.rewind();
            for (StreamEvent e : tokenizer.feed(read)) {
                if (!(e instanceof StreamEvent.Element)) {
                    throw new IllegalStateException("unexpected " + e);
                }
                elements++;
            }
        }
        if (elements != STANZAS) {
            throw new IllegalStateException(elements + " elements from " + STANZAS + " stanzas");
        }
    }

    @Benchmark
    public void feed(Blackhole bh) {
        for (ByteBuffer read : reads) {
            read.rewind();
            bh.consume(tokenizer.feed(read));
        }
    }

    private static ByteBuffer[] perStanza() {
        ByteBuffer[] out = new ByteBuffer[STANZAS];
        for (int i = 0; i < STANZAS; i++) {
            out[i] = ByteBuffer.wrap(Traffic.utf8(Traffic.serverMessage(i)));
        }
        return out;
    }

    private static ByteBuffer[] fixed(int size) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < STANZAS; i++) {
            all.writeBytes(Traffic.utf8(Traffic.serverMessage(i)));
        }
        byte[] bytes = all.toByteArray();
        List<ByteBuffer> out = new ArrayList<>();
        for (int from = 0; from < bytes.length; from += size) {
            out.add(ByteBuffer.wrap(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + size))));
        }
        return out.toArray(new ByteBuffer[0]);
    }
}
