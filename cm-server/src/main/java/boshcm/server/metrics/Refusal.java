package boshcm.server.metrics;

/**
 * Why the node refused to create a session: the closed set of {@code reason} tags of
 * {@code bosh_sessions_refused_total}, each registered at 0 from the start so that {@code rate()}
 * sees the first one.
 */
public enum Refusal {
    /** A plain-HTTP request for a session created over HTTPS (XEP-0124 §19.1). */
    INSECURE_REQUEST("insecure-request"),
    /** The node is draining (SIGTERM): new sessions go elsewhere. */
    DRAINING("draining"),
    /** {@code limits.max-sessions} open sessions on this node. */
    MAX_SESSIONS("max-sessions"),
    /** {@code limits.new-sessions-per-client-per-second} exceeded by this client address. */
    CREATION_RATE("creation-rate"),
    /** {@code limits.new-sessions-per-origin-per-second} exceeded by this {@code Origin}. */
    ORIGIN_CREATION_RATE("origin-creation-rate"),
    /** {@code limits.max-sessions-per-client} open sessions from this client address. */
    MAX_SESSIONS_PER_CLIENT("max-sessions-per-client");

    private final String tag;

    Refusal(String tag) {
        this.tag = tag;
    }

    /** The {@code reason} tag value. */
    public String tag() {
        return tag;
    }
}
