package boshcm.protocol.sm;

/** Who owns XEP-0198 on a session's upstream stream (checklist SM-11). */
public enum SmMode {
    /** Mode A: the client's SM elements travel untouched; an upstream drop ends the session. */
    PASSTHROUGH,
    /**
     * Mode B: the CM enables SM itself after bind and hides an upstream drop by resuming, when it holds
     * a way to authenticate again as the same user (SM-13); without one the session runs as {@link #PASSTHROUGH}.
     */
    MANAGED
}
