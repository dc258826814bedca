package boshcm.protocol.sm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** XEP-0198 §4: h is an xs:unsignedInt that wraps from 2^32−1 to 0 (checklist SM-4). */
class SequenceNumberTest {

    private static final long MAX = 4_294_967_295L;

    @Test
    void sm4_incrementWrapsFromTwoToTheThirtyTwoMinusOneToZero() {
        assertThat(SequenceNumber.MAX).isEqualTo(MAX);
        assertThat(SequenceNumber.next(MAX - 1)).isEqualTo(MAX);
        assertThat(SequenceNumber.next(MAX)).isZero();
        assertThat(SequenceNumber.previous(0)).isEqualTo(MAX);
        assertThat(SequenceNumber.add(MAX - 2, 5)).isEqualTo(2);
    }

    @Test
    void sm4_distanceIsTakenModuloTwoToTheThirtyTwo() {
        assertThat(SequenceNumber.distance(MAX - 2, 2)).isEqualTo(5);
        assertThat(SequenceNumber.distance(3, 3)).isZero();
        assertThat(SequenceNumber.distance(3, 2)).isEqualTo(MAX);
        assertThat(SequenceNumber.within(MAX - 2, 1, 2)).isTrue();
        assertThat(SequenceNumber.within(MAX - 2, MAX - 2, 2)).isTrue();
        assertThat(SequenceNumber.within(MAX - 2, 3, 2)).isFalse();
        assertThat(SequenceNumber.within(MAX - 2, MAX - 3, 2)).as("behind the last ack").isFalse();
    }

    @Test
    void sm4_hAttributeIsAnUnsignedInt() {
        assertThat(SequenceNumber.parse("0")).hasValue(0);
        assertThat(SequenceNumber.parse("4294967295")).hasValue(MAX);
        assertThat(SequenceNumber.parse(" +007 ")).hasValue(7);
        assertThat(SequenceNumber.parse("-0")).hasValue(0);
        assertThat(SequenceNumber.parse("00000000000000000000004294967295")).hasValue(MAX);
        for (String bad : new String[] {"4294967296", "99999999999999999999999", "-1", "", " ", "+", "1.0", "0x10", "1e3", "٣"}) {
            assertThat(SequenceNumber.parse(bad)).as(bad).isEqualTo(OptionalLong.empty());
        }
    }

    @Test
    void valuesOutsideTheRangeAreBugs() {
        assertThatThrownBy(() -> SequenceNumber.next(MAX + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SequenceNumber.toWire(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SequenceNumber.add(0, -1)).isInstanceOf(IllegalArgumentException.class);
    }
}
