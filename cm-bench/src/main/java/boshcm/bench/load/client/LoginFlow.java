package boshcm.bench.load.client;

import boshcm.bench.load.xml.Features;
import java.nio.charset.StandardCharsets;

/**
 * The XMPP login of one session, transport-neutral (RFC 6120 §6 SASL, §7 bind; RFC 3921 §3 session
 * when the server requires it): features → {@code <auth/>} → success → stream restart → features →
 * bind → (session) → logged in. The transport supplies the {@link Actions}: over TCP a restart is a
 * new stream header, over BOSH a request with {@code xmpp:restart='true'} (XEP-0206 §5).
 * Not thread-safe: it belongs to its session's event loop.
 */
public final class LoginFlow {

    static final String BIND_ID = "bind_1";
    static final String SESSION_ID = "sess_1";

    private static final byte[] BIND = ("<iq type='set' id='" + BIND_ID + "' xmlns='jabber:client'>"
            + "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SESSION = ("<iq type='set' id='" + SESSION_ID + "' xmlns='jabber:client'>"
            + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'/></iq>").getBytes(StandardCharsets.US_ASCII);

    /** Where the login stands. */
    public enum Step {
        AWAIT_FEATURES, AUTHENTICATING, AWAIT_BIND_FEATURES, BINDING, SESSION, DONE, FAILED
    }

    /** What the transport does for the flow. */
    public interface Actions {
        void send(byte[] element);

        void restartStream();

        void loggedIn(String fullJid);

        void loginFailed(String reason);
    }

    private final Credentials credentials;
    private Step step = Step.AWAIT_FEATURES;
    private String fullJid;

    public LoginFlow(Credentials credentials) {
        this.credentials = credentials;
    }

    public Step step() {
        return step;
    }

    public boolean done() {
        return step == Step.DONE;
    }

    public void onFeatures(Features features, Actions actions) {
        switch (step) {
            case AWAIT_FEATURES -> {
                String wanted = credentials.mechanism().name();
                if (!features.mechanisms().contains(wanted)) {
                    fail(actions, "server offers " + features.mechanisms() + ", not " + wanted);
                    return;
                }
                step = Step.AUTHENTICATING;
                actions.send(credentials.authElement());
            }
            case AWAIT_BIND_FEATURES -> {
                if (!features.bind()) {
                    fail(actions, "no resource binding offered after authentication");
                    return;
                }
                sessionRequired = features.sessionRequired();
                step = Step.BINDING;
                actions.send(BIND);
            }
            default -> { } // features again (e.g. a BOSH CM repeating them) change nothing
        }
    }

    private boolean sessionRequired;

    public void onSaslSuccess(Actions actions) {
        if (step != Step.AUTHENTICATING) {
            fail(actions, "SASL success in step " + step);
            return;
        }
        step = Step.AWAIT_BIND_FEATURES;
        actions.restartStream();
    }

    public void onSaslFailure(String condition, Actions actions) {
        fail(actions, "SASL failure: " + condition);
    }

    public void onIqResult(String id, String boundJid, Actions actions) {
        if (step == Step.BINDING && BIND_ID.equals(id)) {
            if (boundJid == null || boundJid.isEmpty()) {
                fail(actions, "bind result without a jid");
                return;
            }
            fullJid = boundJid;
            if (sessionRequired) {
                step = Step.SESSION;
                actions.send(SESSION);
            } else {
                finish(actions);
            }
        } else if (step == Step.SESSION && SESSION_ID.equals(id)) {
            finish(actions);
        }
    }

    public void onIqError(String id, String condition, Actions actions) {
        if (step == Step.BINDING || step == Step.SESSION) {
            fail(actions, "iq " + id + " failed: " + condition);
        }
    }

    private void finish(Actions actions) {
        step = Step.DONE;
        actions.loggedIn(fullJid);
    }

    private void fail(Actions actions, String reason) {
        step = Step.FAILED;
        actions.loginFailed(reason);
    }
}
