package boshcm.protocol.sm;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * How the CM treats XEP-0198 on upstream streams (checklist SM-11 to SM-18). Immutable; part of the
 * session policy.
 *
 * @param mode             pass-through (mode A, the default) or CM-managed (mode B)
 * @param reauth           the ways the CM may authenticate again as the user (SM-13); in managed mode
 *                         a session without any of them runs in pass-through mode
 * @param serviceAuthcid   the service account for {@link ReauthMethod#SERVICE_ACCOUNT}
 * @param servicePassword  its password; never in {@link #toString()}
 * @param ackPolicy        when the CM asks the server for acks and how much it keeps unacknowledged (SM-18)
 * @param resumeWindow     the CM's own limit on how long after a drop a resume is tried (SM-8, SM-12 step 6)
 * @param backoff          the waits between the connections of one resume, and each one's time limit (SM-12)
 */
public record SmPolicy(SmMode mode, Set<ReauthMethod> reauth, Optional<String> serviceAuthcid,
                       Optional<String> servicePassword, AckPolicy ackPolicy, Duration resumeWindow,
                       ResumeBackoff backoff) {

    /** SM-12 step 6: the margin taken off the resume window. */
    public static final Duration RESUME_MARGIN = Duration.ofSeconds(5);

    public SmPolicy {
        reauth = reauth.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(reauth));
        if (reauth.contains(ReauthMethod.SERVICE_ACCOUNT) && (serviceAuthcid.isEmpty() || servicePassword.isEmpty())) {
            throw new IllegalArgumentException("SERVICE_ACCOUNT re-authentication needs an authcid and a password");
        }
        if (resumeWindow.isNegative() || resumeWindow.isZero()) {
            throw new IllegalArgumentException("resumeWindow " + resumeWindow);
        }
    }

    /** Mode A: nothing owned, nothing counted (the default). */
    public static SmPolicy passThrough() {
        return new SmPolicy(SmMode.PASSTHROUGH, Set.of(), Optional.empty(), Optional.empty(), AckPolicy.defaults(),
                Duration.ofSeconds(300), ResumeBackoff.defaults());
    }

    /** Mode B with these re-authentication methods, default acks and a 300 s resume window. */
    public static SmPolicy managed(Set<ReauthMethod> reauth) {
        return new SmPolicy(SmMode.MANAGED, reauth, Optional.empty(), Optional.empty(), AckPolicy.defaults(),
                Duration.ofSeconds(300), ResumeBackoff.defaults());
    }

    public boolean managed() {
        return mode == SmMode.MANAGED;
    }

    public boolean allows(ReauthMethod method) {
        return reauth.contains(method);
    }

    /** Operator-configured trusted authentication (SM-13 (a)): usable whatever mechanism the client chose. */
    public boolean hasTrustedReauth() {
        return allows(ReauthMethod.EXTERNAL) || allows(ReauthMethod.SERVICE_ACCOUNT);
    }

    /** The same policy with another ack policy. */
    public SmPolicy withAckPolicy(AckPolicy acks) {
        return new SmPolicy(mode, reauth, serviceAuthcid, servicePassword, acks, resumeWindow, backoff);
    }

    /** The same policy with another resume window. */
    public SmPolicy withResumeWindow(Duration window) {
        return new SmPolicy(mode, reauth, serviceAuthcid, servicePassword, ackPolicy, window, backoff);
    }

    /** The same policy with other waits between the connections of a resume. */
    public SmPolicy withBackoff(ResumeBackoff b) {
        return new SmPolicy(mode, reauth, serviceAuthcid, servicePassword, ackPolicy, resumeWindow, b);
    }

    /** The same policy with a service account (and {@link ReauthMethod#SERVICE_ACCOUNT} allowed). */
    public SmPolicy withServiceAccount(String authcid, String password) {
        EnumSet<ReauthMethod> methods = EnumSet.of(ReauthMethod.SERVICE_ACCOUNT);
        methods.addAll(reauth);
        return new SmPolicy(mode, methods, Optional.of(authcid), Optional.of(password), ackPolicy, resumeWindow, backoff);
    }

    @Override
    public String toString() {
        return "SmPolicy[" + mode + ", reauth=" + reauth + ", serviceAuthcid=" + serviceAuthcid.orElse("-")
                + ", servicePassword=" + (servicePassword.isPresent() ? "***" : "-") + ", " + ackPolicy
                + ", resumeWindow=" + resumeWindow + ", " + backoff + "]";
    }
}
