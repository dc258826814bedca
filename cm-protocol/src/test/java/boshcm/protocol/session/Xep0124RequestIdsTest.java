package boshcm.protocol.session;

import static boshcm.protocol.session.Req.msg;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.BodyAttribute;
import boshcm.protocol.body.BodyType;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.error.Condition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** XEP-0124 §14 #rids: ordering, window, retransmission. */
class Xep0124RequestIdsTest {

    private SessionFixture f;

    @BeforeEach
    void setUp() {
        f = new SessionFixture(SessionFixture.rc(2));
        f.create(Req.create(1000).hold(2));
        f.serverReady();
    }

    @Test
    void b14_2_1_outOfOrderRequestsAreForwardedAndAnsweredInRidOrder() {
        ExchangeId two = f.send(Req.rid(1002).payload(msg("b")));
        assertThat(f.sentUpstream()).as("nothing before rid 1001 arrives").isEmpty();
        ExchangeId one = f.send(Req.rid(1001).payload(msg("a")));
        assertThat(f.sentUpstreamIds()).containsExactly("a", "b");
        f.serverSends(Req.serverMsg("x"));
        assertThat(f.responseTo(one).payloads()).hasSize(1);
        assertThat(f.answered(two)).isFalse();
    }

    @Test
    void b14_2_2_ridBeyondWindowTerminatesWithItemNotFound() {
        SessionFixture g = new SessionFixture();
        g.create(Req.create(1000));
        g.serverReady();
        ExchangeId ahead = g.send(Req.rid(1002));
        assertThat(g.answered(ahead)).isFalse();
        ExchangeId beyond = g.send(Req.rid(1003));
        assertThat(g.responseTo(beyond).condition()).contains(Condition.ITEM_NOT_FOUND);
        assertThat(g.responseTo(ahead).condition()).contains(Condition.OTHER_REQUEST);
        assertThat(g.ended()).isPresent();
    }

    @Test
    void b14_3_2_repeatedAnsweredRidGetsCachedResponseAndIsNotForwardedAgain() {
        ClientBody r1 = Req.rid(1001).payload(msg("a")).build();
        ExchangeId first = f.send(r1);
        f.serverSends(Req.serverMsg("x"));
        ServerBody original = f.responseTo(first);
        ExchangeId again = f.send(r1);
        assertThat(f.responseTo(again)).isEqualTo(original);
        assertThat(f.sentUpstreamIds()).containsExactly("a");
    }

    @Test
    void b14_3_3_repeatOfPendingRidAnswersOldConnectionWithRecoverableError() {
        ClientBody r1 = Req.rid(1001).build();
        ExchangeId a = f.send(r1);
        ExchangeId b = f.send(r1);
        assertThat(f.responseTo(a).type()).isEqualTo(BodyType.ERROR);
        assertThat(f.answered(b)).isFalse();
        f.serverSends(Req.serverMsg("x"));
        assertThat(f.responseTo(b).payloads()).hasSize(1);
        assertThat(f.ended()).isEmpty();
    }

    @Test
    void b14_3_3_repeatOfRidWaitingAheadOfGapAnswersOldConnectionWithRecoverableError() {
        ClientBody r2 = Req.rid(1002).payload(msg("b")).build();
        ExchangeId a = f.send(r2);
        ExchangeId b = f.send(r2);
        assertThat(f.responseTo(a).type()).isEqualTo(BodyType.ERROR);
        f.send(Req.rid(1001).payload(msg("a")));
        assertThat(f.sentUpstreamIds()).containsExactly("a", "b");
        assertThat(f.answered(b)).isFalse();
    }

    @Test
    void b17_3_1_afterRecoverableErrorRetransmissionsAreProcessedOnce() {
        ClientBody r1 = Req.rid(1001).payload(msg("a")).build();
        f.send(r1);
        f.send(r1);
        f.send(r1);
        f.send(Req.rid(1002).payload(msg("c")));
        assertThat(f.sentUpstreamIds()).containsExactly("a", "c");
        assertThat(f.ended()).isEmpty();
    }

    @Test
    void b14_3_5_ridNoLongerCachedIsItemNotFound_b14_3_6_sameBodyAsTooNew() {
        SessionFixture g = new SessionFixture();
        g.create(Req.create(1000));
        g.serverReady();
        for (int i = 1; i <= 40; i++) {                   // past the 32 responses the RC keeps
            g.send(Req.rid(1000 + i));
        }
        ExchangeId old = g.send(Req.rid(1001));
        ServerBody tooOld = g.responseTo(old);
        assertThat(tooOld.condition()).contains(Condition.ITEM_NOT_FOUND);

        SessionFixture h = new SessionFixture();
        h.create(Req.create(1000));
        h.serverReady();
        ExchangeId x = h.send(Req.rid(1009));
        assertThat(h.responseTo(x).without(BodyAttribute.ACK)).isEqualTo(tooOld.without(BodyAttribute.ACK));
    }

    @Test
    void b14_3_4_tooManyRepeatsIsPolicyViolation() {
        ClientBody r1 = Req.rid(1001).build();
        f.send(r1);
        f.send(Req.rid(1002));
        f.send(Req.rid(1003));        // 1001 answered (hold 2)
        for (int i = 0; i < 5; i++) {
            ExchangeId x = f.send(r1);
            assertThat(f.responseTo(x).type()).isEqualTo(BodyType.NONE);
        }
        ExchangeId sixth = f.send(r1);
        assertThat(f.responseTo(sixth).condition()).contains(Condition.POLICY_VIOLATION);
    }

    @Test
    void b11_2_terminateMayExceedTheWindowByOne() {
        SessionFixture g = new SessionFixture();
        g.create(Req.create(1000));
        g.serverReady();
        g.send(Req.rid(1002).payload(msg("b")));
        ExchangeId term = g.send(Req.rid(1003).terminate());
        assertThat(g.answered(term)).isFalse();
        g.send(Req.rid(1001).payload(msg("a")));
        assertThat(g.sentUpstreamIds()).containsExactly("a", "b");
        assertThat(g.ended()).isPresent();
        assertThat(g.ended().get().cause()).isEqualTo(EndCause.CLIENT_TERMINATE);
    }

    /** B-11-2 for pause: a pause request may be one beyond the window; it waits for the gap like any other. */
    @Test
    void b11_2_pauseMayExceedTheWindowByOne() {
        SessionFixture g = new SessionFixture();
        g.create(Req.create(1000));
        g.serverReady();
        g.send(Req.rid(1002).payload(msg("b")));
        ExchangeId pause = g.send(Req.rid(1003).pause(5));
        assertThat(g.answered(pause)).as("admitted, not item-not-found").isFalse();
        g.send(Req.rid(1001).payload(msg("a")));
        assertThat(g.sentUpstreamIds()).containsExactly("a", "b");
        assertThat(g.responseTo(pause).isTerminal()).isFalse();
        assertThat(g.responseTo(pause).payloads()).isEmpty();
        assertThat(g.ended()).isEmpty();
    }

    @Test
    void b14_1_1_largeRidsWork() {
        SessionFixture g = new SessionFixture();
        long base = 9_007_199_254_740_000L;
        g.create(Req.create(base));
        g.serverReady();
        for (int i = 1; i <= 10; i++) {
            g.send(Req.rid(base + i).payload(msg("m" + i)));
        }
        assertThat(g.sentUpstream()).hasSize(10);
        assertThat(g.ended()).isEmpty();
    }
}
