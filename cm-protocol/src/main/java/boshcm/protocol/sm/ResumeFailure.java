package boshcm.protocol.sm;

/**
 * Why the CM gave up hiding an upstream drop (checklist SM-12 step 6, SM-15): the closed set of reasons
 * a resume ends the BOSH session with {@code remote-connection-failed}. The wire name is the metric tag.
 */
public enum ResumeFailure {
    /** The resume window ran out while reconnecting (SM-12 step 6, SM-8: the server's {@code max}). */
    DEADLINE("deadline", "XEP-0198 §5; checklist SM-12 step 6"),
    /** The server answered {@code <resume/>} with {@code <failed/>}: its session is gone (XEP-0198 §5). */
    REFUSED("refused", "XEP-0198 §5 #resumption; checklist SM-15"),
    /** SASL with the stored credential failed (RFC 6120 §6.5). */
    AUTHENTICATION("authentication", "RFC 6120 §6.5; checklist SM-13"),
    /** The new connection ended with a stream error a retry cannot cure (RFC 6120 §4.9.3). */
    STREAM_ERROR("stream-error", "RFC 6120 §4.9.3; checklist U-8"),
    /** The server sent something a resume does not allow (malformed XML, an unexpected element, a wrong h). */
    PROTOCOL("protocol", "XEP-0198 §5; RFC 6120 §11"),
    /** The BOSH session ended (client terminate, inactivity, shutdown) while a resume was under way. */
    SESSION_ENDED("session-ended", "XEP-0124 §13");

    private final String wireName;
    private final String specAnchor;

    ResumeFailure(String wireName, String specAnchor) {
        this.wireName = wireName;
        this.specAnchor = specAnchor;
    }

    /** The name used in metrics and logs, e.g. {@code deadline}. */
    public String wireName() {
        return wireName;
    }

    public String specAnchor() {
        return specAnchor;
    }
}
