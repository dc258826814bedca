package boshcm.server.config;

/**
 * Operational endpoints, served on the admin listener ({@link AdminConfig}), never on the BOSH one.
 *
 * @param path       Prometheus scrape path, like {@code /metrics}; empty disables it
 * @param healthPath liveness path answering {@code 200 ok} while the process runs, like {@code /health}; empty disables it
 * @param readyPath  readiness path answering {@code 200} while the node accepts new sessions and {@code 503}
 *                   while it starts or drains, like {@code /ready}; empty disables it
 */
public record MetricsConfig(String path, String healthPath, String readyPath) {

    public boolean enabled() {
        return !path.isEmpty();
    }

    public boolean healthEnabled() {
        return !healthPath.isEmpty();
    }

    public boolean readyEnabled() {
        return !readyPath.isEmpty();
    }
}
