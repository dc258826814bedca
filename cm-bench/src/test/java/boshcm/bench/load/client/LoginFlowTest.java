package boshcm.bench.load.client;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.bench.load.xml.Features;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 6120 §6 (SASL), §7 (bind) and RFC 3921 §3 (session), as the load client walks through them. */
class LoginFlowTest {

    private final List<String> actions = new ArrayList<>();
    private final LoginFlow.Actions recorder = new LoginFlow.Actions() {
        @Override
        public void send(byte[] element) {
            actions.add("send " + new String(element, StandardCharsets.UTF_8));
        }

        @Override
        public void restartStream() {
            actions.add("restart");
        }

        @Override
        public void loggedIn(String fullJid) {
            actions.add("logged in " + fullJid);
        }

        @Override
        public void loginFailed(String reason) {
            actions.add("failed " + reason);
        }
    };

    @Test
    void plainLoginWithOptionalSession() {
        LoginFlow flow = new LoginFlow(Credentials.plain("bench.test", "u1", "p1"));
        flow.onFeatures(new Features(List.of("SCRAM-SHA-1", "PLAIN"), false, false), recorder);
        String auth = Base64.getEncoder().encodeToString("\0u1\0p1".getBytes(StandardCharsets.UTF_8));
        assertThat(actions).containsExactly(
                "send <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + auth + "</auth>");
        flow.onSaslSuccess(recorder);
        assertThat(actions).last().isEqualTo("restart");
        flow.onFeatures(new Features(List.of(), true, false), recorder);
        assertThat(actions.get(actions.size() - 1)).contains("<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>");
        flow.onIqResult(LoginFlow.BIND_ID, "u1@bench.test/r1", recorder);
        assertThat(actions).last().isEqualTo("logged in u1@bench.test/r1");
        assertThat(flow.done()).isTrue();
    }

    @Test
    void aRequiredSessionIsEstablishedBeforeLoggingIn() {
        LoginFlow flow = new LoginFlow(Credentials.anonymous("anon.bench.test"));
        flow.onFeatures(new Features(List.of("ANONYMOUS"), false, false), recorder);
        assertThat(actions).containsExactly("send <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='ANONYMOUS'/>");
        flow.onSaslSuccess(recorder);
        flow.onFeatures(new Features(List.of(), true, true), recorder);
        flow.onIqResult(LoginFlow.BIND_ID, "x@anon.bench.test/r", recorder);
        assertThat(actions.get(actions.size() - 1)).contains("<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/>");
        assertThat(flow.done()).isFalse();
        flow.onIqResult(LoginFlow.SESSION_ID, null, recorder);
        assertThat(actions).last().isEqualTo("logged in x@anon.bench.test/r");
    }

    @Test
    void aMissingMechanismFails() {
        LoginFlow flow = new LoginFlow(Credentials.plain("bench.test", "u1", "p1"));
        flow.onFeatures(new Features(List.of("SCRAM-SHA-1"), false, false), recorder);
        assertThat(actions).containsExactly("failed server offers [SCRAM-SHA-1], not PLAIN");
        assertThat(flow.step()).isEqualTo(LoginFlow.Step.FAILED);
    }

    @Test
    void saslFailureAndBindErrorFail() {
        LoginFlow flow = new LoginFlow(Credentials.plain("bench.test", "u1", "bad"));
        flow.onFeatures(new Features(List.of("PLAIN"), false, false), recorder);
        flow.onSaslFailure("not-authorized", recorder);
        assertThat(actions).last().isEqualTo("failed SASL failure: not-authorized");

        LoginFlow other = new LoginFlow(Credentials.plain("bench.test", "u1", "p1"));
        other.onFeatures(new Features(List.of("PLAIN"), false, false), recorder);
        other.onSaslSuccess(recorder);
        other.onFeatures(new Features(List.of(), true, false), recorder);
        other.onIqError(LoginFlow.BIND_ID, "conflict", recorder);
        assertThat(actions).last().isEqualTo("failed iq bind_1 failed: conflict");
    }

    @Test
    void featuresRepeatedAfterLoginChangeNothing() {
        LoginFlow flow = new LoginFlow(Credentials.plain("bench.test", "u1", "p1"));
        flow.onFeatures(new Features(List.of("PLAIN"), false, false), recorder);
        flow.onFeatures(new Features(List.of("PLAIN"), false, false), recorder);
        assertThat(actions).hasSize(1);
    }
}
