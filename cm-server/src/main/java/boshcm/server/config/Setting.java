package boshcm.server.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * One configuration setting, like {@code http.port}: its key in the HOCON file, its environment
 * variable ({@code BOSHCM_HTTP_PORT}, derived mechanically from the key) and its command-line flag
 * ({@code --http-port}, derived the same way unless the issue asked for a shorter one). The
 * default value and the description live in {@code reference.conf}.
 */
public record Setting(String key, Kind kind, String flag, boolean secret) {

    /** How a value is written on the command line and in the environment. */
    public enum Kind {
        STRING("TEXT"), INT("N"), NUMBER("X"), BOOLEAN("[=true|false]"), DURATION("DURATION"),
        DURATION_OR_AUTO("DURATION|auto"), BYTES("SIZE"), LIST("A,B,..."), HOST_PORT("HOST:PORT"),
        TLS_MODE("disabled|starttls|direct");

        private final String metavar;

        Kind(String metavar) {
            this.metavar = metavar;
        }

        public String metavar() {
            return metavar;
        }
    }

    public static final String ENV_PREFIX = "BOSHCM_";

    /** {@code http.max-body-bytes} → {@code BOSHCM_HTTP_MAX_BODY_BYTES}. */
    public static String envVarFor(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** {@code http.max-body-bytes} → {@code --http-max-body-bytes}. */
    public static String flagFor(String key) {
        return "--" + key.replace('.', '-');
    }

    public String envVar() {
        return envVarFor(key);
    }

    private static Setting of(String key, Kind kind) {
        return new Setting(key, kind, flagFor(key), false);
    }

    private static Setting of(String key, Kind kind, String flag) {
        return new Setting(key, kind, flag, false);
    }

    /** Every setting, in the order {@code --help} lists them. */
    public static final List<Setting> ALL = List.of(
            of("http.bind", Kind.STRING, "--bind"),
            of("http.port", Kind.INT),
            of("http.path", Kind.STRING),
            of("http.h2c", Kind.BOOLEAN),
            of("http.max-body-bytes", Kind.BYTES),
            of("http.max-header-bytes", Kind.BYTES),
            of("http.request-timeout", Kind.DURATION),
            of("http.keep-alive-timeout", Kind.DURATION),
            of("http.idle-timeout", Kind.DURATION_OR_AUTO),
            of("http.exchange-backstop", Kind.DURATION_OR_AUTO),
            of("http.trusted-proxies", Kind.LIST),
            of("http.max-threads", Kind.INT),
            of("http.accept-queue", Kind.INT),
            of("http.stop-timeout", Kind.DURATION),
            of("cors.allowed-origins", Kind.LIST),
            of("cors.allow-credentials", Kind.BOOLEAN),
            of("upstream.address", Kind.HOST_PORT, "--upstream"),
            of("upstream.tls", Kind.TLS_MODE, "--upstream-tls"),
            of("upstream.insecure-tls", Kind.BOOLEAN, "--insecure-upstream-tls"),
            of("http.tls.key-store.path", Kind.STRING),
            new Setting("http.tls.key-store.password", Kind.STRING, flagFor("http.tls.key-store.password"), true),
            of("http.tls.key-store.type", Kind.STRING),
            of("upstream.trust-store.path", Kind.STRING),
            new Setting("upstream.trust-store.password", Kind.STRING, flagFor("upstream.trust-store.password"), true),
            of("upstream.trust-store.type", Kind.STRING),
            of("upstream.connect-timeout", Kind.DURATION),
            of("upstream.keepalive", Kind.DURATION),
            of("upstream.dns-cache-ttl", Kind.DURATION),
            of("upstream.allow-private-addresses", Kind.BOOLEAN),
            of("sm.mode", Kind.STRING, "--sm"),
            of("sm.reauth", Kind.LIST, "--sm-reauth"),
            of("sm.service-account.authcid", Kind.STRING),
            new Setting("sm.service-account.password", Kind.STRING, flagFor("sm.service-account.password"), true),
            of("sm.resume-window", Kind.DURATION),
            of("sm.max-unacked", Kind.INT),
            of("sm.request-every", Kind.INT),
            of("sm.request-after", Kind.DURATION),
            of("node.id", Kind.STRING),
            of("log.format", Kind.STRING),
            of("log.level", Kind.STRING),
            of("admin.address", Kind.STRING),
            of("admin.port", Kind.INT),
            of("metrics.path", Kind.STRING),
            of("metrics.health-path", Kind.STRING),
            of("metrics.ready-path", Kind.STRING),
            of("drain.timeout", Kind.DURATION),
            of("drain.successor-uri", Kind.STRING),
            of("session.max-version", Kind.STRING),
            of("session.max-wait", Kind.DURATION),
            of("session.max-hold", Kind.INT),
            of("session.inactivity", Kind.DURATION),
            of("session.polling-inactivity", Kind.DURATION),
            of("session.polling", Kind.DURATION),
            of("session.max-pause", Kind.DURATION),
            of("session.reject-long-pause", Kind.BOOLEAN),
            of("session.strict-overactivity", Kind.BOOLEAN),
            of("session.served-domains", Kind.LIST),
            of("session.route-allow-list", Kind.LIST),
            of("session.content-types", Kind.LIST),
            of("session.accept", Kind.STRING),
            of("session.send-acks", Kind.BOOLEAN),
            of("session.response-cache-size", Kind.INT),
            of("session.max-repeats", Kind.INT),
            of("session.repeat-window", Kind.DURATION),
            of("session.max-buffered-bytes", Kind.BYTES),
            of("session.pause-reading-bytes", Kind.BYTES),
            of("session.max-body-payloads", Kind.INT),
            of("session.max-response-bytes", Kind.BYTES),
            of("session.multi-streams", Kind.BOOLEAN),
            of("session.max-streams", Kind.INT),
            of("xml.max-depth", Kind.INT),
            of("xml.max-attributes", Kind.INT),
            of("xml.max-attribute-bytes", Kind.BYTES),
            of("xml.max-text-bytes", Kind.BYTES),
            of("xml.max-namespaces", Kind.INT),
            of("xml.max-payloads", Kind.INT),
            of("limits.max-sessions", Kind.INT),
            of("limits.max-sessions-per-client", Kind.INT),
            of("limits.new-sessions-per-client-per-second", Kind.NUMBER),
            of("limits.new-sessions-per-origin-per-second", Kind.NUMBER));

    private static final Map<String, Setting> BY_KEY =
            ALL.stream().collect(Collectors.toUnmodifiableMap(Setting::key, Function.identity()));
    private static final Map<String, Setting> BY_FLAG =
            ALL.stream().collect(Collectors.toUnmodifiableMap(Setting::flag, Function.identity()));
    private static final Map<String, Setting> BY_ENV =
            ALL.stream().collect(Collectors.toUnmodifiableMap(Setting::envVar, Function.identity()));

    public static Optional<Setting> byKey(String key) {
        return Optional.ofNullable(BY_KEY.get(key));
    }

    public static Optional<Setting> byFlag(String flag) {
        return Optional.ofNullable(BY_FLAG.get(flag));
    }

    public static Optional<Setting> byEnvVar(String name) {
        return Optional.ofNullable(BY_ENV.get(name));
    }
}
