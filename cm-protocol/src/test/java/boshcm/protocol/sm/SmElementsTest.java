package boshcm.protocol.sm;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The SM elements the CM writes and reads upstream in managed mode (XEP-0198 §3 to §5; SM-4, SM-5, SM-8). */
class SmElementsTest {

    @Test
    void elementsTheCmWritesAreInUpstreamForm() {
        assertThat(SmElements.request().text()).isEqualTo("<r xmlns='urn:xmpp:sm:3'/>");
        assertThat(SmElements.ack(4_294_967_295L).text()).isEqualTo("<a xmlns='urn:xmpp:sm:3' h='4294967295'/>");
        assertThat(SmElements.ack(5).attribute("h")).contains("5");
        assertThat(SmElements.enable(true, Optional.of(Duration.ofMinutes(5))).text())
                .isEqualTo("<enable xmlns='urn:xmpp:sm:3' resume='true' max='300'/>");
        assertThat(SmElements.enable(false, Optional.empty()).text()).isEqualTo("<enable xmlns='urn:xmpp:sm:3'/>");
        assertThat(SmElements.resume("a'b<c", 3).text()).isEqualTo("<resume xmlns='urn:xmpp:sm:3' previd='a&apos;b&lt;c' h='3'/>");
        assertThat(SmElements.request().isStanza()).isFalse();
    }

    @Test
    void sm4_handledCountTooHighIsAnUndefinedConditionStreamError() {
        XmlPayload error = SmElements.handledCountTooHigh(9, 2);
        assertThat(error.text()).isEqualTo("<stream:error>"
                + "<undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
                + "<handled-count-too-high xmlns='urn:xmpp:sm:3' h='9' send-count='2'/>"
                + "</stream:error>");
        assertThat(error.is(Namespaces.STREAMS, "error")).isTrue();
    }

    @Test
    void sm8_enabledGivesPrevidResumeMaxAndLocation() {
        SmNonza n = SmNonza.parse(Xml.sm("enabled", Map.of("id", "sm-1", "resume", "1", "max", "20",
                "location", "[2001:db8::1]:5222"))).orElseThrow();
        ResumeState s = ((SmNonza.Enabled) n).state();
        assertThat(s.previd()).contains("sm-1");
        assertThat(s.resumable()).isTrue();
        assertThat(s.max()).contains(Duration.ofSeconds(20));
        assertThat(s.location()).contains("[2001:db8::1]:5222");
        assertThat(s.resumeWindow(Duration.ofMinutes(5), Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(15));

        ResumeState plain = ResumeState.fromEnabled(Xml.sm("enabled", Map.of("resume", "true", "max", "-3")));
        assertThat(plain.resumable()).as("resume without an id cannot be named").isFalse();
        assertThat(plain.max()).isEmpty();
        assertThat(plain.resumeWindow(Duration.ofMinutes(5), Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(295));
        assertThat(ResumeState.fromEnabled(Xml.sm("enabled", Map.of("id", "x", "resume", "false"))).resumable()).isFalse();
        assertThat(ResumeState.fromEnabled(Xml.sm("enabled", Map.of("id", "x", "max", "2"))).resumeWindow(
                Duration.ofMinutes(5), Duration.ofSeconds(5))).isZero();
    }

    @Test
    void serverNonzasAreReadWithTheirH() {
        assertThat(SmNonza.parse(Xml.sm("r", Map.of()))).containsInstanceOf(SmNonza.Request.class);
        assertThat(SmNonza.parse(Xml.sm("a", Map.of("h", "4294967295")))).contains(new SmNonza.Ack(4_294_967_295L));
        assertThat(SmNonza.parse(Xml.sm("a", Map.of("h", "4294967296")))).containsInstanceOf(SmNonza.Invalid.class);
        assertThat(SmNonza.parse(Xml.sm("a", Map.of()))).contains(new SmNonza.Invalid("a", "h=absent"));
        assertThat(SmNonza.parse(Xml.sm("resumed", Map.of("previd", "sm-1", "h", "7")))).contains(new SmNonza.Resumed("sm-1", 7));
        assertThat(SmNonza.parse(Xml.sm("resumed", Map.of("previd", "sm-1")))).containsInstanceOf(SmNonza.Invalid.class);
        assertThat(SmNonza.parse(Xml.sm("failed", Map.of("h", "3")))).contains(new SmNonza.Failed(OptionalLong.of(3)));
        assertThat(SmNonza.parse(Xml.sm("failed", Map.of()))).contains(new SmNonza.Failed(OptionalLong.empty()));
        assertThat(SmNonza.parse(Xml.sm("t", Map.of()))).contains(new SmNonza.Other("t"));
        assertThat(SmNonza.parse(Xml.message("m1"))).isEmpty();
        assertThat(SmNonza.parse(Xml.csiActive())).isEmpty();
    }
}
