package boshcm.protocol.session;

import static boshcm.protocol.session.Req.msg;
import static boshcm.protocol.session.Req.serverMsg;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.BodyAttribute;
import boshcm.protocol.body.BodyType;
import boshcm.protocol.body.ServerBody;
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

    /** B-10-7 with {@code session.reject-long-pause=false}: a pause above maxpause is ignored, the request is ordinary. */
    @Test
    void b10_7_longPauseIsIgnoredWhenRejectLongPauseIsOff() {
        SessionFixture g = new SessionFixture(SessionFixture.rcWithPause(Duration.ofSeconds(10), false));
        g.create(Req.create(1000).waitSecs(3));
        g.serverReady();
        ExchangeId x = g.send(Req.rid(1001).pause(11));
        assertThat(g.answered(x)).as("held like an ordinary request").isFalse();
        g.advance(Duration.ofSeconds(3));                 // wait
        assertThat(g.responseTo(x).isTerminal()).isFalse();
        g.advance(Duration.ofSeconds(3));                 // normal inactivity, not 11 s
        assertThat(g.ended().orElseThrow().cause()).isEqualTo(EndCause.INACTIVITY);
    }

    /**
     * XEP-0124 §10 #inactive (B-10-8): "If the connection manager did not specify a maximum pause
     * period [...] the client MUST NOT send a 'pause' attribute"; when one comes anyway (maxpause off,
     * {@code session.max-pause=0s}) it is ignored and the request is an ordinary poll: held, able to
     * carry data, and the normal inactivity applies.
     */
    @Test
    void b10_8_pauseIsIgnoredWhenMaxpauseIsOff() {
        SessionFixture g = new SessionFixture(SessionFixture.rcWithPause(Duration.ZERO, true));
        ExchangeId creation = g.create(Req.create(1000).waitSecs(3));
        g.serverReady();
        assertThat(g.responseTo(creation).attribute(BodyAttribute.MAXPAUSE)).isEmpty();
        ExchangeId one = g.send(Req.rid(1001));
        ExchangeId pause = g.send(Req.rid(1002).pause(5));
        assertThat(g.answered(one)).as("released by the next request, hold=1").isTrue();
        assertThat(g.answered(pause)).as("held like a poll, not answered at once").isFalse();
        g.serverSends(serverMsg("x"));
        assertThat(g.responseTo(pause).payloads()).as("a pause response never carries data").hasSize(1);
        ExchangeId huge = g.send(Req.rid(1003).pause(100_000));
        assertThat(g.answered(huge)).as("not policy-violation either").isFalse();
        g.advance(Duration.ofSeconds(3));                 // wait
        assertThat(g.responseTo(huge).isTerminal()).isFalse();
        g.advance(Duration.ofSeconds(3));                 // normal inactivity
        assertThat(g.ended().orElseThrow().cause()).isEqualTo(EndCause.INACTIVITY);
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

    /**
     * XEP-0124 §13 #terminate (B-13-3): a terminated session is gone. A new request and the replay of
     * the terminate request both get item-not-found; nothing more goes upstream.
     */
    @Test
    void b13_3_terminatedSessionIsGone() {
        ExchangeId one = f.send(Req.rid(1001));
        f.send(Req.rid(1002).terminate());
        assertThat(f.responseTo(one).type()).isEqualTo(BodyType.TERMINATE);
        ExchangeId next = f.send(Req.rid(1003).payload(msg("late")));
        ExchangeId replay = f.send(Req.rid(1002).terminate());
        ExchangeId older = f.send(Req.rid(1001));
        assertThat(f.responseTo(next).condition()).contains(Condition.ITEM_NOT_FOUND);
        assertThat(f.responseTo(replay).condition()).contains(Condition.ITEM_NOT_FOUND);
        assertThat(f.responseTo(older).condition()).contains(Condition.ITEM_NOT_FOUND);
        assertThat(f.sentUpstream()).isEmpty();
        assertThat(f.all(Effect.OpenUpstream.class)).hasSize(1);
    }

    /** XEP-0206 §7 (X-7-1): stanzas waiting for a client that terminates are bounced before the stream closes. */
    @Test
    void x7_1_undeliveredStanzasBounceWhenTheClientTerminates() {
        f.serverSends(serverMsg("m1"));                   // the creation was answered: nothing is held
        f.send(Req.rid(1001).terminate());
        assertBouncedThenClosed("m1");
        assertThat(f.ended().orElseThrow().cause()).isEqualTo(EndCause.CLIENT_TERMINATE);
    }

    /** XEP-0206 §7 (X-7-1): stanzas waiting when a binding error ends the session are bounced. */
    @Test
    void x7_1_undeliveredStanzasBounceWhenABindingErrorEndsTheSession() {
        f.serverSends(serverMsg("m1"));
        ExchangeId x = f.send(Req.rid(1009));             // beyond the window
        assertThat(f.responseTo(x).condition()).contains(Condition.ITEM_NOT_FOUND);
        assertBouncedThenClosed("m1");
        assertThat(f.ended().orElseThrow().cause()).isEqualTo(EndCause.BINDING_ERROR);
    }

    /**
     * XEP-0124 §17.2 (B-17.2-5) system-shutdown: every open request gets it (one held, one waiting
     * behind a rid gap), waiting stanzas are bounced (X-7-1), and the stream closes gracefully.
     */
    @Test
    void b17_2_5_x7_1_shutdownAnswersOpenRequestsBouncesStanzasAndClosesGracefully() {
        f.serverSends(serverMsg("m1"));                   // nothing held: m1 waits
        ExchangeId ahead = f.send(Req.rid(1002));         // waits for rid 1001
        f.shutdown();
        assertThat(f.responseTo(ahead).condition()).contains(Condition.SYSTEM_SHUTDOWN);
        assertBouncedThenClosed("m1");
        assertThat(f.ended().orElseThrow()).isEqualTo(new Effect.Ended(EndCause.SHUTDOWN, Optional.of(Condition.SYSTEM_SHUTDOWN)));

        SessionFixture g = new SessionFixture();
        g.create(Req.create(1000).waitSecs(3));
        g.serverReady();
        ExchangeId held = g.send(Req.rid(1001));
        g.shutdown();
        assertThat(g.responseTo(held).condition()).contains(Condition.SYSTEM_SHUTDOWN);
        assertThat(g.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::mode).containsExactly(CloseMode.GRACEFUL);

        // The upstream already lost, its stanza waiting with the end for the next request: it is
        // reported undeliverable (it cannot bounce), not dropped silently.
        SessionFixture h = new SessionFixture();
        h.create(Req.create(1000).waitSecs(3));
        h.serverReady();
        h.serverSends(serverMsg("m2"));
        h.upstream(new boshcm.protocol.xmpp.StreamEvent.Lost("reset"));
        h.shutdown();
        assertThat(h.all(Effect.Undeliverable.class)).flatExtracting(Effect.Undeliverable::payloads)
                .extracting(p -> p.attribute("id").orElseThrow()).containsExactly("m2");
        assertThat(h.ended().orElseThrow().cause()).isEqualTo(EndCause.SHUTDOWN);
    }

    /**
     * XEP-0124 §17.2 (B-17.2-3) see-other-uri: a node that stops with a successor configured gives
     * every open request the terminate with the {@code <uri/>} child instead of system-shutdown; the
     * rest (bounces, graceful close) is the same as B-17.2-5.
     */
    @Test
    void b17_2_3_shutdownWithASuccessorAnswersSeeOtherUriWithTheUri() {
        f.serverSends(serverMsg("m1"));                   // nothing held: m1 waits
        ExchangeId held = f.send(Req.rid(1001));          // carries m1 at once
        ExchangeId next = f.send(Req.rid(1002));          // held
        f.shutdown(ServerBody.seeOtherUri("https://cm2.example.com/http-bind"));
        ServerBody farewell = f.responseTo(next);
        assertThat(farewell.condition()).contains(Condition.SEE_OTHER_URI);
        assertThat(farewell.payloads()).singleElement().satisfies(p -> {
            assertThat(p.is(boshcm.protocol.body.Namespaces.HTTPBIND, "uri")).isTrue();
            assertThat(p.text()).isEqualTo("<uri>https://cm2.example.com/http-bind</uri>");
        });
        assertThat(f.responseTo(held).payloads()).isNotEmpty();
        assertThat(f.ended().orElseThrow()).isEqualTo(new Effect.Ended(EndCause.SHUTDOWN, Optional.of(Condition.SEE_OTHER_URI)));
        assertThat(f.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::mode).containsExactly(CloseMode.GRACEFUL);
    }

    @Test
    void shutdownRefusesAFarewellThatIsNotATerminalCondition() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.session.onShutdown(ServerBody.terminate(), f.now))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(f.ended()).isEmpty();
    }

    private void assertBouncedThenClosed(String... ids) {
        String stream = f.all(Effect.OpenUpstream.class).get(0).stream();
        assertThat(f.bouncedIds(stream)).containsExactly(ids);
        int bounce = f.effects.indexOf(f.all(Effect.Bounce.class).get(0));
        int close = f.effects.indexOf(f.all(Effect.CloseUpstream.class).get(0));
        assertThat(bounce).as("bounced before the stream closes").isLessThan(close);
        assertThat(f.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::mode).containsExactly(CloseMode.GRACEFUL);
    }

    @Test
    void u10_upstreamLossTerminatesWithRemoteConnectionFailedCarryingPendingStanzas() {
        f.send(Req.rid(1001));
        ExchangeId held = f.send(Req.rid(1002));
        f.upstream(new boshcm.protocol.xmpp.StreamEvent.Lost("reset"));
        assertThat(f.responseTo(held).condition()).contains(Condition.REMOTE_CONNECTION_FAILED);
        assertThat(f.ended().orElseThrow().cause()).isEqualTo(EndCause.UPSTREAM);
    }

    /**
     * U-10 with nothing held but a request waiting ahead of a rid gap (the client lost the one before it):
     * that request carries the condition and the stanzas, and the session ends at once instead of
     * waiting out inactivity for a rid the client, told the session is over, will never send.
     */
    @Test
    void u10_upstreamLossWithOnlyARequestAheadOfAGapEndsTheSessionOnThatRequest() {
        f.serverSends(serverMsg("late"));                 // the creation was answered: nothing is held
        ExchangeId ahead = f.send(Req.rid(1002));         // waits for rid 1001
        assertThat(f.answered(ahead)).isFalse();
        f.upstream(new boshcm.protocol.xmpp.StreamEvent.Lost("reset"));
        assertThat(f.responseTo(ahead).condition()).contains(Condition.REMOTE_CONNECTION_FAILED);
        assertThat(f.responseTo(ahead).payloads()).as("the stanza the client has not read").hasSize(1);
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
