package boshcm.protocol.session;

import static boshcm.protocol.session.Req.msg;
import static boshcm.protocol.session.Req.serverMsg;
import static boshcm.protocol.session.Xep0198ManagedTest.names;
import static boshcm.protocol.session.Xep0198ManagedTest.plainSetup;
import static boshcm.protocol.session.Xep0198ManagedTest.sm;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.xmpp.FeatureSet;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** XEP-0198 managed mode: an upstream drop hidden from the browser by a resume (checklist SM-12 to SM-17). */
class Xep0198ManagedResumeTest {

    private static void serverOpensAgain(SessionFixture f, boolean afterAuth) {
        f.upstream(new StreamEvent.Opened(new StreamHeader(Optional.empty(), Optional.of("example.com"),
                Optional.of(afterAuth ? "stream-4" : "stream-3"), Optional.of("en"), Optional.of("1.0"))));
        f.upstream(new StreamEvent.Features(Req.features(),
                new FeatureSet(false, false, afterAuth ? List.of() : List.of("PLAIN"), afterAuth, afterAuth, false)));
    }

    /** SETUP, SM enabled with resumption; the browser has s1 acknowledged, s2 in flight; m2 unacknowledged upstream. */
    private static SessionFixture beforeDrop() {
        SessionFixture f = plainSetup();
        f.serverSends(sm("enabled", "id", "sm1", "resume", "true"));
        ExchangeId x4 = f.send(Req.rid(1004).payload(msg("m1")).payload(msg("m2")));
        f.serverSends(sm("a", "h", "1"));
        f.serverSends(serverMsg("s1"));
        assertThat(names(f.responseTo(x4).payloads())).containsExactly("s1");
        ExchangeId x5 = f.send(Req.rid(1005).ack(1004));
        f.serverSends(serverMsg("s2"));
        assertThat(names(f.responseTo(x5).payloads())).containsExactly("s2");
        return f;
    }

    @Test
    void sm12_sm6_sm17_aDropIsHiddenResumedAndDeduplicated() {
        SessionFixture f = beforeDrop();
        String st = f.all(Effect.OpenUpstream.class).get(0).stream();
        f.fresh();
        f.upstream(new StreamEvent.Lost("reset"));
        assertThat(f.ended()).isEmpty();
        assertThat(f.all(Effect.OpenUpstream.class)).hasSize(2);
        Effect.OpenUpstream again = f.all(Effect.OpenUpstream.class).get(1);
        assertThat(again.stream()).isEqualTo(st);
        assertThat(again.hideSm()).isTrue();
        ExchangeId x6 = f.send(Req.rid(1006).payload(msg("m3")));        // accepted and parked
        assertThat(f.sentUpstreamIds()).doesNotContain("m3");
        serverOpensAgain(f, false);
        XmlPayload auth = f.sentUpstream().get(f.sentUpstream().size() - 1);
        assertThat(auth.is(Namespaces.SASL, "auth")).isTrue();
        String xml = auth.text();
        assertThat(new String(Base64.getDecoder().decode(xml.substring(xml.indexOf('>') + 1, xml.lastIndexOf('<'))),
                StandardCharsets.UTF_8)).isEqualTo("\u0000u\u0000pw");
        f.serverSends(Req.element(Namespaces.SASL, "success"));
        assertThat(f.all(Effect.RestartUpstream.class).get(f.all(Effect.RestartUpstream.class).size() - 1).hideSm()).isTrue();
        serverOpensAgain(f, true);
        XmlPayload resume = f.sentUpstream().get(f.sentUpstream().size() - 1);
        assertThat(resume.is(Namespaces.SM, "resume")).isTrue();
        assertThat(resume.attribute("previd")).contains("sm1");
        assertThat(resume.attribute("h")).as("SM-17: s2 is not acknowledged by the browser").contains("1");
        f.serverSends(new XmlPayload(Namespaces.SM, "resumed", Map.of("previd", "sm1", "h", "1"),
                "<resumed xmlns='urn:xmpp:sm:3' previd='sm1' h='1'/>".getBytes(StandardCharsets.UTF_8)));
        List<String> up = f.fresh().stream().filter(Effect.SendUpstream.class::isInstance)
                .flatMap(e -> ((Effect.SendUpstream) e).payloads().stream())
                .map(p -> p.attribute("id").orElse(p.localName())).toList();
        assertThat(up).as("SM-6, SM-9: auth, resume, the unhandled m2, <r/>, then the parked m3; no bind, no enable")
                .containsExactly("auth", "resume", "m2", "r", "m3");
        f.serverSends(serverMsg("s2"), serverMsg("s3"));                 // s2 retransmitted: the browser has it
        assertThat(names(f.responseTo(x6).payloads())).containsExactly("s3");
        assertThat(f.ended()).isEmpty();
        assertThat(f.responses().stream().flatMap(r -> r.body().payloads().stream()))
                .noneMatch(p -> p.namespace().equals(Namespaces.SM));
    }

    @Test
    void sm15_aFailedResumeEndsTheSessionWithoutABind() {
        SessionFixture f = beforeDrop();
        f.upstream(new StreamEvent.Lost("reset"));
        ExchangeId x6 = f.send(Req.rid(1006));
        serverOpensAgain(f, false);
        f.serverSends(Req.element(Namespaces.SASL, "success"));
        serverOpensAgain(f, true);
        f.fresh();
        f.serverSends(new XmlPayload(Namespaces.SM, "failed", Map.of(),
                "<failed xmlns='urn:xmpp:sm:3'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(f.responseTo(x6).condition()).contains(Condition.REMOTE_CONNECTION_FAILED);
        assertThat(f.fresh().stream().filter(Effect.SendUpstream.class::isInstance)).as("no bind, no presence").isEmpty();
        assertThat(f.ended()).isPresent();
    }

    @Test
    void sm13_aSaslFailureDuringTheResumeEndsTheSession() {
        SessionFixture f = beforeDrop();
        f.upstream(new StreamEvent.Lost("reset"));
        ExchangeId x6 = f.send(Req.rid(1006));
        serverOpensAgain(f, false);
        f.serverSends(Req.element(Namespaces.SASL, "failure"));
        assertThat(f.responseTo(x6).condition()).contains(Condition.REMOTE_CONNECTION_FAILED);
    }

    @Test
    void sm12_theResumeDeadlineEndsTheSessionWhileTheBrowserKeepsPolling() {
        SessionFixture f = plainSetup();
        f.serverSends(sm("enabled", "id", "sm1", "resume", "true", "max", "10"));   // window 10 − 5 s
        ExchangeId x4 = f.send(Req.rid(1004));
        f.upstream(new StreamEvent.Lost("reset"));
        f.advance(Duration.ofSeconds(3));
        assertThat(f.responseTo(x4).payloads()).as("SM-12: held requests answer empty at wait").isEmpty();
        assertThat(f.responseTo(x4).condition()).isEmpty();
        ExchangeId x5 = f.send(Req.rid(1005));
        f.advance(Duration.ofSeconds(2));
        assertThat(f.responseTo(x5).condition()).contains(Condition.REMOTE_CONNECTION_FAILED);
        assertThat(f.all(Effect.CloseUpstream.class)).isNotEmpty();
    }

    @Test
    void sm12_u8_onlyRecoverableStreamErrorsAreResumed() {
        SessionFixture f = beforeDrop();
        XmlPayload shutdown = Req.element(Namespaces.STREAMS, "error");
        f.upstream(new StreamEvent.StreamError(shutdown, "system-shutdown"));
        assertThat(f.ended()).isEmpty();
        assertThat(f.all(Effect.OpenUpstream.class)).hasSize(2);

        SessionFixture g = beforeDrop();
        ExchangeId x6 = g.send(Req.rid(1006));
        g.upstream(new StreamEvent.StreamError(shutdown, "conflict"));
        assertThat(g.responseTo(x6).condition()).contains(Condition.REMOTE_STREAM_ERROR);
        assertThat(g.all(Effect.OpenUpstream.class)).hasSize(1);
    }

    @Test
    void sm12_withoutResumptionADropEndsTheSession() {
        SessionFixture f = plainSetup();
        f.serverSends(sm("enabled", "id", "sm1"));
        ExchangeId x4 = f.send(Req.rid(1004));
        f.upstream(new StreamEvent.Lost("reset"));
        assertThat(f.responseTo(x4).condition()).contains(Condition.REMOTE_CONNECTION_FAILED);
        assertThat(f.all(Effect.OpenUpstream.class)).hasSize(1);
    }
}
