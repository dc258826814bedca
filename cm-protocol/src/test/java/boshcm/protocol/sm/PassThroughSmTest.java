package boshcm.protocol.sm;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.XmlPayload;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** XEP-0198 §3, §5 as the connection manager sees them in pass-through mode (checklist SM-11 A). */
class PassThroughSmTest {

    private final PassThroughSm sm = new PassThroughSm();

    private static XmlPayload sm(String name, Map<String, String> attributes) {
        return new XmlPayload("urn:xmpp:sm:3", name, attributes,
                ("<" + name + " xmlns='urn:xmpp:sm:3'/>").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void enableWithResumeAnsweredWithResumableEnabledIsResumable() {
        sm.clientSent(sm("enable", Map.of("resume", "true")));
        assertThat(sm.resumable()).isFalse();
        sm.serverSent(sm("enabled", Map.of("id", "x", "resume", "1")));
        assertThat(sm.resumable()).isTrue();
    }

    @Test
    void enableWithoutResumeOrServerRefusingResumeIsNotResumable() {
        sm.clientSent(sm("enable", Map.of()));
        sm.serverSent(sm("enabled", Map.of("id", "x", "resume", "true")));
        assertThat(sm.resumable()).isFalse();

        PassThroughSm other = new PassThroughSm();
        other.clientSent(sm("enable", Map.of("resume", "true")));
        other.serverSent(sm("enabled", Map.of()));
        assertThat(other.resumable()).isFalse();
    }

    @Test
    void resumedSessionIsResumableAndFailedIsNot() {
        sm.clientSent(sm("resume", Map.of("previd", "x", "h", "3")));
        sm.serverSent(sm("resumed", Map.of("previd", "x", "h", "5")));
        assertThat(sm.resumable()).isTrue();
        sm.serverSent(sm("failed", Map.of()));
        assertThat(sm.resumable()).isFalse();
    }

    @Test
    void restartForgetsTheOldStream() {
        sm.clientSent(sm("enable", Map.of("resume", "true")));
        sm.serverSent(sm("enabled", Map.of("resume", "true")));
        sm.restarted();
        assertThat(sm.resumable()).isFalse();
    }

    @Test
    void otherNamespacesAreIgnored() {
        sm.clientSent(new XmlPayload("jabber:client", "enable", Map.of("resume", "true"), new byte[0]));
        sm.serverSent(new XmlPayload("urn:example", "enabled", Map.of("resume", "true"), new byte[0]));
        assertThat(sm.resumable()).isFalse();
    }
}
