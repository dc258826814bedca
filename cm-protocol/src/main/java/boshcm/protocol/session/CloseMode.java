package boshcm.protocol.session;

/** How to end an upstream stream. */
public enum CloseMode {
    /** RFC 6120 §4.4: send {@code </stream:stream>}, wait briefly for the server's, then close TCP. */
    GRACEFUL,
    /**
     * Close TCP without a closing stream tag, so the server keeps an SM-enabled session resumable
     * (XEP-0198 §5; issue 3 pass-through mode).
     */
    ABORT
}
