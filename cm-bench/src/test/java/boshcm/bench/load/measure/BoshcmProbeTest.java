package boshcm.bench.load.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoshcmProbeTest {

    private static final String METRICS = """
            # HELP jvm_memory_used_bytes The amount of used memory
            # TYPE jvm_memory_used_bytes gauge
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1000.0
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 2.5E7
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 3.0E7
            jvm_buffer_memory_used_bytes{id="direct"} 65536.0
            jvm_buffer_memory_used_bytes{id="mapped"} 0.0
            bosh_sessions_active 42.0
            bosh_sessions_active_total 7.0
            bosh_sessions_ended_total{cause="client-terminate",condition="none"} 10.0
            bosh_sessions_ended_total{cause="upstream",condition="remote-connection-failed"} 3.0
            """;

    @Test
    void valuesAreSummedOverTheMatchingLabels() {
        assertThat(BoshcmProbe.value(METRICS, "jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(25_001_000.0);
        assertThat(BoshcmProbe.value(METRICS, "jvm_buffer_memory_used_bytes", "id=\"direct\"")).isEqualTo(65536.0);
        assertThat(BoshcmProbe.value(METRICS, "bosh_sessions_active")).isEqualTo(42.0);
        assertThat(BoshcmProbe.value(METRICS, "bosh_sessions_ended_total", "cause=\"upstream\"")).isEqualTo(3.0);
        assertThat(BoshcmProbe.value(METRICS, "no_such_metric")).isZero();
    }

    @Test
    void samplesAreListedByTheirLabels() {
        assertThat(BoshcmProbe.samples(METRICS, "bosh_sessions_ended_total")).containsExactly(
                java.util.Map.entry("{cause=\"client-terminate\",condition=\"none\"}", 10.0),
                java.util.Map.entry("{cause=\"upstream\",condition=\"remote-connection-failed\"}", 3.0));
        assertThat(BoshcmProbe.samples(METRICS, "bosh_sessions_active")).containsExactly(java.util.Map.entry("", 42.0));
    }
}
