package boshcm.protocol.session;

import static boshcm.protocol.session.Req.msg;
import static boshcm.protocol.session.Req.serverMsg;
import static boshcm.protocol.session.Xep0198ManagedTest.names;
import static boshcm.protocol.session.Xep0198ManagedTest.plainSetup;
import static boshcm.protocol.session.Xep0198ManagedTest.sm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.sm.ReauthCredential;
import boshcm.protocol.sm.ResumeFailure;
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

    /**
     * Fuzzing finding (BoshSessionFuzzTest#anyExchange, input sm12-close-after-stream-error-in-one-read-…):
     * a server ends a stream with {@code <stream:error><system-shutdown/></stream:error></stream:stream>},
     * usually in one read.
     * The stream error started a resume on a new connection, and the {@code </stream:stream>} that came
     * with it, from the old connection, was taken for the new one's: the fresh connection was dropped and
     * the resume put off. The rest of a read is now ignored once its connection is closed or replaced.
     */
    @Test
    void sm12_fuzzFinding_streamErrorAndCloseInOneReadStartOneResume() {
        SessionFixture f = beforeDrop();
        f.fresh();
        f.upstreamTogether(new StreamEvent.StreamError(Req.element(Namespaces.STREAMS, "error"), "system-shutdown"),
                new StreamEvent.Closed());
        List<Effect> step = f.fresh();
        assertThat(step).filteredOn(Effect.ResumeAttempt.class::isInstance).hasSize(1);
        assertThat(step).filteredOn(Effect.OpenUpstream.class::isInstance).hasSize(1);
        assertThat(step).filteredOn(Effect.CloseUpstream.class::isInstance).hasSize(1);
        serverOpensAgain(f, false);
        XmlPayload auth = f.sentUpstream().get(f.sentUpstream().size() - 1);
        assertThat(auth.is(Namespaces.SASL, "auth")).as("the new connection goes on with the resume").isTrue();
        assertThat(f.ended()).isEmpty();
    }

    /**
     * Fuzzing finding (BoshSessionFuzzTest#anyExchange, input restart-during-resume-…): a client restart
     * request (XEP-0206 §5) during a resume was passed on as a stream restart of the resume's connection,
     * or of none while the resume waited for its next attempt. The CM is bringing the stream back itself,
     * already past authentication: the restart is not passed on, and the resume goes on undisturbed.
     */
    @Test
    void sm12_fuzzFinding_aClientRestartDuringAResumeIsNotPassedOn() {
        SessionFixture f = beforeDrop();
        f.upstream(new StreamEvent.Lost("reset"));
        f.fresh();
        f.send(Req.rid(1006).restart());
        assertThat(f.fresh()).noneMatch(e -> e instanceof Effect.RestartUpstream || e instanceof Effect.CloseUpstream);
        serverOpensAgain(f, false);
        XmlPayload auth = f.sentUpstream().get(f.sentUpstream().size() - 1);
        assertThat(auth.is(Namespaces.SASL, "auth")).as("the resume goes on").isTrue();
        assertThat(f.ended()).isEmpty();
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

    private static XmlPayload resumedWith(long h) {
        return new XmlPayload(Namespaces.SM, "resumed", Map.of("previd", "sm1", "h", Long.toString(h)),
                ("<resumed xmlns='urn:xmpp:sm:3' previd='sm1' h='" + h + "'/>").getBytes(StandardCharsets.UTF_8));
    }

    /** The new connection gets as far as {@code <resume/>}. */
    private static void reconnectUpToResume(SessionFixture f) {
        serverOpensAgain(f, false);
        f.serverSends(Req.element(Namespaces.SASL, "success"));
        serverOpensAgain(f, true);
    }

    @Test
    void sm12_aDropOfTheResumeConnectionIsRetriedAfterAWaitAndNothingIsLost() {
        SessionFixture f = beforeDrop();
        f.upstream(new StreamEvent.Lost("reset"));
        ExchangeId x6 = f.send(Req.rid(1006).payload(msg("m3")));
        serverOpensAgain(f, false);
        f.upstream(new StreamEvent.Lost("reset during SASL"));              // the first resume connection goes too
        assertThat(f.ended()).isEmpty();
        assertThat(f.all(Effect.OpenUpstream.class)).as("no new connection before the wait").hasSize(2);
        f.advance(Duration.ofMillis(250));                                   // base 250 ms: the wait is within [125, 250]
        assertThat(f.all(Effect.OpenUpstream.class)).hasSize(3);
        assertThat(f.all(Effect.ResumeAttempt.class)).extracting(Effect.ResumeAttempt::attempt).containsExactly(1, 2);
        assertThat(f.all(Effect.ResumeAttempt.class).get(1).cause()).isEqualTo("retry");
        reconnectUpToResume(f);
        f.upstream(new StreamEvent.Closed());                                // … and the second, after <resume/>
        assertThat(f.all(Effect.CloseUpstream.class).get(f.all(Effect.CloseUpstream.class).size() - 1).mode())
                .as("never a closing tag after a <resume/> the server may have taken").isEqualTo(CloseMode.ABORT);
        f.advance(Duration.ofMillis(500));
        assertThat(f.all(Effect.OpenUpstream.class)).hasSize(4);
        reconnectUpToResume(f);
        XmlPayload resume = f.sentUpstream().get(f.sentUpstream().size() - 1);
        assertThat(resume.attribute("h")).as("SM-17: still what the browser acknowledged").contains("1");
        f.fresh();
        f.serverSends(resumedWith(1));
        List<Effect> effects = f.fresh();
        List<String> up = effects.stream().filter(Effect.SendUpstream.class::isInstance)
                .flatMap(e -> ((Effect.SendUpstream) e).payloads().stream())
                .map(p -> p.attribute("id").orElse(p.localName())).toList();
        assertThat(up).containsExactly("m2", "r", "m3");
        Effect.ResumeSucceeded ok = effects.stream().filter(Effect.ResumeSucceeded.class::isInstance)
                .map(Effect.ResumeSucceeded.class::cast).findFirst().orElseThrow();
        assertThat(ok.attempts()).isEqualTo(3);
        assertThat(ok.retransmitted()).isEqualTo(1);
        assertThat(ok.parked()).isEqualTo(1);
        assertThat(ok.took()).isGreaterThanOrEqualTo(Duration.ofMillis(750));
        f.serverSends(serverMsg("s2"), serverMsg("s3"));
        assertThat(names(f.responseTo(x6).payloads())).containsExactly("s3");
        assertThat(f.ended()).isEmpty();
        assertThat(f.all(Effect.ResumeFailed.class)).isEmpty();
    }

    @Test
    void sm12_aResumeConnectionThatNeverAnswersIsReplacedAfterTheAttemptTimeout() {
        SessionFixture f = beforeDrop();
        f.upstream(new StreamEvent.Lost("reset"));
        serverOpensAgain(f, false);                                          // then silence (a black hole)
        for (int i = 0; i < 15; i++) {
            f.send(Req.rid(1006 + i));                                       // the browser keeps polling
            f.advance(Duration.ofSeconds(1));
        }
        assertThat(f.all(Effect.OpenUpstream.class)).hasSize(2);
        assertThat(f.all(Effect.CloseUpstream.class)).isNotEmpty();
        f.send(Req.rid(1021));
        f.advance(Duration.ofMillis(250));
        assertThat(f.all(Effect.OpenUpstream.class)).hasSize(3);
        assertThat(f.ended()).isEmpty();
    }

    @Test
    void sm12_step6_retriesStopAtTheResumeWindow() {
        SessionFixture f = plainSetup();
        f.serverSends(sm("enabled", "id", "sm1", "resume", "true", "max", "15"));   // window 15 − 5 s
        f.send(Req.rid(1004));
        f.upstream(new StreamEvent.Lost("reset"));
        int opened = 1;
        for (int i = 0; i < 40 && f.ended().isEmpty(); i++) {
            f.upstream(new StreamEvent.Lost("connection refused"));
            f.advance(Duration.ofSeconds(5));                                // each wait is at most the 5 s cap
            opened = f.all(Effect.OpenUpstream.class).size();
            f.send(Req.rid(1005 + i));
        }
        assertThat(f.ended()).isPresent();
        assertThat(opened).as("a few retries, then the window is over").isBetween(3, 6);
        Effect.ResumeFailed failed = f.all(Effect.ResumeFailed.class).get(0);
        assertThat(failed.reason()).isEqualTo(ResumeFailure.DEADLINE);
        assertThat(failed.took()).isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void sm15_refusalsAreNotRetriedAndSayWhy() {
        SessionFixture f = beforeDrop();
        f.upstream(new StreamEvent.Lost("reset"));
        f.send(Req.rid(1006));
        reconnectUpToResume(f);
        f.serverSends(new XmlPayload(Namespaces.SM, "failed", Map.of(),
                "<failed xmlns='urn:xmpp:sm:3'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>"
                        .getBytes(StandardCharsets.UTF_8)));
        Effect.ResumeFailed failed = f.all(Effect.ResumeFailed.class).get(0);
        assertThat(failed.reason()).isEqualTo(ResumeFailure.REFUSED);
        assertThat(failed.detail()).contains("item-not-found");
        assertThat(f.all(Effect.OpenUpstream.class)).hasSize(2);

        SessionFixture g = beforeDrop();
        g.upstream(new StreamEvent.Lost("reset"));
        g.send(Req.rid(1006));
        serverOpensAgain(g, false);
        g.serverSends(new XmlPayload(Namespaces.SASL, "failure", Map.of(),
                "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>".getBytes(StandardCharsets.UTF_8)));
        assertThat(g.all(Effect.ResumeFailed.class).get(0).reason()).isEqualTo(ResumeFailure.AUTHENTICATION);
        assertThat(g.all(Effect.ResumeFailed.class).get(0).detail()).contains("not-authorized");

        SessionFixture h = beforeDrop();
        h.upstream(new StreamEvent.Lost("reset"));
        h.send(Req.rid(1006));
        h.upstream(new StreamEvent.StreamError(Req.element(Namespaces.STREAMS, "error"), "host-unknown"));
        assertThat(h.all(Effect.ResumeFailed.class).get(0).reason()).isEqualTo(ResumeFailure.STREAM_ERROR);
        assertThat(h.ended()).isPresent();
    }

    @Test
    void sm12_aSessionThatEndsDuringAResumeReportsTheResumeGivenUp() {
        SessionFixture f = beforeDrop();
        f.upstream(new StreamEvent.Lost("reset"));
        f.send(Req.rid(1006).terminate());
        Effect.ResumeFailed failed = f.all(Effect.ResumeFailed.class).get(0);
        assertThat(failed.reason()).isEqualTo(ResumeFailure.SESSION_ENDED);
        assertThat(f.all(Effect.ResumeFailed.class)).hasSize(1);
    }

    @Test
    void sm13c_theCapturedCredentialIsWipedWhenTheSessionEnds() {
        SessionFixture f = beforeDrop();
        ReauthCredential held = f.session.reauthCredential().orElseThrow();
        assertThat(held.auth().is(Namespaces.SASL, "auth")).isTrue();
        f.send(Req.rid(1006).terminate());
        assertThat(f.ended()).isPresent();
        assertThat(f.session.reauthCredential()).isEmpty();
        assertThatThrownBy(held::auth).as("zeroed, not just dropped").isInstanceOf(IllegalStateException.class);

        SessionFixture g = beforeDrop();
        ReauthCredential gone = g.session.reauthCredential().orElseThrow();
        g.advance(Duration.ofSeconds(70));                                   // wait, then inactivity
        assertThat(g.ended()).isPresent();
        assertThatThrownBy(gone::auth).isInstanceOf(IllegalStateException.class);

        SessionFixture h = beforeDrop();
        ReauthCredential failed = h.session.reauthCredential().orElseThrow();
        h.upstream(new StreamEvent.Lost("reset"));
        h.send(Req.rid(1006));
        reconnectUpToResume(h);
        h.serverSends(new XmlPayload(Namespaces.SM, "failed", Map.of(),
                "<failed xmlns='urn:xmpp:sm:3'/>".getBytes(StandardCharsets.UTF_8)));
        assertThatThrownBy(failed::auth).as("a failed resume ends the session").isInstanceOf(IllegalStateException.class);
    }
}
