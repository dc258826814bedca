package boshcm.bench.micro;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Runs every benchmark method a few times outside JMH, for each {@code @Param} value: the state
 * object is made, its {@code @Setup} (which checks what the benchmark does) is called, then the
 * method. CI builds cm-bench and runs this; it never runs JMH.
 */
class BenchmarksRunOnceTest {

    private static final List<Class<?>> BENCHMARKS = List.of(BodyParseBench.class, BodyWriteBench.class,
            RidWindowBench.class, StreamTokenizerBench.class, SessionCycleBench.class);

    /** JMH refuses to make a Blackhole outside a run unless it is told this exact sentence. */
    private static final Blackhole BLACKHOLE = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");

    record Case(Class<?> type, Method method, String param, String value) {
        @Override
        public String toString() {
            return type.getSimpleName() + "." + method.getName() + (param == null ? "" : " " + param + "=" + value);
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        for (Class<?> type : BENCHMARKS) {
            Field param = Stream.of(type.getFields()).filter(f -> f.isAnnotationPresent(Param.class)).findFirst().orElse(null);
            for (Method m : type.getMethods()) {
                if (!m.isAnnotationPresent(Benchmark.class)) {
                    continue;
                }
                if (param == null) {
                    cases.add(new Case(type, m, null, null));
                } else {
                    for (String value : param.getAnnotation(Param.class).value()) {
                        cases.add(new Case(type, m, param.getName(), value));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void runsOutsideJmh(Case c) throws Exception {
        Object state = c.type().getConstructor().newInstance();
        if (c.param() != null) {
            Field f = c.type().getField(c.param());
            f.set(state, f.getType() == int.class ? (Object) Integer.parseInt(c.value()) : c.value());
        }
        for (Method m : c.type().getMethods()) {
            if (m.isAnnotationPresent(Setup.class)) {
                m.invoke(state);
            }
        }
        for (int i = 0; i < 3; i++) { // more than once: steady state must stay steady
            Object result = c.method().getParameterCount() == 0 ? c.method().invoke(state) : c.method().invoke(state, BLACKHOLE);
            if (c.method().getReturnType() != void.class) {
                assertThat(result).as(c.toString()).isNotNull();
            }
        }
    }

    @Test
    void everyBenchmarkClassIsListed() throws Exception {
        // BenchmarkList, written by JMH's annotation processor, names every benchmark class of the module.
        try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
            assertThat(in).as("META-INF/BenchmarkList").isNotNull();
            String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String line : list.split("\n")) {
                if (line.contains("boshcm.bench.micro.")) {
                    assertThat(BENCHMARKS.stream().map(Class::getName)).as(line).anyMatch(line::contains);
                }
            }
        }
    }
}
