package boshcm.protocol.sm;

import boshcm.protocol.body.XmlPayload;
import java.time.Duration;
import java.util.Optional;

/**
 * What the server's {@code <enabled xmlns='urn:xmpp:sm:3' id='some-long-sm-id' resume='true' max='600'
 * location='[2001:41D0:1:A49b::1]:9222'/>} says about resuming this stream later (XEP-0198 §3, §5).
 *
 * @param previd        the SM-ID: the {@code id}, to be sent as {@code previd} in {@code <resume/>}
 * @param resumeAllowed the server accepts a resume: {@code resume='true'} or {@code '1'} (§3)
 * @param max           the server's preferred maximum resumption time (SM-8); a preference, not a promise
 * @param location      where the server prefers the reconnection to go; used only when clustering is
 *                      configured, and then with a fallback to normal resolution (SM-8)
 */
public record ResumeState(Optional<String> previd, boolean resumeAllowed, Optional<Duration> max,
                          Optional<String> location) {

    /** Reads an {@code <enabled/>}; a {@code max} that is not a positive integer counts as absent. */
    public static ResumeState fromEnabled(XmlPayload enabled) {
        return new ResumeState(
                enabled.attribute("id").filter(s -> !s.isEmpty()),
                enabled.attribute("resume").map(ResumeState::isTrue).orElse(false),
                enabled.attribute("max").flatMap(ResumeState::seconds),
                enabled.attribute("location").filter(s -> !s.isEmpty()));
    }

    /** A resume can be attempted: the server allowed it and gave an SM-ID to name (§5). */
    public boolean resumable() {
        return resumeAllowed && previd.isPresent();
    }

    /**
     * How long after a drop the CM may still try to resume (SM-12 step 6): the smaller of the
     * server's {@code max} and the configured limit, less a safety margin, never negative. Without a
     * {@code max} the configured limit stands alone (server defaults differ: 300 s to 10 min, SM-8).
     */
    public Duration resumeWindow(Duration configured, Duration margin) {
        Duration limit = max.filter(m -> m.compareTo(configured) < 0).orElse(configured);
        Duration window = limit.minus(margin);
        return window.isNegative() ? Duration.ZERO : window;
    }

    /** XML Schema boolean, as in {@link PassThroughSm}. */
    static boolean isTrue(String v) {
        return v.equals("true") || v.equals("1");
    }

    /** xs:positiveInteger seconds; absurdly large values are capped at the largest unsignedInt. */
    private static Optional<Duration> seconds(String v) {
        String s = v.strip();
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        long n = Math.min(Long.parseLong(s), SequenceNumber.MAX);
        return n > 0 ? Optional.of(Duration.ofSeconds(n)) : Optional.empty();
    }
}
