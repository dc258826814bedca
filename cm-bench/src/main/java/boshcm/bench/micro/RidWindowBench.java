package boshcm.bench.micro;

import boshcm.protocol.rid.RidDecision;
import boshcm.protocol.rid.RidWindow;
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
 * {@link RidWindow} (XEP-0124 §14.2) with {@code requests=2}, a client's usual {@code hold=1}:
 * {@code inOrder} admits the next rid, the steady state; {@code reorderedPair} admits two rids that
 * arrive swapped (the second is ahead of a gap, then the first fills it), so one operation is two
 * requests.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RidWindowBench {

    private RidWindow window;

    @Setup
    public void setup() {
        window = new RidWindow(Traffic.FIRST_RID, 2);
    }

    @Benchmark
    public RidDecision inOrder() {
        long rid = window.last() + 1;
        RidDecision d = window.classify(rid, false);
        window.advance(rid);
        return d;
    }

    @Benchmark
    public void reorderedPair(Blackhole bh) {
        long first = window.last() + 1;
        bh.consume(window.classify(first + 1, false));   // Ahead: waits for the gap to fill
        bh.consume(window.classify(first, false));       // InOrder
        window.advance(first);
        window.advance(first + 1);                       // the waiting one goes next
    }
}
