package boshcm.protocol.sm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Checklist SM-13: the credentials the CM may replay to authenticate again before a resume. */
class ReauthCredentialTest {

    static XmlPayload auth(String mechanism, String text) {
        return new XmlPayload(Namespaces.SASL, "auth", Map.of("mechanism", mechanism),
                ("<auth xmlns='" + Namespaces.SASL + "' mechanism='" + mechanism + "'>" + text + "</auth>")
                        .getBytes(StandardCharsets.UTF_8));
    }

    static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String decodedText(XmlPayload auth) {
        String xml = auth.text();
        String text = xml.substring(xml.indexOf('>') + 1, xml.lastIndexOf('<'));
        return new String(Base64.getDecoder().decode(text), StandardCharsets.UTF_8);
    }

    @Test
    void sm13_capturedPlainIsReplayedByteForByte() {
        XmlPayload original = auth("PLAIN", b64("\u0000juliet\u0000s3cr3t"));
        ReauthCredential.CapturedPlain c = ReauthCredential.CapturedPlain.fromAuth(original).orElseThrow();
        assertThat(c.mechanism()).isEqualTo("PLAIN");
        assertThat(c.auth().attribute("mechanism")).contains("PLAIN");
        assertThat(decodedText(c.auth())).isEqualTo("\u0000juliet\u0000s3cr3t");
    }

    @Test
    void sm13_capturedPlainKeepsTheAuthzidAndToleratesWhitespace() {
        XmlPayload original = auth("PLAIN", "\n  " + b64("juliet@example.com\u0000juliet\u0000pw") + "  ");
        ReauthCredential.CapturedPlain c = ReauthCredential.CapturedPlain.fromAuth(original).orElseThrow();
        assertThat(decodedText(c.auth())).isEqualTo("juliet@example.com\u0000juliet\u0000pw");
    }

    @Test
    void sm13_nothingIsCapturedFromOtherMechanismsOrBrokenMessages() {
        assertThat(ReauthCredential.CapturedPlain.fromAuth(auth("SCRAM-SHA-1", b64("n,,n=juliet,r=abc")))).isEmpty();
        assertThat(ReauthCredential.CapturedPlain.fromAuth(auth("PLAIN", "=")).isEmpty()).isTrue();
        assertThat(ReauthCredential.CapturedPlain.fromAuth(auth("PLAIN", "not*base64"))).isEmpty();
        assertThat(ReauthCredential.CapturedPlain.fromAuth(auth("PLAIN", b64("juliet:pw")))).isEmpty();
        assertThat(ReauthCredential.CapturedPlain.fromAuth(auth("PLAIN", b64("\u0000\u0000pw")))).as("no authcid").isEmpty();
        assertThat(ReauthCredential.CapturedPlain.fromAuth(new XmlPayload(Namespaces.SASL, "auth",
                Map.of("mechanism", "PLAIN"), ("<auth xmlns='" + Namespaces.SASL + "' mechanism='PLAIN'/>").getBytes(StandardCharsets.UTF_8))))
                .isEmpty();
    }

    @Test
    void sm13_secretsNeverInToStringAndWipedAtSessionEnd() {
        ReauthCredential.CapturedPlain c = ReauthCredential.CapturedPlain.fromAuth(auth("PLAIN", b64("\u0000juliet\u0000s3cr3t"))).orElseThrow();
        ReauthCredential s = new ReauthCredential.ServiceAccount("juliet@example.com", "cm", "svcpw");
        assertThat(c.toString()).doesNotContain("juliet").doesNotContain("s3cr3t");
        assertThat(s.toString()).doesNotContain("svcpw").doesNotContain("cm");
        c.wipe();
        s.wipe();
        assertThatThrownBy(c::auth).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(s::auth).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void sm13_trustedCredentialsNameTheUserAsAuthzid() {
        assertThat(decodedText(new ReauthCredential.ServiceAccount("juliet@example.com", "cm", "svcpw").auth()))
                .isEqualTo("juliet@example.com\u0000cm\u0000svcpw");
        XmlPayload external = new ReauthCredential.External("juliet@example.com").auth();
        assertThat(external.attribute("mechanism")).contains("EXTERNAL");
        assertThat(decodedText(external)).isEqualTo("juliet@example.com");
    }

    @Test
    void sm11_policyDefaultsToPassThroughAndHidesThePassword() {
        SmPolicy d = SmPolicy.passThrough();
        assertThat(d.managed()).isFalse();
        SmPolicy m = SmPolicy.managed(Set.of(ReauthMethod.PLAIN_CAPTURE)).withServiceAccount("cm", "svcpw")
                .withResumeWindow(Duration.ofSeconds(60));
        assertThat(m.managed()).isTrue();
        assertThat(m.allows(ReauthMethod.SERVICE_ACCOUNT)).isTrue();
        assertThat(m.hasTrustedReauth()).isTrue();
        assertThat(m.toString()).doesNotContain("svcpw");
        assertThat(m.serviceAuthcid()).isEqualTo(Optional.of("cm"));
        assertThatThrownBy(() -> SmPolicy.managed(Set.of(ReauthMethod.SERVICE_ACCOUNT)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
