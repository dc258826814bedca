package boshcm.protocol.session;

import static boshcm.protocol.session.Req.msg;
import static boshcm.protocol.session.Req.serverMsg;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.sm.AckPolicy;
import boshcm.protocol.sm.ReauthMethod;
import boshcm.protocol.sm.SmPolicy;
import boshcm.protocol.xmpp.FeatureSet;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * XEP-0198 owned by the CM (checklist SM-11 mode B), without drops: enable after bind (SM-1), the
 * client's SM answered locally (SM-11 B), counting and acks both ways (SM-2, SM-3, SM-5, SM-17, SM-18),
 * and the fallback to pass-through without a re-auth credential (SM-13).
 */
class Xep0198ManagedTest {

    static final AckPolicy ACKS = new AckPolicy(1000, 5, Duration.ofSeconds(2));

    static SessionPolicy managed(ReauthMethod... methods) {
        return SessionFixture.rc().withSm(SmPolicy.managed(Set.of(methods)).withAckPolicy(ACKS));
    }

    static XmlPayload sm(String name, String... attributes) {
        Map<String, String> a = new LinkedHashMap<>();
        StringBuilder xml = new StringBuilder("<").append(name).append(" xmlns='urn:xmpp:sm:3'");
        for (int i = 0; i < attributes.length; i += 2) {
            a.put(attributes[i], attributes[i + 1]);
            xml.append(' ').append(attributes[i]).append("='").append(attributes[i + 1]).append('\'');
        }
        return new XmlPayload(Namespaces.SM, name, a, xml.append("/>").toString().getBytes(StandardCharsets.UTF_8));
    }

    static XmlPayload auth(String mechanism, String plainMessage) {
        String text = Base64.getEncoder().encodeToString(plainMessage.getBytes(StandardCharsets.UTF_8));
        return new XmlPayload(Namespaces.SASL, "auth", Map.of("mechanism", mechanism),
                ("<auth xmlns='" + Namespaces.SASL + "' mechanism='" + mechanism + "'>" + text + "</auth>")
                        .getBytes(StandardCharsets.UTF_8));
    }

    static XmlPayload bindRequest() {
        return new XmlPayload(Namespaces.JABBER_CLIENT, "iq", Map.of("type", "set", "id", "b1"),
                "<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>".getBytes(StandardCharsets.UTF_8));
    }

    static XmlPayload bindResult() {
        return new XmlPayload(Namespaces.JABBER_CLIENT, "iq", Map.of("type", "result", "id", "b1"),
                ("<iq xmlns='jabber:client' type='result' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                        + "<jid>u@example.com/r</jid></bind></iq>").getBytes(StandardCharsets.UTF_8));
    }

    static XmlPayload boundFeatures() {
        return new XmlPayload(Namespaces.STREAMS, "features", Map.of(),
                ("<stream:features xmlns:stream='http://etherx.jabber.org/streams'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                        + "</stream:features>").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The checklist's SETUP through a managed session: creation, the client's SASL {@code auth}, restart,
     * bind; the post-auth features offer {@code <sm/>} when {@code smOffered}. The next rid is 1004; no
     * request is held.
     */
    static SessionFixture setup(SessionPolicy policy, XmlPayload clientAuth, boolean smOffered) {
        SessionFixture f = new SessionFixture(policy);
        f.create(Req.create(1000).waitSecs(3));
        f.serverReady();
        f.send(Req.rid(1001).payload(clientAuth));
        f.serverSends(Req.element(Namespaces.SASL, "success"));
        f.send(Req.rid(1002).restart());
        f.upstream(new StreamEvent.Opened(new StreamHeader(Optional.empty(), Optional.of("example.com"),
                Optional.of("stream-2"), Optional.of("en"), Optional.of("1.0"))));
        f.upstream(new StreamEvent.Features(boundFeatures(), new FeatureSet(false, false, List.of(), true, smOffered, false)));
        f.send(Req.rid(1003).payload(bindRequest()));
        f.upstream(new StreamEvent.Element(bindResult(), Optional.of("u@example.com/r")));
        return f;
    }

    static SessionFixture plainSetup() {
        return setup(managed(ReauthMethod.PLAIN_CAPTURE), auth("PLAIN", "\u0000u\u0000pw"), true);
    }

    static List<String> names(List<XmlPayload> payloads) {
        return payloads.stream().map(p -> p.attribute("id").orElse(p.localName())
                + p.attribute("h").map(h -> "=" + h).orElse("")).toList();
    }

    private static String stream(SessionFixture f) {
        return f.all(Effect.OpenUpstream.class).get(0).stream();
    }

    /**
     * Fuzzing finding (BoshSessionFuzzTest#anyExchange, input s10-local-sm-answers-unbounded-…): the CM's
     * local answers to the client's own {@code <enable/>} and {@code <resume/>} (SM-11 B) were queued for the browser
     * without the buffer bound, so requests that are answered at once (here, refused stream additions)
     * let them pile up. A request that makes the session hold more than {@code session.max-buffered-bytes}
     * now ends it with policy-violation (S-10).
     */
    @Test
    void s10_fuzzFinding_localAnswersToTheClientsSmAreBounded() {
        SessionPolicy small = Xep0206Test.smallBuffer(managed(ReauthMethod.PLAIN_CAPTURE));
        SessionFixture f = setup(small, auth("PLAIN", "\u0000u\u0000pw"), true);
        Req req = Req.rid(1004);
        for (int i = 0; i < 12; i++) {
            req.payload(sm("enable", "resume", "true"));
        }
        ExchangeId x = f.send(req);
        assertThat(f.responseTo(x).condition()).contains(Condition.POLICY_VIOLATION);
        assertThat(f.tallies()).contains(Tally.Limit.BUFFERED_BYTES);
        assertThat(f.ended()).isPresent();
    }

    /**
     * Fuzzing finding (BoshSessionFuzzTest#anyExchange, while fixing the finding above): a request that is
     * answered as soon as it is processed (here it adds a stream, XEP-0124 §16) and also ends the session
     * (its stanzas overflow the unacknowledged queue, SM-18) was answered twice: with the new stream, then
     * with policy-violation. It is answered once; the session still ends with policy-violation.
     */
    @Test
    void sm18_fuzzFinding_aRequestAnsweredAtOnceIsNotAnsweredAgainWhenItEndsTheSession() {
        SessionPolicy policy = SessionFixture.rc().withSm(SmPolicy.managed(Set.of(ReauthMethod.PLAIN_CAPTURE))
                .withAckPolicy(new AckPolicy(2, 1, Duration.ofSeconds(2))));
        SessionFixture f = setup(policy, auth("PLAIN", "\u0000u\u0000pw"), true);
        f.serverSends(sm("enabled", "id", "sm1", "resume", "true"));
        ExchangeId x = f.send(Req.rid(1004).to("example.org").payload(msg("m1")).payload(msg("m2")).payload(msg("m3")));
        assertThat(f.responsesTo(x)).hasSize(1);
        assertThat(f.ended()).hasValueSatisfying(e -> assertThat(e.condition()).contains(Condition.POLICY_VIOLATION));
    }

    @Test
    void sm1_theCmEnablesOnceAfterTheBindResultAndHidesSm() {
        SessionFixture f = plainSetup();
        assertThat(f.all(Effect.OpenUpstream.class)).extracting(Effect.OpenUpstream::hideSm).containsExactly(true);
        assertThat(f.all(Effect.RestartUpstream.class)).extracting(Effect.RestartUpstream::hideSm).containsExactly(true);
        List<String> up = f.sentUpstreamIds();
        assertThat(up).containsExactly("auth", "b1", "enable");
        XmlPayload enable = f.sentUpstream().get(2);
        assertThat(enable.attribute("resume")).contains("true");
        f.serverSends(sm("enabled", "id", "sm1", "resume", "true", "max", "60"));
        ExchangeId x = f.send(Req.rid(1004).payload(sm("enable", "resume", "true")));
        assertThat(f.sentUpstreamIds()).as("SM-1: never a second enable").containsOnlyOnce("enable");
        assertThat(f.all(Effect.SmFallback.class)).isEmpty();
        // The <enabled/> never reaches the browser; the client's enable is answered locally (SM-11 B).
        List<XmlPayload> answer = f.responseTo(x).payloads();
        assertThat(names(answer)).containsExactly("failed");
        assertThat(answer.get(0).text()).isEqualTo("<failed xmlns='urn:xmpp:sm:3'><feature-not-implemented "
                + "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>");
        assertThat(f.responses().stream().flatMap(r -> r.body().payloads().stream()))
                .noneMatch(p -> p.is(Namespaces.SM, "enabled"));
    }

    @Test
    void sm11B_clientSmElementsAreNeverForwarded() {
        SessionFixture f = plainSetup();
        f.serverSends(sm("enabled", "id", "sm1", "resume", "true"));
        XmlPayload v2Resume = new XmlPayload("urn:xmpp:sm:2", "resume", Map.of("previd", "x", "h", "0"),
                "<resume xmlns='urn:xmpp:sm:2' previd='x' h='0'/>".getBytes(StandardCharsets.UTF_8));
        ExchangeId x = f.send(Req.rid(1004).payload(sm("r")).payload(sm("a", "h", "3")).payload(v2Resume).payload(msg("m1")));
        assertThat(f.sentUpstreamIds()).containsExactly("auth", "b1", "enable", "m1");
        List<XmlPayload> answer = f.responseTo(x).payloads();
        assertThat(answer).hasSize(1);
        assertThat(answer.get(0).namespace()).isEqualTo("urn:xmpp:sm:2");
    }

    @Test
    void sm3_sm5_sm17_serverRequestAnsweredAtOnceWithWhatTheBrowserAcknowledged() {
        SessionFixture f = plainSetup();
        String st = stream(f);
        f.serverSends(serverMsg("p"));                                  // SM-3: before <enabled/>, not counted
        f.serverSends(sm("enabled", "id", "sm1", "resume", "true"));
        ExchangeId x4 = f.send(Req.rid(1004));
        assertThat(names(f.responseTo(x4).payloads())).containsExactly("p");
        ExchangeId x5 = f.send(Req.rid(1005));
        f.serverSends(serverMsg("q"), Req.element("urn:xmpp:csi:0", "inactive"));
        assertThat(names(f.responseTo(x5).payloads())).contains("q");
        f.serverSends(sm("r"));
        assertThat(f.all(Effect.SendUpstream.class).get(f.all(Effect.SendUpstream.class).size() - 1).payloads())
                .as("SM-5, SM-17: q is not acknowledged by the browser yet").extracting(p -> p.attribute("h").orElse(""))
                .containsExactly("0");
        f.send(Req.rid(1006).ack(1005));
        f.serverSends(sm("r"));
        assertThat(names(lastUpstream(f, st))).containsExactly("a=1");
        assertThat(f.responses().stream().flatMap(r -> r.body().payloads().stream()))
                .as("the server's SM elements are the CM's").noneMatch(p -> p.namespace().equals(Namespaces.SM));
    }

    @Test
    void sm17_withoutAckAttributesTheBrowserHasEverythingBeforeRidMinusRequests() {
        SessionFixture f = plainSetup();
        f.serverSends(sm("enabled", "id", "sm1", "resume", "true"));
        ExchangeId x4 = f.send(Req.rid(1004));
        f.serverSends(serverMsg("a1"));
        assertThat(names(f.responseTo(x4).payloads())).containsExactly("a1");
        f.send(Req.rid(1005));                                         // 1005 − requests(2) = 1003: a1 not yet
        f.serverSends(sm("r"));
        assertThat(names(lastUpstream(f, stream(f)))).containsExactly("a=0");
        f.advance(Duration.ofSeconds(3));                              // 1005 answered empty at wait
        f.send(Req.rid(1006));                                         // 1006 − 2 = 1004: a1 acknowledged
        f.serverSends(sm("r"));
        assertThat(names(lastUpstream(f, stream(f)))).containsExactly("a=1");
    }

    @Test
    void sm18_outboundStanzasCountedWithRequestEveryFiveAndAfterTime() {
        SessionFixture f = plainSetup();
        f.serverSends(sm("enabled", "id", "sm1", "resume", "true"));
        Req five = Req.rid(1004);
        for (int i = 1; i <= 5; i++) {
            five.payload(msg("m" + i));
        }
        f.send(five);
        assertThat(names(lastUpstream(f, stream(f)))).containsExactly("m1", "m2", "m3", "m4", "m5", "r");
        f.serverSends(sm("a", "h", "5"));
        f.send(Req.rid(1005).payload(msg("m6")));
        assertThat(names(lastUpstream(f, stream(f)))).containsExactly("m6");
        f.advance(Duration.ofSeconds(2));                              // requestAfter: a WakeAt brings <r/>
        assertThat(names(lastUpstream(f, stream(f)))).containsExactly("r");
        assertThat(f.ended()).isEmpty();
    }

    @Test
    void sm4_anAckOfMoreThanWasSentClosesTheStream() {
        SessionFixture f = plainSetup();
        f.serverSends(sm("enabled", "id", "sm1", "resume", "true"));
        ExchangeId x = f.send(Req.rid(1004).payload(msg("m1")));
        f.serverSends(sm("a", "h", "9"));
        XmlPayload error = lastUpstream(f, stream(f)).get(0);
        assertThat(error.text()).contains("<handled-count-too-high xmlns='urn:xmpp:sm:3' h='9' send-count='1'/>");
        assertThat(f.all(Effect.CloseUpstream.class)).hasSize(1);
        assertThat(f.responseTo(x).condition()).contains(Condition.REMOTE_CONNECTION_FAILED);
    }

    @Test
    void sm13_scramWithOnlyPlainCaptureRunsInPassThroughAndSaysWhy() {
        SessionFixture f = setup(managed(ReauthMethod.PLAIN_CAPTURE), auth("SCRAM-SHA-1", "n,,n=u,r=abc"), true);
        assertThat(f.all(Effect.SmFallback.class)).singleElement()
                .satisfies(e -> assertThat(e.reason()).startsWith("no re-auth credential"));
        assertThat(f.all(Effect.RestartUpstream.class)).extracting(Effect.RestartUpstream::hideSm).containsExactly(false);
        assertThat(f.sentUpstreamIds()).as("no enable of the CM's").containsExactly("auth", "b1");
        XmlPayload enable = sm("enable", "resume", "true");
        f.send(Req.rid(1004).payload(enable));
        assertThat(f.sentUpstream()).as("SM-11 A: the client's own enable goes upstream").contains(enable);
    }

    @Test
    void sm13_trustedReauthManagesWhateverTheClientMechanism() {
        SessionFixture f = setup(managed(ReauthMethod.EXTERNAL), auth("SCRAM-SHA-1", "n,,n=u,r=abc"), true);
        assertThat(f.all(Effect.SmFallback.class)).isEmpty();
        assertThat(f.sentUpstreamIds()).containsExactly("auth", "b1", "enable");
    }

    @Test
    void sm10_aServerWithoutSmGetsNoEnableButTheClientStillGetsNoSm() {
        SessionFixture f = setup(managed(ReauthMethod.PLAIN_CAPTURE), auth("PLAIN", "\u0000u\u0000pw"), false);
        ExchangeId x = f.send(Req.rid(1004).payload(sm("enable")).payload(msg("m1")));
        assertThat(f.sentUpstreamIds()).containsExactly("auth", "b1", "m1");
        assertThat(names(f.responseTo(x).payloads())).containsExactly("failed");
    }

    @Test
    void sm11_passThroughDefaultNeverHidesSm() {
        SessionFixture f = new SessionFixture();
        f.create(Req.create(1000).waitSecs(3));
        assertThat(f.all(Effect.OpenUpstream.class)).extracting(Effect.OpenUpstream::hideSm).containsExactly(false);
    }

    @Test
    void sm16_inactivityWritesTheLastAckBeforeTheCloseAndLeavesTheRestToTheServer() {
        SessionFixture f = plainSetup();
        String st = stream(f);
        f.serverSends(sm("enabled", "id", "sm1", "resume", "true"));
        ExchangeId x4 = f.send(Req.rid(1004));
        f.serverSends(serverMsg("seen"));
        assertThat(names(f.responseTo(x4).payloads())).containsExactly("seen");
        f.send(Req.rid(1005).ack(1004));
        f.advance(Duration.ofSeconds(3));                              // 1005 answered empty; the browser goes away
        f.serverSends(serverMsg("x"));
        f.fresh();
        f.advance(Duration.ofSeconds(3));                              // inactivity
        assertThat(f.ended().orElseThrow().cause()).isEqualTo(EndCause.INACTIVITY);
        List<Effect> last = f.fresh().stream().filter(e -> e instanceof Effect.SendUpstream || e instanceof Effect.CloseUpstream
                || e instanceof Effect.Bounce).toList();
        assertThat(last).hasSize(2);
        assertThat(names(((Effect.SendUpstream) last.get(0)).payloads())).as("x not counted").containsExactly("a=1");
        assertThat(((Effect.CloseUpstream) last.get(1)).mode()).isEqualTo(CloseMode.GRACEFUL);
        assertThat(((Effect.CloseUpstream) last.get(1)).stream()).isEqualTo(st);
    }

    @Test
    void sm16_u13_clientTerminateForwardsThenAcksThenCloses() {
        SessionFixture f = plainSetup();
        f.serverSends(sm("enabled", "id", "sm1", "resume", "true"));
        f.send(Req.rid(1004).terminate().payload(msg("bye")));
        List<Effect> tail = f.effects.stream().filter(e -> e instanceof Effect.SendUpstream || e instanceof Effect.CloseUpstream).toList();
        int n = tail.size();
        assertThat(names(((Effect.SendUpstream) tail.get(n - 3)).payloads())).containsExactly("bye");
        assertThat(names(((Effect.SendUpstream) tail.get(n - 2)).payloads())).containsExactly("a=0");
        assertThat(tail.get(n - 1)).isInstanceOf(Effect.CloseUpstream.class);
    }

    @Test
    void sm16_withoutEnabledSmNoAckIsWritten() {
        SessionFixture f = plainSetup();                                // enable sent, <enabled/> not yet received
        f.send(Req.rid(1004).terminate());
        assertThat(f.sentUpstreamIds()).containsExactly("auth", "b1", "enable");
    }

    private static List<XmlPayload> lastUpstream(SessionFixture f, String stream) {
        List<Effect.SendUpstream> sends = f.all(Effect.SendUpstream.class).stream().filter(s -> s.stream().equals(stream)).toList();
        return sends.get(sends.size() - 1).payloads();
    }
}
