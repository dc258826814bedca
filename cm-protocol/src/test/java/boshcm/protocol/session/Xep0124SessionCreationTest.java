package boshcm.protocol.session;

import static boshcm.protocol.body.BodyAttribute.*;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.BodyType;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.error.Condition;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** XEP-0124 §7 #session-request, #session-create; XEP-0206 §4. */
class Xep0124SessionCreationTest {

    private final SessionFixture f = new SessionFixture();

    @Test
    void b7_1_5_missingOrEmptyToIsImproperAddressingAndNoConnection() {
        SessionFixture a = new SessionFixture();
        ExchangeId x = a.create(Req.create(1000).to(null));
        assertThat(a.responseTo(x).condition()).contains(Condition.IMPROPER_ADDRESSING);
        assertThat(a.all(Effect.OpenUpstream.class)).isEmpty();
        SessionFixture b = new SessionFixture();
        ExchangeId y = b.create(Req.create(1000).to(""));
        assertThat(b.responseTo(y).condition()).contains(Condition.IMPROPER_ADDRESSING);
    }

    @Test
    void b7_1_5_aToThatIsNoDomainIsImproperAddressingAndNeverReachesDnsOrLogs() {
        for (String bad : List.of("evil.test\nINFO forged line", "a b.test", "user@host.test", "host.test/res", "<x>",
                "a..test", ".test", "-a.test", "\"q\".test", "x".repeat(64) + ".test", "[zz::1]", "a\u0000.test")) {
            SessionFixture g = new SessionFixture();
            ExchangeId x = g.create(Req.create(1000).to(bad));
            assertThat(g.responseTo(x).condition()).as(bad).contains(Condition.IMPROPER_ADDRESSING);
            assertThat(g.all(Effect.OpenUpstream.class)).isEmpty();
        }
        for (String good : List.of("example.com", "Example.COM", "xn--bcher-kva.example", "bücher.example", "127.0.0.1",
                "[::1]", "localhost", "example.com.")) {
            assertThat(DomainSyntax.isDomainpart(good.toLowerCase(java.util.Locale.ROOT))).as(good).isTrue();
        }
    }

    @Test
    void b7_1_5_unservedDomainIsHostUnknown() {
        ExchangeId x = f.create(Req.create(1000).to("other.test"));
        assertThat(f.responseTo(x).condition()).contains(Condition.HOST_UNKNOWN);
        assertThat(f.all(Effect.OpenUpstream.class)).isEmpty();
        assertThat(f.ended()).isPresent();
    }

    @Test
    void b7_1_6_routeIgnoredWhenNoAllowList() {
        f.create(Req.create(1000).route("xmpp:evil.test:25"));
        Effect.OpenUpstream open = f.all(Effect.OpenUpstream.class).get(0);
        assertThat(open.target().routeHost()).isEmpty();
        assertThat(open.target().domain()).isEqualTo("example.com");
    }

    @Test
    void s6_routeHonouredOnlyWhenAllowListed() {
        SessionPolicy rc = SessionFixture.rc();
        SessionPolicy withRoutes = new SessionPolicy(rc.maxVersion(), rc.maxWait(), rc.maxHold(), rc.inactivity(),
                rc.pollingInactivity(), rc.polling(), rc.maxPause(), true, false, rc.servedDomains(),
                Set.of("xmpp.example.com:5222"), rc.contentTypes(), "gzip", true, 32, 5, Duration.ofSeconds(10),
                1 << 20, 200, 65536, true, 8);
        SessionFixture ok = new SessionFixture(withRoutes);
        ok.create(Req.create(1000).route("xmpp:xmpp.example.com:5222"));
        Effect.OpenUpstream open = ok.all(Effect.OpenUpstream.class).get(0);
        assertThat(open.target().routeHost()).contains("xmpp.example.com");
        assertThat(open.target().routePort()).isEqualTo(5222);

        SessionFixture bad = new SessionFixture(withRoutes);
        ExchangeId x = bad.create(Req.create(1000).route("xmpp:10.0.0.1:25"));
        assertThat(bad.responseTo(x).condition()).contains(Condition.HOST_UNKNOWN);
        assertThat(bad.all(Effect.OpenUpstream.class)).isEmpty();
    }

    @Test
    void b7_2_2_creationResponseCarriesSidWaitRequestsAndIsHeldUntilFeatures() {
        ExchangeId x = f.create(Req.create(1000).waitSecs(30));
        assertThat(f.answered(x)).as("X-4-1: held until features").isFalse();
        f.serverReady();
        ServerBody body = f.responseTo(x);
        assertThat(body.attribute(SID)).contains("S");
        assertThat(body.attribute(WAIT)).contains("30");
        assertThat(body.attribute(REQUESTS)).contains("2");
        assertThat(body.payloads()).hasSize(1);
        assertThat(body.attribute(XMPP_VERSION)).contains("1.0");
        assertThat(body.attribute(AUTHID)).contains("stream-1");
        assertThat(body.attribute(FROM)).contains("example.com");
    }

    @Test
    void b7_2_2_waitCappedAndMissingWaitGetsTheCap() {
        SessionFixture a = new SessionFixture();
        ExchangeId x = a.create(Req.create(1000).waitSecs(3600));
        a.serverReady();
        assertThat(a.responseTo(x).attribute(WAIT)).contains("60");
        SessionFixture b = new SessionFixture();
        ExchangeId y = b.create(Req.create(1000).waitSecs(null));
        b.serverReady();
        assertThat(b.responseTo(y).attribute(WAIT)).contains("60");
    }

    @Test
    void b7_2_3_requestsIsGrantedHoldPlusOne_b7_2_7_holdNeverAboveRequested() {
        SessionFixture a = new SessionFixture(SessionFixture.rc(2));
        ExchangeId x = a.create(Req.create(1000).hold(5));
        a.serverReady();
        ServerBody body = a.responseTo(x);
        assertThat(body.attribute(HOLD)).contains("2");
        assertThat(body.attribute(REQUESTS)).contains("3");
        SessionFixture b = new SessionFixture(SessionFixture.rc(2));
        ExchangeId y = b.create(Req.create(1000).hold(0));
        assertThat(b.responseTo(y).attribute(HOLD)).contains("0");
    }

    @Test
    void b7_2_5_verIsMinOfClientAndCm_b7_1_2_comparedAsIntegers() {
        for (String[] c : new String[][] {{"1.6", "1.6"}, {"1.10", "1.10"}, {"1.9", "1.9"}, {"2.0", "1.11"}}) {
            SessionFixture s = new SessionFixture();
            ExchangeId x = s.create(Req.create(1000).ver(c[0]));
            s.serverReady();
            assertThat(s.responseTo(x).attribute(VER)).as(c[0]).contains(c[1]);
        }
    }

    @Test
    void b7_2_6_pollingInactivityMaxpauseAcceptRestartlogicAdvertised() {
        ExchangeId x = f.create(Req.create(1000));
        f.serverReady();
        ServerBody body = f.responseTo(x);
        assertThat(body.attribute(POLLING)).contains("2");
        assertThat(body.attribute(INACTIVITY)).contains("3");
        assertThat(body.attribute(MAXPAUSE)).contains("10");          // B-7.2-11
        assertThat(body.attribute(ACCEPT)).contains("gzip");          // B-7.2-9
        assertThat(body.attribute(XMPP_RESTARTLOGIC)).contains("true"); // X-4-2
        assertThat(body.attribute(ACK)).contains("1000");             // B-7.2-10
    }

    @Test
    void b12_2_pollingSessionGetsLongerInactivity_b12_1_hold1GetsTwoRequests() {
        SessionFixture p = new SessionFixture();
        ExchangeId x = p.create(Req.create(1000).hold(0));
        assertThat(p.responseTo(x).attribute(INACTIVITY)).contains("6");
        SessionFixture q = new SessionFixture();
        ExchangeId y = q.create(Req.create(1000).hold(1));
        q.serverReady();
        assertThat(Integer.parseInt(q.responseTo(y).attribute(REQUESTS).orElseThrow())).isGreaterThanOrEqualTo(2);
    }

    @Test
    void x4_1_creationReturnsEmptyAtWaitWhenFeaturesAreLateAndFeaturesComeNext() {
        ExchangeId x = f.create(Req.create(1000));
        f.advance(Duration.ofSeconds(5));
        ServerBody first = f.responseTo(x);
        assertThat(first.payloads()).isEmpty();
        assertThat(first.attribute(SID)).contains("S");
        ExchangeId y = f.send(Req.rid(1001));
        f.serverReady();
        ServerBody second = f.responseTo(y);
        assertThat(second.payloads()).hasSize(1);
        assertThat(second.attribute(XMPP_VERSION)).contains("1.0");
        assertThat(second.attribute(SID)).as("B-7.2-4").isEmpty();
    }

    @Test
    void s12_contentTypeOutsideAllowListIsBadRequest_b7_1_3_contentUsedOnEveryResponse() {
        SessionFixture a = new SessionFixture();
        ExchangeId x = a.create(Req.create(1000).content("application/javascript"));
        assertThat(a.responseTo(x).condition()).contains(Condition.BAD_REQUEST);

        SessionFixture b = new SessionFixture();
        b.create(Req.create(1000).content("text/html; charset=utf-8"));
        b.serverReady();
        b.send(Req.rid(1001));
        b.send(Req.rid(1001));
        b.send(Req.rid(1009));
        assertThat(b.responses()).hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(r -> assertThat(r.contentType()).isEqualTo("text/html; charset=utf-8"));
    }

    @Test
    void b17_1_1_legacyClientGetsHttpCodesModernGetsTerminateBodies() {
        SessionFixture legacy = new SessionFixture();
        legacy.create(Req.create(1000).noVer());
        legacy.serverReady();
        ExchangeId x = legacy.send(Req.rid(1009));
        assertThat(legacy.responsesTo(x).get(0).httpStatus()).isEqualTo(404);

        SessionFixture modern = new SessionFixture();
        modern.create(Req.create(1000));
        modern.serverReady();
        ExchangeId y = modern.send(Req.rid(1009));
        assertThat(modern.responsesTo(y).get(0).httpStatus()).isEqualTo(200);
        assertThat(modern.responseTo(y).condition()).contains(Condition.ITEM_NOT_FOUND);
    }

    /**
     * XEP-0124 §7.1 (B-7.1-9): creation-only attributes on a later request renegotiate nothing. The
     * session keeps wait 3 s, hold 1 and the default Content-Type; {@code ver} and {@code route} change
     * nothing either, and no second connection is opened. ({@code to} is B-16-1 / B-16-2.)
     */
    @Test
    void b7_1_9_creationAttributesOnALaterRequestDoNotRenegotiate() {
        SessionFixture g = new SessionFixture(SessionFixture.rc(2));  // a later hold='2' would be grantable
        g.create(Req.create(1000).waitSecs(3).hold(1));
        g.serverReady();
        ExchangeId first = g.send(Req.rid(1001).waitSecs(1).hold(2).content("text/plain; charset=utf-8")
                .ver("1.6").route("xmpp:evil.test:25"));
        g.advance(Duration.ofSeconds(2));
        assertThat(g.answered(first)).as("wait is still 3 s, not 1 s").isFalse();
        ExchangeId second = g.send(Req.rid(1002).waitSecs(60).hold(2));
        assertThat(g.answered(first)).as("hold is still 1: the next request releases the held one").isTrue();
        assertThat(g.answered(second)).isFalse();
        g.advance(Duration.ofSeconds(3));
        assertThat(g.answered(second)).as("answered at the negotiated wait").isTrue();
        assertThat(g.responses()).hasSize(3)
                .allSatisfy(r -> assertThat(r.contentType()).isEqualTo("text/xml; charset=utf-8"))
                .allSatisfy(r -> assertThat(r.httpStatus()).isEqualTo(200));
        assertThat(g.responses().subList(1, 3)).allSatisfy(r -> {
            assertThat(r.body().isTerminal()).isFalse();
            assertThat(r.body().attribute(VER)).isEmpty();
        });
        SessionParams p = g.session.params().orElseThrow();
        assertThat(p.waitPeriod()).isEqualTo(Duration.ofSeconds(3));
        assertThat(p.hold()).isEqualTo(1);
        assertThat(p.ver().orElseThrow()).hasToString("1.11");
        assertThat(g.all(Effect.OpenUpstream.class)).hasSize(1);
        assertThat(g.ended()).isEmpty();
    }

    @Test
    void b7_1_10_x3_1_upstreamHeaderCarriesLangVersionAndFrom() {
        f.create(Req.create(1000).lang("de").from("user@example.com"));
        Effect.OpenUpstream open = f.all(Effect.OpenUpstream.class).get(0);
        assertThat(open.header().lang()).contains("de");
        assertThat(open.header().version()).contains("1.0");
        assertThat(open.header().from()).contains("user@example.com");
        assertThat(open.header().to()).contains("example.com");
        assertThat(open.header().id()).isEmpty();
    }

    @Test
    void b7_2_4_laterResponsesCarryNoCreationAttributes() {
        f.create(Req.create(1000));
        f.serverReady();
        for (int i = 1; i <= 5; i++) {
            f.send(Req.rid(1000 + i));
            f.serverSends(Req.serverMsg("m" + i));
        }
        f.responses().stream().skip(1).forEach(r -> {
            for (var a : List.of(SID, WAIT, REQUESTS, POLLING, INACTIVITY, HOLD, VER, MAXPAUSE, ACCEPT, CHARSETS)) {
                assertThat(r.body().attribute(a)).as(a.name()).isEmpty();
            }
            assertThat(r.body().type()).isEqualTo(BodyType.NONE);
        });
        assertThat(f.ended()).isEqualTo(Optional.empty());
    }
}
