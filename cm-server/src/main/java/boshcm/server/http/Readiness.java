package boshcm.server.http;

/**
 * Whether this node takes new sessions, as the admin listener's readiness path reports it: like
 * {@code GET /ready} → {@code 200 ready}, or {@code 503 draining}. Liveness ({@code /health}) is
 * another matter: it stays 200 in every state, for as long as the process runs.
 */
public enum Readiness {
    /** The admin listener is up, the BOSH listener not yet: 503. */
    STARTING("starting", 503),
    /** New sessions are accepted: 200. */
    READY("ready", 200),
    /** Stopping (SIGTERM): new sessions are refused, open ones end by themselves or at the drain's end: 503. */
    DRAINING("draining", 503);

    private final String word;
    private final int httpStatus;

    Readiness(String word, int httpStatus) {
        this.word = word;
        this.httpStatus = httpStatus;
    }

    /** The body of the readiness answer, like {@code draining}. */
    public String word() {
        return word;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
