package boshcm.protocol.session;

import static boshcm.protocol.session.Req.msg;
import static boshcm.protocol.session.Req.serverMsg;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.BodyType;
import boshcm.protocol.error.Condition;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** XEP-0124 §10 #inactive, §11 #overactive, §12 #poll, §13 #terminate. */
class Xep0124InactivityPauseTerminateTest {

    private SessionFixture f;

    @BeforeEach
    void setUp() {
        f = new SessionFixture();
        f.create(Req.create(1000).waitSecs(3));
        f.serverReady();
    }

    @Test
    void b10_1_silentClientEndsAfterInactivityAndUpstreamClosesGracefully() {
        f.send(Req.rid(1001));
        f.advance(Duration.ofSeconds(3));                 // wait
        f.advance(Duration.ofMillis(2999));
        assertThat(f.ended()).isEmpty();
        f.advance(Duration.ofMillis(1));
        assertThat(f.ended().orElseThrow().cause()).isEqualTo(EndCause.INACTIVITY);
        assertThat(f.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::mode).containsExactly(CloseMode.GRACEFUL);
        assertThat(f.session.ended()).isTrue();
    }

    @Test
    void b10_4_pauseAnswersEverythingNowWithoutPayloadsAndStretchesInactivity() {
        ExchangeId one = f.send(Req.rid(1001));
        ExchangeId pause = f.send(Req.rid(1002).pause(8));
        assertThat(f.answered(one)).isTrue();
        assertThat(f.responseTo(pause).payloads()).isEmpty();
        f.serverSends(serverMsg("x"));
        f.advance(Duration.ofSeconds(7));
        assertThat(f.ended()).isEmpty();
        ExchangeId three = f.send(Req.rid(1003));
        assertThat(f.responseTo(three).payloads()).hasSize(1);
        // B-10-5: the next request restores normal inactivity.
        f.advance(Duration.ofSeconds(4));
        assertThat(f.ended()).isPresent();
    }

    @Test
    void b10_6_shortPauseShortensInactivity() {
        f.send(Req.rid(1001).pause(1));
        f.advance(Duration.ofSeconds(2));
        assertThat(f.ended().orElseThrow().cause()).isEqualTo(EndCause.INACTIVITY);
    }

    @Test
    void b10_7_pauseAboveMaxpauseIsPolicyViolation() {
        ExchangeId x = f.send(Req.rid(1001).pause(11));
        assertThat(f.responseTo(x).condition()).contains(Condition.POLICY_VIOLATION);
    }

    @Test
    void b14_3_7_repeatedPauseIsNotCached() {
        f.send(Req.rid(1001).pause(5));
        ExchangeId again = f.send(Req.rid(1001).pause(5));
        assertThat(f.responseTo(again).condition()).contains(Condition.ITEM_NOT_FOUND);
    }

    @Test
    void b12_3_pollingTooFastIsPolicyViolationUnlessResponseCarriedData() {
        SessionFixture p = new SessionFixture();
        p.create(Req.create(1000).hold(0));
        p.serverReady();
        p.send(Req.rid(1001));
        p.advance(Duration.ofMillis(2100));
        p.send(Req.rid(1002));
        p.advance(Duration.ofMillis(500));
        ExchangeId fast = p.send(Req.rid(1003));
        assertThat(p.responseTo(fast).condition()).contains(Condition.POLICY_VIOLATION);

        SessionFixture q = new SessionFixture();
        q.create(Req.create(1000).hold(0));
        q.serverReady();
        q.send(Req.rid(1001));
        q.advance(Duration.ofMillis(2100));
        q.serverSends(serverMsg("x"));
        q.send(Req.rid(1002));                            // carries x
        ExchangeId quick = q.send(Req.rid(1003));
        assertThat(q.responseTo(quick).isTerminal()).isFalse();
    }

    @Test
    void b11_3_strictOveractivity() {
        SessionPolicy rc = SessionFixture.rc();
        SessionPolicy strict = new SessionPolicy(rc.maxVersion(), rc.maxWait(), rc.maxHold(), rc.inactivity(),
                rc.pollingInactivity(), rc.polling(), rc.maxPause(), true, true, rc.servedDomains(), rc.routeAllowList(),
                rc.contentTypes(), "gzip", true, 32, 5, Duration.ofSeconds(10), 1 << 20, 200, 65536, true, 8);
        SessionFixture s = new SessionFixture(strict);
        s.create(Req.create(1000));
        s.serverReady();
        s.advance(Duration.ofSeconds(1));
        s.send(Req.rid(1001));
        s.advance(Duration.ofMillis(100));
        ExchangeId x = s.send(Req.rid(1002));
        assertThat(s.responseTo(x).condition()).contains(Condition.POLICY_VIOLATION);
    }

    @Test
    void b13_1_terminatePayloadsGoUpstreamBeforeClose_b13_2_oldestGetsTerminateOthersEmpty() {
        ExchangeId one = f.send(Req.rid(1001));
        ExchangeId term = f.send(Req.rid(1002).terminate().payload(msg("bye")));
        assertThat(f.responseTo(one).type()).isEqualTo(BodyType.TERMINATE);
        assertThat(f.responseTo(one).condition()).isEmpty();
        assertThat(f.responseTo(term).type()).isEqualTo(BodyType.NONE);
        int send = f.effects.indexOf(f.all(Effect.SendUpstream.class).get(0));
        int close = f.effects.indexOf(f.all(Effect.CloseUpstream.class).get(0));
        assertThat(send).isLessThan(close);
        assertThat(f.ended().orElseThrow()).isEqualTo(new Effect.Ended(EndCause.CLIENT_TERMINATE, Optional.empty()));
    }

    @Test
    void b13_2_loneTerminateGetsTerminate() {
        ExchangeId term = f.send(Req.rid(1001).terminate());
        assertThat(f.responseTo(term).type()).isEqualTo(BodyType.TERMINATE);
    }

    @Test
    void u10_upstreamLossTerminatesWithRemoteConnectionFailedCarryingPendingStanzas() {
        f.send(Req.rid(1001));
        ExchangeId held = f.send(Req.rid(1002));
        f.upstream(new boshcm.protocol.xmpp.StreamEvent.Lost("reset"));
        assertThat(f.responseTo(held).condition()).contains(Condition.REMOTE_CONNECTION_FAILED);
        assertThat(f.ended().orElseThrow().cause()).isEqualTo(EndCause.UPSTREAM);
    }

    @Test
    void terminalConditionWithNoHeldRequestIsDeliveredOnTheNextRequest() {
        f.serverSends(serverMsg("late"));                 // the creation was answered: nothing is held
        f.upstream(new boshcm.protocol.xmpp.StreamEvent.Lost("reset"));
        assertThat(f.ended()).isEmpty();
        ExchangeId x = f.send(Req.rid(1001));
        assertThat(f.responseTo(x).condition()).contains(Condition.REMOTE_CONNECTION_FAILED);
        assertThat(f.responseTo(x).payloads()).hasSize(1);
        assertThat(f.ended()).isPresent();
    }
}
