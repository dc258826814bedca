package boshcm.protocol.session;

import static boshcm.protocol.session.Req.msg;
import static boshcm.protocol.session.Req.serverMsg;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.xmpp.StreamEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** XEP-0206: XMPP over BOSH. */
class Xep0206Test {

    private SessionFixture f;

    @BeforeEach
    void setUp() {
        f = new SessionFixture();
        f.create(Req.create(1000).from("u@example.com"));
        f.serverReady();
    }

    @Test
    void x5_2_restartSendsNewHeaderOnSameConnection_x5_4_restartPayloadsIgnored() {
        f.send(Req.rid(1001).payload(Req.element(Namespaces.SASL, "auth")));
        f.serverSends(Req.element(Namespaces.SASL, "success"));
        ExchangeId restart = f.send(Req.rid(1002).restart().payload(msg("a")));
        List<Effect.RestartUpstream> restarts = f.all(Effect.RestartUpstream.class);
        assertThat(restarts).hasSize(1);
        assertThat(restarts.get(0).header().to()).as("X-5-5 falls back to the session's to").contains("example.com");
        assertThat(restarts.get(0).header().from()).contains("u@example.com");
        assertThat(f.sentUpstreamIds()).containsExactly("auth");
        assertThat(f.all(Effect.OpenUpstream.class)).hasSize(1);
        f.upstream(new StreamEvent.Features(Req.features(), null));
        assertThat(f.responseTo(restart).payloads()).extracting(XmlPayload::localName).containsExactly("features");
    }

    @Test
    void x5_6_restartFromGoesIntoNewHeader() {
        f.send(Req.rid(1001).restart().from("other@example.com"));
        assertThat(f.all(Effect.RestartUpstream.class).get(0).header().from()).contains("other@example.com");
    }

    @Test
    void x5_7_payloadsAfterSaslSuccessWaitForTheRestart() {
        f.send(Req.rid(1001));
        f.serverSends(Req.element(Namespaces.SASL, "success"));
        f.send(Req.rid(1002).payload(msg("early")));
        assertThat(f.sentUpstreamIds()).isEmpty();
        f.send(Req.rid(1003).restart());
        int restart = f.effects.indexOf(f.all(Effect.RestartUpstream.class).get(0));
        int send = f.effects.indexOf(f.all(Effect.SendUpstream.class).get(0));
        assertThat(restart).isLessThan(send);
        assertThat(f.sentUpstreamIds()).containsExactly("early");
    }

    /**
     * X-5-7: only a SASL 1 {@code <success/>} needs a stream restart. After a SASL2 (XEP-0388)
     * {@code <success xmlns='urn:xmpp:sasl:2'/>} the stream goes on, so the client's next payloads go
     * upstream at once and no restart is waited for.
     */
    @Test
    void x5_7_sasl2SuccessNeedsNoRestart() {
        f.send(Req.rid(1001));
        f.serverSends(Req.element("urn:xmpp:sasl:2", "success"));
        f.send(Req.rid(1002).payload(msg("at-once")));
        assertThat(f.sentUpstreamIds()).containsExactly("at-once");
        assertThat(f.all(Effect.RestartUpstream.class)).isEmpty();
    }

    @Test
    void x6_1_streamErrorDeliversPendingStanzasThenTheError_u8() {
        f.send(Req.rid(1001));
        f.advance(Duration.ofSeconds(5));                  // nothing held now
        XmlPayload error = new XmlPayload(Namespaces.STREAMS, "error", Map.of(),
                "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                        .getBytes(StandardCharsets.UTF_8));
        f.serverSends(serverMsg("x"));
        f.upstream(new StreamEvent.StreamError(error, "policy-violation"));
        assertThat(f.all(Effect.CloseUpstream.class)).hasSize(1);
        ExchangeId next = f.send(Req.rid(1002));
        assertThat(f.responseTo(next).condition()).contains(Condition.REMOTE_STREAM_ERROR);
        assertThat(f.responseTo(next).payloads()).extracting(XmlPayload::localName).containsExactly("message", "error");
        assertThat(f.ended().orElseThrow().condition()).contains(Condition.REMOTE_STREAM_ERROR);
    }

    /** X-6-1 with a request held: a stanza and the stream error from one read share one terminate. */
    @Test
    void x6_1_stanzaAndStreamErrorTogetherGiveTheHeldRequestOneTerminateWithBoth() {
        ExchangeId x = f.send(Req.rid(1001));
        XmlPayload error = new XmlPayload(Namespaces.STREAMS, "error", Map.of(),
                "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                        .getBytes(StandardCharsets.UTF_8));
        f.upstreamTogether(new StreamEvent.Element(serverMsg("x")), new StreamEvent.StreamError(error, "conflict"));
        assertThat(f.responseTo(x).condition()).contains(Condition.REMOTE_STREAM_ERROR);
        assertThat(f.responseTo(x).payloads()).extracting(XmlPayload::localName).containsExactly("message", "error");
        assertThat(f.ended()).isPresent();
    }

    /** B-8-5: stanzas from one read go out together on the held request. */
    @Test
    void b8_5_stanzasFromOneReadShareTheHeldRequestsResponse() {
        ExchangeId x = f.send(Req.rid(1001));
        f.upstreamTogether(new StreamEvent.Element(serverMsg("a")), new StreamEvent.Element(serverMsg("b")),
                new StreamEvent.Element(serverMsg("c")));
        assertThat(f.responseTo(x).payloads()).hasSize(3);
    }

    /**
     * U-15 with reads batched: a large read is sent on as soon as it fills a response, so held
     * requests drain it while it arrives, as they did event by event. Ten stanzas one byte over the
     * buffer bound, two requests held (hold=2): they take a response's worth each and the session lives.
     */
    @Test
    void u15_largeReadDrainsIntoHeldRequestsBeforeTheBufferBoundApplies() {
        int size = serverMsg("m0").size();
        SessionPolicy rc = SessionFixture.rc(2);
        SessionPolicy small = new SessionPolicy(rc.maxVersion(), rc.maxWait(), rc.maxHold(), rc.inactivity(),
                rc.pollingInactivity(), rc.polling(), rc.maxPause(), true, false, rc.servedDomains(), rc.routeAllowList(),
                rc.contentTypes(), "gzip", true, 32, 5, Duration.ofSeconds(10), 10L * size - 1, 200, 3 * size, true, 8);
        SessionFixture g = new SessionFixture(small);
        g.create(Req.create(1000).hold(2));
        g.serverReady();
        ExchangeId a = g.send(Req.rid(1001));
        ExchangeId b = g.send(Req.rid(1002));
        StreamEvent[] read = new StreamEvent[10];
        for (int i = 0; i < read.length; i++) {
            read[i] = new StreamEvent.Element(serverMsg("m" + i));
        }
        g.upstreamTogether(read);
        assertThat(g.all(Effect.CloseUpstream.class)).isEmpty();
        assertThat(g.responseTo(a).payloads()).hasSize(3);
        assertThat(g.responseTo(b).payloads()).isNotEmpty();
    }

    @Test
    void b17_2_1_streamErrorIsNeverMappedToALookAlikeCondition() {
        ExchangeId x = f.send(Req.rid(1001));
        XmlPayload error = new XmlPayload(Namespaces.STREAMS, "error", Map.of(), "<stream:error/>".getBytes(StandardCharsets.UTF_8));
        f.upstream(new StreamEvent.StreamError(error, "host-unknown"));
        assertThat(f.responseTo(x).condition()).contains(Condition.REMOTE_STREAM_ERROR);
        assertThat(f.responseTo(x).payloads()).containsExactly(error);
    }

    @Test
    void u14_malformedUpstreamGetsStreamErrorAndClientRemoteConnectionFailed() {
        ExchangeId x = f.send(Req.rid(1001));
        f.upstream(new StreamEvent.Malformed("restricted-xml", "DOCTYPE"));
        assertThat(f.all(Effect.CloseUpstream.class).get(0).streamError()).contains("restricted-xml");
        assertThat(f.responseTo(x).condition()).contains(Condition.REMOTE_CONNECTION_FAILED);
    }

    @Test
    void u15_bufferBoundHitCutsTheSession() {
        SessionPolicy rc = SessionFixture.rc();
        SessionPolicy small = new SessionPolicy(rc.maxVersion(), rc.maxWait(), rc.maxHold(), rc.inactivity(),
                rc.pollingInactivity(), rc.polling(), rc.maxPause(), true, false, rc.servedDomains(), rc.routeAllowList(),
                rc.contentTypes(), "gzip", true, 32, 5, Duration.ofSeconds(10), 1000, 200, 65536, true, 8);
        SessionFixture g = new SessionFixture(small);
        g.create(Req.create(1000));
        g.serverReady();
        for (int i = 0; i < 20 && g.ended().isEmpty() && g.all(Effect.CloseUpstream.class).isEmpty(); i++) {
            g.serverSends(serverMsg("m" + i));
        }
        assertThat(g.all(Effect.CloseUpstream.class).get(0).streamError()).contains("policy-violation");
    }

    /** The RC policy with {@code session.max-buffered-bytes} of 1000. */
    static SessionPolicy smallBuffer(SessionPolicy rc) {
        return new SessionPolicy(rc.maxVersion(), rc.maxWait(), rc.maxHold(), rc.inactivity(),
                rc.pollingInactivity(), rc.polling(), rc.maxPause(), true, false, rc.servedDomains(), rc.routeAllowList(),
                rc.contentTypes(), "gzip", true, 32, 5, Duration.ofSeconds(10), 1000, 200, 65536, true, 8, rc.sm());
    }

    /**
     * Fuzzing finding (BoshSessionFuzzTest#anyExchange, input s10-payloads-held-for-restart-unbounded-…): a
     * client that kept sending stanzas after SASL success without the restart request had them held (X-5-7)
     * without bound. Beyond {@code session.max-buffered-bytes} the session now ends with policy-violation,
     * and nothing held is written upstream.
     */
    @Test
    void s10_fuzzFinding_payloadsHeldForTheRestartAreBounded() {
        SessionFixture g = new SessionFixture(smallBuffer(SessionFixture.rc()));
        g.create(Req.create(1000));
        g.serverReady();
        g.serverSends(Req.element(Namespaces.SASL, "success"));
        int sentBefore = g.sentUpstream().size();
        ExchangeId last = null;
        for (long rid = 1001; rid < 1030 && g.ended().isEmpty(); rid++) {
            last = g.send(Req.rid(rid).payload(msg("m" + rid)).payload(msg("n" + rid)));
        }
        assertThat(g.ended()).hasValueSatisfying(e -> assertThat(e.condition()).contains(Condition.POLICY_VIOLATION));
        assertThat(g.responseTo(last).condition()).contains(Condition.POLICY_VIOLATION);
        assertThat(g.tallies()).contains(Tally.Limit.BUFFERED_BYTES);
        assertThat(g.sentUpstream()).hasSize(sentBefore);
    }

    /**
     * Found while fixing the finding above: stream features were queued for the browser without the
     * buffer check that stanzas get, so a server repeating them could outgrow the bound (U-15, S-10).
     */
    @Test
    void u15_featuresCountAgainstTheBufferBound() {
        SessionFixture g = new SessionFixture(smallBuffer(SessionFixture.rc()));
        g.create(Req.create(1000));
        g.serverReady();
        for (int i = 0; i < 20 && g.all(Effect.CloseUpstream.class).isEmpty(); i++) {
            g.upstream(new StreamEvent.Features(Req.features(),
                    new boshcm.protocol.xmpp.FeatureSet(false, false, List.of("PLAIN"), false, false, false)));
        }
        assertThat(g.all(Effect.CloseUpstream.class).get(0).streamError()).contains("policy-violation");
        assertThat(g.tallies()).contains(Tally.Limit.BUFFERED_BYTES);
    }

    @Test
    void u7_boundJidRemembered() {
        f.upstream(new StreamEvent.Element(serverMsg("bind"), Optional.of("u@example.com/r")));
        assertThat(f.session.boundJid()).contains("u@example.com/r");
    }
}
