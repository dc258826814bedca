package boshcm.protocol.session;

/** Why a session ended; a low-cardinality metric tag. */
public enum EndCause {
    /** The client sent {@code type='terminate'} (XEP-0124 §13). */
    CLIENT_TERMINATE("client-terminate"),
    /** No request within {@code inactivity} (XEP-0124 §10). */
    INACTIVITY("inactivity"),
    /** The client broke a rule: a terminal binding condition was sent to it. */
    BINDING_ERROR("binding-error"),
    /** The upstream stream ended: stream error, close or TCP loss. */
    UPSTREAM("upstream"),
    /** The connection manager is shutting down. */
    SHUTDOWN("shutdown");

    private final String tag;

    EndCause(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}
