package boshcm.protocol.sm;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.XmlPayload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** XEP-0198 §4, §5 for what the CM sends upstream in managed mode (checklist SM-2, SM-4, SM-9, SM-18). */
class OutboundLedgerTest {

    private static final long MAX = SequenceNumber.MAX;
    private static final long SECOND = 1_000_000_000L;

    private final AckPolicy policy = new AckPolicy(1000, 5, Duration.ofSeconds(10));

    @Test
    void sm2_onlyStanzasAreCountedAndQueued() {
        OutboundLedger out = new OutboundLedger(policy);
        List<XmlPayload> written = List.of(Xml.message("m1"), Xml.sm("r", Map.of()), Xml.message("m2"), Xml.presence(),
                Xml.csiActive(), Xml.iq("q1"), Xml.sm("r", Map.of()), Xml.message("m3"));
        List<Offer> offers = new ArrayList<>();
        for (XmlPayload p : written) {
            offers.add(out.offer(p, 0));
        }
        assertThat(offers).containsExactly(new Offer.Counted(1), new Offer.NotCounted(), new Offer.Counted(2),
                new Offer.Counted(3), new Offer.NotCounted(), new Offer.Counted(4), new Offer.NotCounted(),
                new Offer.Counted(5));
        assertThat(out.sentCount()).isEqualTo(5);
        assertThat(out.depth()).isEqualTo(5);
        assertThat(out.acknowledge(5)).isEqualTo(new AckOutcome.Acked(5, 5));
        assertThat(out.depth()).isZero();
    }

    @Test
    void sm3_countStartsAtZeroWhenEnableIsSent() {
        OutboundLedger out = new OutboundLedger(policy);            // created as <enable/> is written
        assertThat(out.acknowledge(0)).isEqualTo(new AckOutcome.Acked(0, 0));
        assertThat(out.offer(Xml.message("m1"), 0)).isEqualTo(new Offer.Counted(1));
        assertThat(out.acknowledge(0)).isEqualTo(new AckOutcome.Acked(0, 0));
        assertThat(out.depth()).isEqualTo(1);
    }

    /** SM-4: "the outbound counter seeded at 2^32−3, then 5 stanzas, so the counter runs 2^32−2, 2^32−1, 0, 1, 2". */
    @Test
    void sm4_countWrapsAndAcksAreTakenModuloTwoToTheThirtyTwo() {
        OutboundLedger out = new OutboundLedger(policy, MAX - 2);
        List<Long> seqs = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            seqs.add(((Offer.Counted) out.offer(Xml.message("m" + i), 0)).seq());
        }
        assertThat(seqs).containsExactly(MAX - 1, MAX, 0L, 1L, 2L);

        assertThat(out.acknowledge(1)).isEqualTo(new AckOutcome.Acked(4, 1));
        assertThat(out.unacked()).containsExactly(Xml.message("m5"));
        assertThat(out.acknowledge(2)).isEqualTo(new AckOutcome.Acked(1, 2));
        assertThat(out.depth()).isZero();

        AckOutcome tooHigh = out.acknowledge(9);
        assertThat(tooHigh).isEqualTo(new AckOutcome.TooHigh(9, 2));
        AckOutcome.TooHigh t = (AckOutcome.TooHigh) tooHigh;
        assertThat(SmElements.handledCountTooHigh(t.h(), t.sendCount()).text())
                .contains("<handled-count-too-high xmlns='urn:xmpp:sm:3' h='9' send-count='2'/>");
        assertThat(out.ackedCount()).as("an invalid h changes nothing").isEqualTo(2);
    }

    @Test
    void sm4_hBeyondWhatWasSentOrBehindTheLastAckIsTooHigh() {
        OutboundLedger out = new OutboundLedger(policy);
        out.offer(Xml.message("m1"), 0);
        out.offer(Xml.message("m2"), 0);
        assertThat(out.acknowledge(3)).isEqualTo(new AckOutcome.TooHigh(3, 2));
        assertThat(out.acknowledge(2)).isEqualTo(new AckOutcome.Acked(2, 2));
        assertThat(out.acknowledge(1)).isEqualTo(new AckOutcome.TooHigh(1, 2));
        assertThat(out.acknowledge(2)).isEqualTo(new AckOutcome.Acked(0, 2));
    }

    /** SM-4: "MongooseIM's incr_counter wraps from 2^32−2 straight to 0, one step early. Tolerate this". */
    @Test
    void sm4_mongooseImEarlyWrapIsTolerated() {
        OutboundLedger out = new OutboundLedger(policy, MAX - 2);   // both counts at 2^32−3
        out.offer(Xml.message("m1"), 0);                             // ours 2^32−2
        assertThat(out.acknowledge(MAX - 1)).isEqualTo(new AckOutcome.Acked(1, MAX - 1));
        out.offer(Xml.message("m2"), 0);                             // ours 2^32−1
        assertThat(out.acknowledge(0)).as("MongooseIM says 0 for our 2^32−1").isEqualTo(new AckOutcome.Acked(1, MAX));
        out.offer(Xml.message("m3"), 0);                             // ours 0
        assertThat(out.acknowledge(1)).as("and 1 for our 0").isEqualTo(new AckOutcome.Acked(1, 0));
        assertThat(out.depth()).isZero();
        assertThat(out.acknowledge(2)).isEqualTo(new AckOutcome.TooHigh(2, 0));
    }

    @Test
    void sm4_mongooseImEarlyWrapAmbiguousAckIsReadInOurNumberingUntilTheSkewShows() {
        OutboundLedger out = new OutboundLedger(policy, MAX - 2);
        out.offer(Xml.message("m1"), 0);                             // ours 2^32−2
        out.offer(Xml.message("m2"), 0);                             // ours 2^32−1
        out.offer(Xml.message("m3"), 0);                             // ours 0
        // MongooseIM's 0 means m2; in our numbering 0 is m3: both valid, ours is taken
        assertThat(out.acknowledge(0)).isEqualTo(new AckOutcome.Acked(3, 0));
        // its 1 (m3) is one beyond what we sent: the skew shows, and is not a stream error
        assertThat(out.acknowledge(1)).isEqualTo(new AckOutcome.Acked(0, 0));
        out.offer(Xml.message("m4"), 0);                             // ours 1, its 2
        assertThat(out.acknowledge(2)).isEqualTo(new AckOutcome.Acked(1, 1));
        assertThat(out.acknowledge(3)).isEqualTo(new AckOutcome.TooHigh(3, 1));
    }

    @Test
    void sm4_oneBeyondWhatWasSentIsTooHighWhenNoWrapHappened() {
        OutboundLedger out = new OutboundLedger(policy, 10);
        out.offer(Xml.message("m1"), 0);
        assertThat(out.acknowledge(12)).isEqualTo(new AckOutcome.TooHigh(12, 11));
    }

    /** SM-18: "20 client messages produce about 4 <r/> upstream, and the queue is empty after UM's acks". */
    @Test
    void sm18_twentyMessagesGiveFourRequestsAndAnEmptyQueueAfterTheAcks() {
        OutboundLedger out = new OutboundLedger(policy);
        List<Long> answers = new ArrayList<>();                      // the server's <a/> to each <r/>, h = its count
        long now = 0;
        for (int i = 1; i <= 20; i++) {
            now += SECOND / 100;
            out.offer(Xml.message("m" + i), now);
            if (out.shouldRequestAck(now)) {
                out.requestSent(now);
                answers.add(out.sentCount());
            }
        }
        assertThat(answers).containsExactly(5L, 10L, 15L, 20L);
        for (long h : answers) {
            assertThat(out.acknowledge(h)).isInstanceOf(AckOutcome.Acked.class);
        }
        assertThat(out.depth()).isZero();
        assertThat(out.shouldRequestAck(now + 60 * SECOND)).isFalse();
        assertThat(out.requestDueAt()).isEmpty();
    }

    @Test
    void sm18_aLoneStanzaIsAskedAboutAfterTheTimeAndAgainWhileUnanswered() {
        OutboundLedger out = new OutboundLedger(policy);
        long t0 = 5 * SECOND;
        out.offer(Xml.message("m1"), t0);
        out.offer(Xml.message("m2"), t0 + 3 * SECOND);
        assertThat(out.requestDueAt()).hasValue(t0 + 10 * SECOND);
        assertThat(out.shouldRequestAck(t0 + 10 * SECOND - 1)).isFalse();
        assertThat(out.shouldRequestAck(t0 + 10 * SECOND)).isTrue();
        out.requestSent(t0 + 10 * SECOND);
        assertThat(out.shouldRequestAck(t0 + 19 * SECOND)).isFalse();
        assertThat(out.shouldRequestAck(t0 + 20 * SECOND)).as("a silent server is asked again").isTrue();
        out.acknowledge(1);
        assertThat(out.requestDueAt()).as("m2 is younger than the last <r/>").hasValue(t0 + 20 * SECOND);
        out.acknowledge(2);
        assertThat(out.shouldRequestAck(t0 + 100 * SECOND)).isFalse();
    }

    @Test
    void sm18_timerWorksAcrossTheNanoTimeSignFlip() {
        OutboundLedger out = new OutboundLedger(policy);
        long t0 = Long.MAX_VALUE - SECOND;
        out.offer(Xml.message("m1"), t0);
        assertThat(out.shouldRequestAck(t0 + 9 * SECOND)).isFalse();
        assertThat(out.shouldRequestAck(t0 + 10 * SECOND)).isTrue();
    }

    @Test
    void sm18_theCapIsReportedAndNothingIsQueuedBeyondIt() {
        OutboundLedger out = new OutboundLedger(new AckPolicy(3, 2, Duration.ofSeconds(10)));
        for (int i = 1; i <= 3; i++) {
            assertThat(out.offer(Xml.message("m" + i), 0)).isEqualTo(new Offer.Counted(i));
        }
        assertThat(out.offer(Xml.message("m4"), 0)).isEqualTo(new Offer.Full(3));
        assertThat(out.offer(Xml.sm("r", Map.of()), 0)).as("nonzas still pass").isEqualTo(new Offer.NotCounted());
        assertThat(out.sentCount()).isEqualTo(3);
        assertThat(out.depth()).isEqualTo(3);
    }

    /** SM-12 step 5 / SM-9: "drop the out-queue entries up to and including x, retransmit the rest in order". */
    @Test
    void sm9_afterResumedTheStanzasAfterHAreRetransmittedUnderTheirNumbers() {
        OutboundLedger out = new OutboundLedger(policy);
        for (int i = 1; i <= 6; i++) {
            out.offer(Xml.message("m" + i), 0);
        }
        out.acknowledge(2);
        // the stream drops; the new stream says <resumed h='4'/>
        assertThat(out.acknowledge(4)).isEqualTo(new AckOutcome.Acked(2, 4));
        assertThat(out.unacked()).containsExactly(Xml.message("m5"), Xml.message("m6"));
        assertThat(out.offer(Xml.message("m7"), 0)).isEqualTo(new Offer.Counted(7));
        assertThat(out.acknowledge(7)).isEqualTo(new AckOutcome.Acked(3, 7));
        assertThat(out.acknowledge(8)).isInstanceOf(AckOutcome.TooHigh.class);
    }
}
