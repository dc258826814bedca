package boshcm.protocol.session;

import static boshcm.protocol.session.Req.msg;
import static boshcm.protocol.session.Req.serverMsg;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.BodyAttribute;
import boshcm.protocol.body.ServerBody;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** XEP-0124 §8 #payloads and §9 #acks. */
class Xep0124PayloadsTest {

    private final SessionFixture f = new SessionFixture();

    private void ready() {
        f.create(Req.create(1000).waitSecs(3));
        f.serverReady();
    }

    @Test
    void b8_3_emptyPollReturnsEmptyAtWaitNotBefore_b8_4_b8_6() {
        ready();
        ExchangeId x = f.send(Req.rid(1001));
        f.advance(Duration.ofMillis(2999));
        assertThat(f.answered(x)).isFalse();
        f.advance(Duration.ofMillis(1));
        ServerBody body = f.responseTo(x);
        assertThat(body.payloads()).isEmpty();
        assertThat(body.isTerminal()).isFalse();
    }

    @Test
    void b8_3_hold1_secondRequestReleasesTheFirst() {
        ready();
        ExchangeId one = f.send(Req.rid(1001));
        ExchangeId two = f.send(Req.rid(1002));
        assertThat(f.responseTo(one).payloads()).isEmpty();
        assertThat(f.answered(two)).isFalse();
    }

    @Test
    void b8_3_hold2_dataGoesOnTheOldestHeldRequest() {
        SessionFixture g = new SessionFixture(SessionFixture.rc(2));
        g.create(Req.create(1000).hold(2));
        g.serverReady();
        ExchangeId one = g.send(Req.rid(1001));
        ExchangeId two = g.send(Req.rid(1002));
        assertThat(g.answered(one)).as("two held with hold=2").isFalse();
        g.serverSends(serverMsg("x"));
        assertThat(g.responseTo(one).payloads()).extracting(p -> p.attribute("id").orElseThrow()).containsExactly("x");
        assertThat(g.answered(two)).isFalse();
    }

    @Test
    void b8_5_serverPayloadSentAtOnce_b8_1_clientPayloadForwardedAtOnce() {
        ready();
        ExchangeId x = f.send(Req.rid(1001).payload(msg("a")));
        assertThat(f.sentUpstreamIds()).containsExactly("a");
        assertThat(f.answered(x)).isFalse();
        f.serverSends(serverMsg("y"));
        assertThat(f.responseTo(x).payloads()).hasSize(1);
    }

    @Test
    void b9_1_1_ackIsHighestContiguousRid_b7_2_10_omittedWhenEqualToOwnRid() {
        // The checklist's scenario: R(1) held, R(3) arrives across a gap, then R(2). Three requests in
        // flight with requests=2 is tolerated: the rid window bounds them (see ClientActivity.overactive).
        ready();
        ExchangeId one = f.send(Req.rid(1001));
        ExchangeId three = f.send(Req.rid(1003));
        assertThat(f.answered(one)).as("the gap keeps 1001 held").isFalse();
        ExchangeId two = f.send(Req.rid(1002));
        assertThat(f.responseTo(one).attribute(BodyAttribute.ACK)).contains("1003");
        assertThat(f.responseTo(two).attribute(BodyAttribute.ACK)).contains("1003");
        assertThat(f.answered(three)).isFalse();
        f.advance(Duration.ofSeconds(3));
        assertThat(f.responseTo(three).attribute(BodyAttribute.ACK)).as("would equal its own rid").isEmpty();
    }

    @Test
    void b9_2_1_lowAckAfterASecondGetsImmediateReport() {
        f.create(Req.create(1000).ack(1));
        f.serverReady();
        f.send(Req.rid(1001));
        f.serverSends(serverMsg("a"));
        f.send(Req.rid(1002));
        f.serverSends(serverMsg("b"));
        f.advance(Duration.ofSeconds(1));
        ExchangeId x = f.send(Req.rid(1003).ack(1001));
        ServerBody body = f.responseTo(x);
        assertThat(body.attribute(BodyAttribute.REPORT)).contains("1002");
        assertThat(Long.parseLong(body.attribute(BodyAttribute.TIME).orElseThrow())).isBetween(1000L, 1100L);
    }

    @Test
    void b7_1_8_clientAcksKeepUnacknowledgedResponsesAndNoAckMeansAllReceived() {
        f.create(Req.create(1000).ack(1));
        f.serverReady();
        f.send(Req.rid(1001));
        f.serverSends(serverMsg("a"));
        f.send(Req.rid(1002));
        f.serverSends(serverMsg("b"));
        f.send(Req.rid(1003).ack(1001));
        f.send(Req.rid(1004).ack(1001));
        ExchangeId replay = f.send(Req.rid(1002));
        assertThat(f.responseTo(replay).payloads()).as("still unacknowledged, still cached").hasSize(1);
        f.send(Req.rid(1005));
        ExchangeId late = f.send(Req.rid(1002));
        assertThat(f.responseTo(late).isTerminal()).isTrue();
    }

    @Test
    void x2_1_featuresAndSaslTravelAloneStanzasAreBatched() {
        f.create(Req.create(1000));
        ExchangeId x = f.send(Req.rid(1001));   // releases the creation request
        f.serverReady();
        f.serverSends(Req.element("urn:ietf:params:xml:ns:xmpp-sasl", "success"), serverMsg("a"), serverMsg("b"));
        assertThat(f.responseTo(x).payloads()).extracting(p -> p.localName()).containsExactly("features");
        ExchangeId y = f.send(Req.rid(1002));
        assertThat(f.responseTo(y).payloads()).extracting(p -> p.localName()).containsExactly("success");
        ExchangeId z = f.send(Req.rid(1003));
        assertThat(f.responseTo(z).payloads()).hasSize(2);
    }

    @Test
    void exchangeGoneLeavesDataForTheNextRequestAndCachesAnEmptyAnswer() {
        ready();
        ExchangeId one = f.send(Req.rid(1001));
        f.gone(one);
        f.serverSends(serverMsg("x"));
        ExchangeId retry = f.send(Req.rid(1001));
        assertThat(f.responseTo(retry).payloads()).isEmpty();
        ExchangeId two = f.send(Req.rid(1002));
        assertThat(f.responseTo(two).payloads()).hasSize(1);
    }
}
