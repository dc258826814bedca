package boshcm.protocol.sm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** XEP-0198 §5 retransmissions dropped by count (checklist SM-17, SM-19). */
class ResumeDeduperTest {

    @Test
    void sm17_theFirstNMinusHRetransmissionsAreDuplicatesThenNewStanzas() {
        StanzaMark a = StanzaMark.of(Xml.message("a"));
        StanzaMark b = StanzaMark.of(Xml.message("b"));
        ResumeDeduper d = new ResumeDeduper(SequenceNumber.MAX, List.of(a, b));
        assertThat(d.remaining()).isEqualTo(2);
        assertThat(d.check(Xml.delayed("a"))).contains(new Inbound.Duplicate(0, a));
        assertThat(d.check(Xml.delayed("b"))).contains(new Inbound.Duplicate(1, b));
        assertThat(d.remaining()).isZero();
        assertThat(d.check(Xml.message("c"))).isEqualTo(Optional.empty());
    }

    @Test
    void sm19_aMismatchStillTakesItsPlaceInTheCount() {
        StanzaMark a = StanzaMark.of(Xml.message("a"));
        StanzaMark b = StanzaMark.of(Xml.message("b"));
        ResumeDeduper d = new ResumeDeduper(3, List.of(a, b));
        assertThat(d.check(Xml.message("b"))).contains(new Inbound.Mismatch(4, a, b));
        assertThat(d.check(Xml.message("c"))).contains(new Inbound.Mismatch(5, b, StanzaMark.of(Xml.message("c"))));
        assertThat(d.check(Xml.message("d"))).isEmpty();
    }

    @Test
    void onlyStanzasTakeAPlace() {
        ResumeDeduper d = new ResumeDeduper(0, List.of(StanzaMark.of(Xml.message("a"))));
        assertThatThrownBy(() -> d.check(Xml.csiActive())).isInstanceOf(IllegalArgumentException.class);
    }
}
