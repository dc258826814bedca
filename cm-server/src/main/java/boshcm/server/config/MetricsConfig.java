package boshcm.server.config;

/**
 * Operational endpoints served on the HTTP port next to BOSH.
 *
 * @param path       Prometheus scrape path, like {@code /metrics}; empty disables it
 * @param healthPath liveness path answering {@code 200 ok}, like {@code /health}; empty disables it
 */
public record MetricsConfig(String path, String healthPath) {

    public boolean enabled() {
        return !path.isEmpty();
    }

    public boolean healthEnabled() {
        return !healthPath.isEmpty();
    }
}
