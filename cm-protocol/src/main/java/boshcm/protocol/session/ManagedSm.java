package boshcm.protocol.session;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.sm.InboundLedger;
import boshcm.protocol.sm.OutboundLedger;
import boshcm.protocol.sm.ReauthCredential;
import boshcm.protocol.sm.ReauthMethod;
import boshcm.protocol.sm.ResumeState;
import boshcm.protocol.sm.SmElements;
import boshcm.protocol.sm.SmPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * XEP-0198 owned by the CM on one upstream stream (checklist SM-11 mode B): the state of the CM's own
 * SM session, its ledgers, and the credential for authenticating again (SM-13). Kept by the
 * {@link SessionStream} the session was created with, when the policy asks for managed mode; the
 * {@link StreamRelay} drives it. Not thread-safe; owned by its {@link BoshSession}.
 *
 * <p>Life: {@code AWAITING_AUTH} until the client's SASL {@code <auth/>} goes upstream, which tells
 * whether the CM will be able to authenticate again (else the stream runs in pass-through mode and the
 * relay drops this object); {@code AWAITING_BIND} until the bind result, after which the CM writes
 * {@code <enable resume='true'/>} (SM-1) and is {@code ENABLE_SENT}; {@code ENABLED} once the server
 * said {@code <enabled/>}; {@code NOT_ENABLED} when the server offers no SM or refused it: the CM still
 * owns the client's SM elements (the client never saw {@code <sm/>}) but writes no {@code <r/>}/{@code <a/>} (SM-10).
 */
final class ManagedSm {

    enum State {
        AWAITING_AUTH, AWAITING_BIND, ENABLE_SENT, ENABLED, NOT_ENABLED,
        /** SM-12: a connection of the resume failed; the next one is opened at {@code retryAt}. */
        RESUME_WAITING,
        /** SM-12: reconnecting; waiting for the new connection's features to authenticate again. */
        RESUME_CONNECTING,
        /** SM-12 step 3: the credential's {@code <auth/>} was written. */
        RESUME_AUTHENTICATING,
        /** SM-12 step 4: SASL succeeded and the stream restarted; waiting for its features. */
        RESUME_RESTARTING,
        /** SM-12 step 4: {@code <resume/>} was written (SM-6). */
        RESUME_SENT
    }

    /** The client's own SM namespaces: v3, and v2 that Prosody still offers. */
    private static final Set<String> CLIENT_NAMESPACES = Set.of(Namespaces.SM, "urn:xmpp:sm:2");

    final SmPolicy policy;
    /** H_in: sees every element queued for the browser from the stream's start (SM-17). */
    final InboundLedger inbound = new InboundLedger();
    /** Created when {@code <enable/>} is written (SM-3); null before. */
    OutboundLedger outbound;
    State state = State.AWAITING_AUTH;
    /** From {@code <enabled/>} (SM-8). */
    Optional<ResumeState> resume = Optional.empty();
    /** The last features the server offered on this stream included {@code <sm xmlns='urn:xmpp:sm:3'/>}. */
    boolean serverOffersSm;
    /** SM-18: the unacknowledged queue overflowed; the session ends with policy-violation. */
    boolean overflowed;
    /** SM-12 step 1: client payloads accepted during a resume, in order, for after {@code <resumed/>}. */
    final java.util.List<XmlPayload> parked = new java.util.ArrayList<>();
    /** SM-12 step 6: when a resume under way is given up (System.nanoTime()). */
    long resumeDeadline;
    /** SM-12: when the resume under way began (the drop), for its duration. */
    long resumeStartedAt;
    /** SM-12: connections opened by the resume under way. */
    int resumeAttempts;
    /** SM-12: when the connection under way is given up for another ({@code RESUME_CONNECTING} … {@code RESUME_SENT}). */
    long attemptDeadline;
    /** SM-12: when the next connection is opened ({@code RESUME_WAITING}). */
    long retryAt;
    /** Draws where each wait falls (ResumeBackoff): spreads the reconnections of many sessions. */
    private final java.util.SplittableRandom jitter = new java.util.SplittableRandom();
    private Optional<ReauthCredential.CapturedPlain> captured = Optional.empty();
    private Optional<ReauthCredential> credential = Optional.empty();

    ManagedSm(SmPolicy policy) {
        this.policy = policy;
    }

    /**
     * The CM owns SM on this stream: the client's SM elements are answered locally and the client view
     * of features hides {@code <sm/>} (SM-11 B, SM-20).
     */
    boolean owning() {
        return state != State.AWAITING_AUTH;
    }

    /** SM is enabled upstream: {@code <r/>} and {@code <a/>} may be written (SM-10). */
    boolean counting() {
        return outbound != null && (state == State.ENABLE_SENT || state == State.ENABLED);
    }

    /**
     * The client's SASL {@code <auth/>} goes upstream (RFC 6120 §6.4.2). Captures a PLAIN credential
     * when that is allowed (SM-13 (c)). Returns why the stream cannot be managed, when it cannot: then
     * it runs in pass-through mode.
     */
    Optional<String> clientAuth(XmlPayload auth) {
        if (policy.allows(ReauthMethod.PLAIN_CAPTURE)) {
            captured.ifPresent(ReauthCredential::wipe);               // a retry after a failure replaces it
            captured = ReauthCredential.CapturedPlain.fromAuth(auth);
        }
        if (captured.isPresent() || policy.hasTrustedReauth()) {
            state = State.AWAITING_BIND;
            return Optional.empty();
        }
        String mechanism = auth.attribute("mechanism").orElse("?");
        return Optional.of("no re-auth credential: the client authenticated with " + mechanism
                + " and the allowed re-authentication methods are " + policy.reauth());
    }

    /**
     * The bind result named the user (RFC 6120 §7.6.1): the credential for later resumes is fixed,
     * trusted authentication first (SM-13 (a), then (c)). Returns the {@code <enable/>} to write, or
     * empty when the server offered no SM.
     */
    Optional<XmlPayload> bound(String fullJid) {
        String user = bare(fullJid);
        if (policy.allows(ReauthMethod.EXTERNAL)) {
            credential = Optional.of(new ReauthCredential.External(user));
        } else if (policy.allows(ReauthMethod.SERVICE_ACCOUNT)) {
            credential = Optional.of(new ReauthCredential.ServiceAccount(user, policy.serviceAuthcid().orElseThrow(),
                    policy.servicePassword().orElseThrow()));
        } else {
            credential = captured.map(c -> c);
        }
        if (credential.isPresent() && credential.get() != captured.orElse(null)) {
            captured.ifPresent(ReauthCredential::wipe);
            captured = Optional.empty();
        }
        if (!serverOffersSm) {
            state = State.NOT_ENABLED;
            return Optional.empty();
        }
        outbound = new OutboundLedger(policy.ackPolicy());         // SM-3: the outbound count starts now
        state = State.ENABLE_SENT;
        return Optional.of(SmElements.enable(true, Optional.empty()));
    }

    /** An upstream drop is being hidden (SM-12): client payloads wait, nothing is counted or requested. */
    boolean resuming() {
        return state.compareTo(State.RESUME_WAITING) >= 0;
    }

    /** SM-12: a drop can be hidden: SM enabled with resumption, and a credential to authenticate again. */
    boolean canResume() {
        return state == State.ENABLED && credential.isPresent() && resume.map(ResumeState::resumable).orElse(false);
    }

    /** The wait before the next connection of the resume under way, after {@link #resumeAttempts} failed. */
    long retryDelayNanos() {
        return policy.backoff().delayNanos(resumeAttempts, jitter.nextDouble());
    }

    /** The credential for re-authentication, once bound. */
    Optional<ReauthCredential> credential() {
        return credential;
    }

    /** The session ends: secrets are zeroed (SM-13 (c): kept in memory only, wiped at session end). */
    void wipe() {
        captured.ifPresent(ReauthCredential::wipe);
        credential.ifPresent(ReauthCredential::wipe);
        captured = Optional.empty();
        credential = Optional.empty();
    }

    static boolean isClientSm(XmlPayload p) {
        return CLIENT_NAMESPACES.contains(p.namespace());
    }

    /**
     * SM-11 B: the local answer to a client's {@code <enable/>} or {@code <resume/>}, in the client's
     * namespace: {@code <failed xmlns='urn:xmpp:sm:3'><feature-not-implemented
     * xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>}. Empty for {@code <r/>}, {@code <a/>} and
     * anything else, which are dropped.
     */
    static Optional<XmlPayload> localAnswer(XmlPayload clientSm) {
        if (!clientSm.localName().equals("enable") && !clientSm.localName().equals("resume")) {
            return Optional.empty();
        }
        String ns = clientSm.namespace();
        String xml = "<failed xmlns='" + ns + "'><feature-not-implemented xmlns='" + Namespaces.XMPP_STANZAS
                + "'/></failed>";
        return Optional.of(new XmlPayload(ns, "failed", Map.of(), xml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String bare(String jid) {
        int slash = jid.indexOf('/');
        return slash < 0 ? jid : jid.substring(0, slash);
    }

    @Override
    public String toString() {
        return "ManagedSm[" + state + ", in=" + inbound.handled() + "/" + inbound.receivedCount()
                + (outbound == null ? "" : ", out=" + outbound.ackedCount() + "/" + outbound.sentCount()) + "]";
    }
}
