package boshcm.bench.load.measure;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.bench.load.measure.Sequence.Arrival;
import org.junit.jupiter.api.Test;

class SequenceTest {

    @Test
    void inOrderGapAndLateArrivals() {
        Sequence s = new Sequence();
        s.expect(0);
        assertThat(s.arrived(0)).isEqualTo(Arrival.IN_ORDER);
        assertThat(s.arrived(1)).isEqualTo(Arrival.IN_ORDER);
        assertThat(s.arrived(3)).isEqualTo(Arrival.AFTER_GAP);
        assertThat(s.arrived(2)).isEqualTo(Arrival.LATE);
        assertThat(s.arrived(4)).isEqualTo(Arrival.IN_ORDER);
        assertThat(s.arrived(4)).isEqualTo(Arrival.LATE); // a duplicate
        assertThat(s.expected()).isEqualTo(5);
    }
}
