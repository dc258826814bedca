package boshcm.server.config;

/**
 * The admin listener: a second HTTP listener, apart from the BOSH one, that serves the metrics, health
 * and readiness paths ({@link MetricsConfig}). It binds to loopback by default, so that nothing an
 * operator did not choose to expose is reachable from where browsers reach BOSH.
 *
 * @param address interface to listen on, like {@code 127.0.0.1} or a private address
 * @param port    TCP port; 0 picks a free one (tests); {@link #DISABLED} turns the listener off
 */
public record AdminConfig(String address, int port) {

    /** {@code admin.port = -1}: no admin listener, so no metrics, health or readiness endpoint at all. */
    public static final int DISABLED = -1;

    public boolean enabled() {
        return port != DISABLED;
    }
}
