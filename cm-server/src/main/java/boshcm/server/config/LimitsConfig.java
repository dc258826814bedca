package boshcm.server.config;

/**
 * Session admission limits (checklist S-7). Zero means unlimited.
 *
 * @param maxSessions                   concurrent BOSH sessions on this node
 * @param maxSessionsPerClient          concurrent sessions per client address
 * @param newSessionsPerClientPerSecond session creations per client address per second (token bucket,
 *                                      burst of the same size rounded up)
 * @param newSessionsPerOriginPerSecond session creations per {@code Origin} header value per second (same
 *                                      bucket rule); requests without an Origin are not counted
 */
public record LimitsConfig(int maxSessions, int maxSessionsPerClient, double newSessionsPerClientPerSecond,
                           double newSessionsPerOriginPerSecond) {

    public LimitsConfig {
        if (maxSessions < 0 || maxSessionsPerClient < 0 || newSessionsPerClientPerSecond < 0
                || newSessionsPerOriginPerSecond < 0) {
            throw new IllegalArgumentException("negative limit");
        }
    }
}
