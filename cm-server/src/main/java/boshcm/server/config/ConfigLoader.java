package boshcm.server.config;

import boshcm.server.upstream.UpstreamSettings;
import boshcm.server.upstream.UpstreamSettings.TlsMode;
import boshcm.server.upstream.UpstreamSettings.TrustStore;
import boshcm.protocol.body.BodyLimits;
import boshcm.protocol.body.BoshVersion;
import boshcm.protocol.session.SessionPolicy;
import boshcm.protocol.sm.AckPolicy;
import boshcm.protocol.sm.ReauthMethod;
import boshcm.protocol.sm.SmPolicy;
import java.util.EnumSet;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds a validated {@link CmConfig} from, in precedence order: command-line flags, environment
 * variables ({@code BOSHCM_*}), the HOCON file named by {@code --config}, and the defaults in
 * {@code reference.conf}. Every problem found is collected and thrown at once as
 * {@link ConfigProblems}; nothing is half-applied.
 *
 * <p>The only place that reads the environment is the caller ({@code Main}), which passes it in.
 */
public final class ConfigLoader {

    private static final Pattern NODE_ID = Pattern.compile("[a-z0-9]{1,16}");
    private static final Pattern ORIGIN = Pattern.compile("[a-z][a-z0-9+.-]*://[^/\\s?#]+");
    private static final Pattern DOMAIN = Pattern.compile("[^\\s/:@]+");
    private static final Set<String> CONTENT_TYPE_FAMILIES = Set.of("text/xml", "application/xml", "text/plain", "text/html");
    private static final Set<String> SUPPORTED_CODINGS = Set.of("gzip");
    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");
    private static final long MIN_BODY_BYTES = 10_000;
    private static final long MAX_BODY_BYTES = 64L << 20;
    private static final long MIN_HEADER_BYTES = 1024;
    private static final long MAX_HEADER_BYTES = 64 * 1024;
    private static final Duration AUTO_IDLE_MARGIN = Duration.ofSeconds(60);
    private static final Duration AUTO_BACKSTOP_MARGIN = Duration.ofSeconds(30);
    private static final Duration MAX_DRAIN = Duration.ofHours(1);

    private ConfigLoader() {}

    /** True when the command line asks for {@code --help}; the caller prints {@link #help()} and exits 0. */
    public static boolean wantsHelp(String... args) {
        return CommandLine.parse(args, new ArrayList<>()).help();
    }

    /**
     * Loads and validates the configuration.
     *
     * @param args the command line, without the program name
     * @param env  the process environment; only {@code BOSHCM_*} variables naming a setting are read
     * @throws ConfigProblems listing every problem found
     */
    public static CmConfig load(String[] args, Map<String, String> env) {
        List<String> problems = new ArrayList<>();
        Sources sources = sources(args, env, problems);
        if (sources.commandLine().help()) {
            problems.add("--help is answered by the command line, not by a running node");
        }
        Values v = new Values(sources.merged(), sources.reference(), sources.commandLine().values(), sources.env(),
                sources.file(), problems);
        CmConfig config = build(v);
        if (!problems.isEmpty()) {
            throw new ConfigProblems(problems);
        }
        return config;
    }

    /** True when the command line asks for {@code --print-config}. */
    public static boolean wantsPrintConfig(String... args) {
        return CommandLine.parse(args, new ArrayList<>()).printConfig();
    }

    /**
     * The effective configuration, one {@code key = value} line per setting in {@code --help} order,
     * each with where its value came from; secrets show as {@code "***"} when set. The configuration
     * is validated first, so what is printed is what would run.
     *
     * @throws ConfigProblems listing every problem found, as {@link #load} would
     */
    public static String printEffective(String[] args, Map<String, String> env) {
        load(args, env);
        Sources sources = sources(args, env, new ArrayList<>());
        StringBuilder out = new StringBuilder("# boshcm effective configuration (flags > environment > --config file > defaults)\n");
        for (Setting s : Setting.ALL) {
            String value = "\"\"";
            if (sources.merged().hasPath(s.key())) {
                ConfigValue raw = sources.merged().getValue(s.key());
                String rendered = raw.render(com.typesafe.config.ConfigRenderOptions.concise());
                boolean empty = rendered.equals("\"\"") || rendered.equals("[]");
                value = s.secret() && !empty ? "\"***\"" : rendered;
            }
            String source = sources.commandLine().values().containsKey(s.key()) ? "flag " + s.flag()
                    : sources.env().containsKey(s.key()) ? "environment " + s.envVar()
                    : sources.file().hasPath(s.key()) ? "file" : "default";
            out.append(s.key()).append(" = ").append(value).append("   # ").append(source).append('\n');
        }
        return out.toString();
    }

    /** The layers of a configuration, merged: flags over environment over the file over the defaults. */
    private record Sources(CommandLine commandLine, Map<String, String> env, Config file, Config reference, Config merged) {}

    private static Sources sources(String[] args, Map<String, String> env, List<String> problems) {
        CommandLine commandLine = CommandLine.parse(args, problems);
        Map<String, String> fromEnv = new HashMap<>();
        for (Setting s : Setting.ALL) {
            String v = env.get(s.envVar());
            if (v != null) {
                fromEnv.put(s.key(), v);
            }
        }
        Config file = ConfigFactory.empty();
        Optional<String> fileName = commandLine.configFile();
        if (fileName.isPresent()) {
            file = parseFile(fileName.get(), problems);
        }
        Config reference = reference();
        try {
            Config merged = asConfig(commandLine.values(), "command line")
                    .withFallback(asConfig(fromEnv, "environment"))
                    .withFallback(file)
                    .withFallback(reference)
                    .resolve();
            return new Sources(commandLine, fromEnv, file, reference, merged);
        } catch (ConfigException e) {
            problems.add(e.getMessage());
            throw new ConfigProblems(problems);
        }
    }

    /** The defaults shipped in the jar. */
    static Config reference() {
        return ConfigFactory.parseResources(ConfigLoader.class, "/reference.conf",
                ConfigParseOptions.defaults().setAllowMissing(false));
    }

    private static Config parseFile(String name, List<String> problems) {
        File f = new File(name);
        if (!f.isFile() || !f.canRead()) {
            problems.add("--config " + name + ": no such readable file");
            return ConfigFactory.empty();
        }
        Config file;
        try {
            file = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false));
        } catch (ConfigException e) {
            problems.add("--config " + name + ": " + e.getMessage());
            return ConfigFactory.empty();
        }
        for (Map.Entry<String, ConfigValue> e : file.entrySet()) {
            if (Setting.byKey(e.getKey()).isEmpty()) {
                problems.add(e.getValue().origin().description() + ": unknown setting " + e.getKey());
            }
        }
        return file;
    }

    /** Raw text from flags or the environment, as a Config; list settings split on commas. */
    private static Config asConfig(Map<String, String> raw, String origin) {
        Map<String, Object> typed = new HashMap<>();
        raw.forEach((key, text) -> {
            Setting s = Setting.byKey(key).orElseThrow();
            if (s.kind() == Setting.Kind.LIST) {
                typed.put(key, Arrays.stream(text.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());
            } else {
                typed.put(key, text);
            }
        });
        return ConfigFactory.parseMap(typed, origin);
    }

    private static CmConfig build(Values v) {
        SessionPolicy session = session(v);
        SmPolicy sm = sm(v);
        if (session != null && sm != null) {
            session = session.withSm(sm);
        }
        Duration maxWait = session == null ? v.referenceDuration("session.max-wait") : session.maxWait();

        String nodeId = v.string("node.id");
        if (nodeId.isEmpty()) {
            nodeId = randomNodeId();
        } else if (!NODE_ID.matcher(nodeId).matches()) {
            v.problem("node.id", "must be 1 to 16 characters from [a-z0-9]");
        }

        HttpConfig http = http(v, maxWait);
        CorsConfig cors = cors(v);
        AdminConfig admin = admin(v, http);
        MetricsConfig metrics = new MetricsConfig(v.path("metrics.path", true), v.path("metrics.health-path", true),
                v.path("metrics.ready-path", true));
        Set<String> paths = new LinkedHashSet<>();
        for (String p : List.of(metrics.path(), metrics.healthPath(), metrics.readyPath())) {
            if (!p.isEmpty() && !paths.add(p)) {
                v.problem("metrics.path", "metrics.path, metrics.health-path and metrics.ready-path must differ ("
                        + p + " is used twice)");
            }
        }
        DrainConfig drain = drain(v);

        BodyLimits bodyLimits = null;
        int depth = v.integer("xml.max-depth", 2, 10_000);
        int attributes = v.integer("xml.max-attributes", 1, 100_000);
        int attributeBytes = (int) v.bytes("xml.max-attribute-bytes", 64, MAX_BODY_BYTES);
        int textBytes = (int) v.bytes("xml.max-text-bytes", 64, MAX_BODY_BYTES);
        int namespaces = v.integer("xml.max-namespaces", 1, 10_000);
        int payloads = v.integer("xml.max-payloads", 1, 1_000_000);
        try {
            bodyLimits = new BodyLimits(http.maxBodyBytes(), depth, attributes, attributeBytes, textBytes, namespaces, payloads);
        } catch (IllegalArgumentException e) {
            v.problem("xml", e.getMessage());
        }

        LimitsConfig limits = new LimitsConfig(
                v.integer("limits.max-sessions", 0, Integer.MAX_VALUE),
                v.integer("limits.max-sessions-per-client", 0, Integer.MAX_VALUE),
                v.number("limits.new-sessions-per-client-per-second", 0, 1_000_000),
                v.number("limits.new-sessions-per-origin-per-second", 0, 1_000_000));

        UpstreamSettings upstream = upstream(v);
        return new CmConfig(nodeId, http, cors, admin, metrics, drain, session, bodyLimits, limits, upstream, log(v));
    }

    /** The admin listener: its own port (or -1 for none), on loopback unless told otherwise. */
    private static AdminConfig admin(Values v, HttpConfig http) {
        String address = v.string("admin.address").trim();
        if (address.isEmpty() || address.chars().anyMatch(Character::isWhitespace)) {
            v.problem("admin.address", "must be an address like 127.0.0.1, 10.0.0.5 or ::1");
        }
        int port = v.integer("admin.port", AdminConfig.DISABLED, 65535);
        if (port > 0 && port == http.port()) {
            v.problem("admin.port", "must differ from http.port (" + port + "): metrics and health stay off the BOSH listener");
        }
        return new AdminConfig(address, port);
    }

    /** SIGTERM: how long sessions may go on, and where clients are sent (XEP-0124 §17.2 see-other-uri). */
    private static DrainConfig drain(Values v) {
        Duration timeout = v.duration("drain.timeout");
        if (timeout.compareTo(MAX_DRAIN) > 0) {
            v.problem("drain.timeout", "must be at most " + MAX_DRAIN.toMinutes() + "m");
            timeout = v.referenceDuration("drain.timeout");
        }
        String text = v.string("drain.successor-uri").trim();
        Optional<URI> successor = Optional.empty();
        if (!text.isEmpty()) {
            URI uri = null;
            try {
                uri = new URI(text);
            } catch (URISyntaxException e) {
                // reported below
            }
            boolean ok = uri != null && uri.getHost() != null && uri.getRawFragment() == null
                    && ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && text.chars().allMatch(c -> c > ' ' && c <= '~');
            if (ok) {
                successor = Optional.of(uri);
            } else {
                v.problem("drain.successor-uri", "must be an absolute http or https URI like https://chat.example.com/http-bind"
                        + " (ASCII, no fragment), got \"" + text + "\"");
            }
        }
        return new DrainConfig(timeout, successor);
    }

    /** {@code log.format} (text or json) and {@code log.level}, both case-insensitive. */
    private static LogConfig log(Values v) {
        String formatText = v.string("log.format").trim().toLowerCase(Locale.ROOT);
        LogConfig.Format format = LogConfig.Format.TEXT;
        if (formatText.equals("json")) {
            format = LogConfig.Format.JSON;
        } else if (!formatText.equals("text")) {
            v.problem("log.format", "must be text or json");
        }
        String level = v.string("log.level").trim().toUpperCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            v.problem("log.level", "must be trace, debug, info, warn, error or off");
            level = "INFO";
        }
        return new LogConfig(format, level);
    }

    private static HttpConfig http(Values v, Duration maxWait) {
        String bind = v.string("http.bind").trim();
        if (bind.isEmpty() || bind.chars().anyMatch(Character::isWhitespace)) {
            v.problem("http.bind", "must be an address like 127.0.0.1, 0.0.0.0 or ::");
        }
        int port = v.integer("http.port", 0, 65535);
        String path = v.path("http.path", false);
        boolean h2c = v.bool("http.h2c");
        int maxBody = (int) v.bytes("http.max-body-bytes", MIN_BODY_BYTES, MAX_BODY_BYTES);
        Duration idle = v.durationOrAuto("http.idle-timeout", maxWait.plus(AUTO_IDLE_MARGIN));
        if (idle.compareTo(maxWait) <= 0) {
            v.problem("http.idle-timeout", "must exceed session.max-wait (" + maxWait.toSeconds() + "s), or HTTP connections close under held requests (H-4)");
        }
        Duration backstop = v.durationOrAuto("http.exchange-backstop", maxWait.plus(AUTO_BACKSTOP_MARGIN));
        if (backstop.compareTo(maxWait) <= 0) {
            v.problem("http.exchange-backstop", "must exceed session.max-wait (" + maxWait.toSeconds() + "s)");
        } else if (backstop.compareTo(idle) >= 0) {
            v.problem("http.exchange-backstop", "must be shorter than http.idle-timeout (" + idle.toSeconds()
                    + "s), so that a forgotten request is answered before its connection times out");
        }
        List<IpBlock> proxies = new ArrayList<>();
        for (String p : v.list("http.trusted-proxies")) {
            try {
                proxies.add(IpBlock.parse(p));
            } catch (IllegalArgumentException e) {
                v.problem("http.trusted-proxies", e.getMessage());
            }
        }
        int threads = v.integer("http.max-threads", 8, 10_000);
        int acceptQueue = v.integer("http.accept-queue", 1, 65_535);
        Duration stop = v.duration("http.stop-timeout");
        int maxHeader = (int) v.bytes("http.max-header-bytes", MIN_HEADER_BYTES, MAX_HEADER_BYTES);
        Duration requestTimeout = v.duration("http.request-timeout");
        if (requestTimeout.isZero()) {
            v.problem("http.request-timeout", "must be positive");
        }
        Duration keepAlive = v.duration("http.keep-alive-timeout");
        if (keepAlive.isZero()) {
            v.problem("http.keep-alive-timeout", "must be positive");
        }
        return new HttpConfig(bind, port, path, h2c, maxBody, idle, backstop, proxies, threads, acceptQueue, stop, httpTls(v),
                maxHeader, requestTimeout, keepAlive);
    }

    /** {@code http.tls.key-store.*}: HTTPS on the BOSH listener when a key store is named (B-19.1-1). */
    private static Optional<HttpTls> httpTls(Values v) {
        String path = v.string("http.tls.key-store.path").trim();
        String type = v.string("http.tls.key-store.type").trim().toUpperCase(Locale.ROOT);
        String password = v.string("http.tls.key-store.password");
        if (!type.equals("PKCS12") && !type.equals("JKS")) {
            v.problem("http.tls.key-store.type", "unknown key store type \"" + type + "\" (use PKCS12 or JKS)");
        }
        if (path.isEmpty()) {
            return Optional.empty();
        }
        File file = new File(path);
        if (!file.isFile() || !file.canRead()) {
            v.problem("http.tls.key-store.path", "no such readable file: " + path);
            return Optional.empty();
        }
        return Optional.of(new HttpTls(file.toPath(), type, password));
    }

    private static CorsConfig cors(Values v) {
        List<String> origins = v.list("cors.allowed-origins");
        for (String o : origins) {
            if (!o.equals(CorsConfig.ANY) && !ORIGIN.matcher(o.toLowerCase(Locale.ROOT)).matches()) {
                v.problem("cors.allowed-origins", "\"" + o + "\" is not an origin like https://chat.example.com (scheme://host[:port], no path) or *");
            }
        }
        return new CorsConfig(origins, v.bool("cors.allow-credentials"));
    }

    /** The session policy, or null (with problems recorded) when its values do not fit together. */
    private static SessionPolicy session(Values v) {
        BoshVersion version = BoshVersion.V1_11;
        try {
            version = BoshVersion.parse(v.string("session.max-version").trim());
        } catch (IllegalArgumentException e) {
            v.problem("session.max-version", "must look like 1.11");
        }
        Duration maxWait = v.duration("session.max-wait");
        if (maxWait.compareTo(Duration.ofSeconds(65535)) > 0) {
            v.problem("session.max-wait", "must be at most 65535s (XEP-0124 'wait' range)");
        }
        int maxHold = v.integer("session.max-hold", 0, 255);
        Duration inactivity = v.duration("session.inactivity");
        if (inactivity.compareTo(Duration.ofSeconds(1)) < 0) {
            v.problem("session.inactivity", "must be at least 1s");
        }
        Duration polling = v.duration("session.polling");
        Duration pollingInactivity = v.duration("session.polling-inactivity");
        if (pollingInactivity.compareTo(polling) <= 0) {
            v.problem("session.polling-inactivity", "must exceed session.polling (" + polling.toSeconds() + "s)");
        }
        Duration maxPause = v.duration("session.max-pause");
        boolean rejectLongPause = v.bool("session.reject-long-pause");
        boolean strict = v.bool("session.strict-overactivity");

        List<String> domains = new ArrayList<>();
        for (String d : v.list("session.served-domains")) {
            if (!DOMAIN.matcher(d).matches()) {
                v.problem("session.served-domains", "\"" + d + "\" is not a domain name");
            }
            domains.add(d.toLowerCase(Locale.ROOT));
        }
        List<String> routes = new ArrayList<>();
        for (String r : v.list("session.route-allow-list")) {
            try {
                routes.add(HostAndPort.parse(r).toString());
            } catch (IllegalArgumentException e) {
                v.problem("session.route-allow-list", e.getMessage());
            }
        }
        List<String> contentTypes = v.list("session.content-types");
        for (String ct : contentTypes) {
            String lower = ct.toLowerCase(Locale.ROOT);
            String family = lower.split(";", 2)[0].trim();
            boolean ok = CONTENT_TYPE_FAMILIES.contains(family) && ct.chars().noneMatch(c -> c < ' ' || c > '~')
                    && (!family.equals("text/html") || lower.contains("charset="));
            if (!ok) {
                v.problem("session.content-types", "\"" + ct + "\" is not allowed: only text/xml, application/xml, text/plain, and text/html with a charset (S-12)");
            }
        }
        if (contentTypes.isEmpty()) {
            v.problem("session.content-types", "must list at least text/xml; charset=utf-8");
        }
        String accept = v.string("session.accept").trim().toLowerCase(Locale.ROOT);
        for (String coding : accept.split(",")) {
            if (!coding.isBlank() && !SUPPORTED_CODINGS.contains(coding.trim())) {
                v.problem("session.accept", "content coding \"" + coding.trim() + "\" is not supported (only gzip)");
            }
        }
        boolean sendAcks = v.bool("session.send-acks");
        int cacheSize = v.integer("session.response-cache-size", 0, 10_000);
        int maxRepeats = v.integer("session.max-repeats", 0, 1_000_000);
        Duration repeatWindow = v.duration("session.repeat-window");
        long maxBuffered = v.bytes("session.max-buffered-bytes", 1024, Long.MAX_VALUE);
        long pauseReading = v.bytes("session.pause-reading-bytes", 0, Long.MAX_VALUE);
        if (pauseReading > 0 && pauseReading >= maxBuffered && !v.given("session.pause-reading-bytes")) {
            pauseReading = maxBuffered / 4;       // the default follows a smaller buffer bound
        } else if (pauseReading > 0 && pauseReading >= maxBuffered) {
            v.problem("session.pause-reading-bytes", "must be 0 or below session.max-buffered-bytes (" + maxBuffered
                    + " bytes): reading stops before the buffer bound ends the session");
            pauseReading = 0;
        }
        int maxBodyPayloads = v.integer("session.max-body-payloads", 1, 1_000_000);
        int maxResponseBytes = (int) v.bytes("session.max-response-bytes", 1024, Integer.MAX_VALUE);
        boolean multiStreams = v.bool("session.multi-streams");
        int maxStreams = v.integer("session.max-streams", 1, 64);
        try {
            return new SessionPolicy(version, maxWait, maxHold, inactivity, pollingInactivity, polling, maxPause,
                    rejectLongPause, strict, Set.copyOf(domains), Set.copyOf(routes), contentTypes,
                    String.join(",", Arrays.stream(accept.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()),
                    sendAcks, cacheSize, maxRepeats, repeatWindow, maxBuffered, maxBodyPayloads, maxResponseBytes,
                    multiStreams, maxStreams).withPauseReading(pauseReading);
        } catch (IllegalArgumentException e) {
            if (!v.hasProblems()) {
                v.problem("session", e.getMessage());
            }
            return null;
        }
    }

    private static UpstreamSettings upstream(Values v) {
        Optional<HostAndPort> address = Optional.empty();
        String addressText = v.string("upstream.address").trim();
        if (!addressText.isEmpty()) {
            try {
                address = Optional.of(HostAndPort.parse(addressText));
            } catch (IllegalArgumentException e) {
                v.problem("upstream.address", e.getMessage());
            }
        }
        String tlsText = v.string("upstream.tls").trim().toLowerCase(Locale.ROOT);
        TlsMode tls = TlsMode.STARTTLS;
        if (!List.of("disabled", "starttls", "direct").contains(tlsText)) {
            v.problem("upstream.tls", "must be disabled, starttls or direct");
        } else {
            tls = TlsMode.valueOf(tlsText.toUpperCase(Locale.ROOT));
        }
        if (tls == TlsMode.DISABLED && address.isPresent() && !address.get().isLoopback()) {
            v.problem("upstream.tls", "disabled is only allowed towards a loopback upstream (localhost, 127.0.0.1, ::1), not "
                    + address.get().host() + " (checklist S-9)");
        } else if (tls == TlsMode.DISABLED && addressText.isEmpty()) {
            v.problem("upstream.tls", "disabled needs upstream.address set to a loopback host (localhost, 127.0.0.1, ::1)");
        }
        boolean insecure = v.bool("upstream.insecure-tls");

        Optional<TrustStore> trustStore = Optional.empty();
        String storePath = v.string("upstream.trust-store.path").trim();
        String storePassword = v.string("upstream.trust-store.password");
        String storeType = v.string("upstream.trust-store.type").trim().toUpperCase(Locale.ROOT);
        TrustStore.Format format = TrustStore.Format.PKCS12;
        try {
            format = TrustStore.Format.valueOf(storeType);
        } catch (IllegalArgumentException e) {
            v.problem("upstream.trust-store.type", "unknown trust store type \"" + storeType + "\" (use PKCS12, JKS or PEM)");
        }
        if (!storePath.isEmpty()) {
            Path p = Path.of(storePath);
            if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
                v.problem("upstream.trust-store.path", "no such readable file: " + storePath);
            }
            trustStore = Optional.of(new TrustStore(p, format,
                    storePassword.isEmpty() ? Optional.empty() : Optional.of(storePassword)));
        }
        if (insecure && trustStore.isPresent()) {
            v.problem("upstream.insecure-tls", "cannot be combined with upstream.trust-store.path");
        }
        Duration connect = v.duration("upstream.connect-timeout");
        if (connect.isZero()) {
            v.problem("upstream.connect-timeout", "must be positive");
        }
        if (v.hasProblems()) {
            return null;
        }
        UpstreamSettings d = UpstreamSettings.defaults();
        return new UpstreamSettings(address.map(a -> new UpstreamSettings.HostPort(a.host(), a.port())), tls, insecure,
                trustStore, connect, d.closeTimeout(), v.duration("upstream.keepalive"), v.duration("upstream.dns-cache-ttl"),
                d.dnsServers(), d.tokenizer(), v.bool("upstream.allow-private-addresses"));
    }

    /** XEP-0198: pass-through (default) or managed, and how boshcm may authenticate again (SM-13). */
    private static SmPolicy sm(Values v) {
        String modeText = v.string("sm.mode").trim().toLowerCase(Locale.ROOT);
        if (!modeText.equals("passthrough") && !modeText.equals("managed")) {
            v.problem("sm.mode", "must be passthrough or managed");
            return null;
        }
        EnumSet<ReauthMethod> reauth = EnumSet.noneOf(ReauthMethod.class);
        for (String m : v.list("sm.reauth")) {
            switch (m.trim().toLowerCase(Locale.ROOT)) {
                case "plain-capture" -> reauth.add(ReauthMethod.PLAIN_CAPTURE);
                case "service-account" -> reauth.add(ReauthMethod.SERVICE_ACCOUNT);
                case "external" -> v.problem("sm.reauth", "external is not supported yet (boshcm presents no client certificate upstream)");
                default -> v.problem("sm.reauth", "unknown method \"" + m + "\" (use plain-capture or service-account)");
            }
        }
        String authcid = v.string("sm.service-account.authcid").trim();
        String password = v.string("sm.service-account.password");
        if (reauth.contains(ReauthMethod.SERVICE_ACCOUNT) && (authcid.isEmpty() || password.isEmpty())) {
            v.problem("sm.reauth", "service-account needs sm.service-account.authcid and sm.service-account.password");
        }
        if (modeText.equals("managed") && reauth.isEmpty()) {
            v.problem("sm.mode", "managed needs at least one sm.reauth method (plain-capture or service-account)");
        }
        if (reauth.contains(ReauthMethod.PLAIN_CAPTURE) && v.bool("upstream.insecure-tls")) {
            String address = v.string("upstream.address").trim();
            boolean loopback = false;
            try {
                loopback = !address.isEmpty() && HostAndPort.parse(address).isLoopback();
            } catch (IllegalArgumentException e) {
                // reported with upstream.address
            }
            if (!loopback) {
                v.problem("sm.reauth", "plain-capture sends the user's password again: only over verified TLS "
                        + "or to a loopback upstream, not with upstream.insecure-tls");
            }
        }
        AckPolicy acks;
        try {
            acks = new AckPolicy(v.integer("sm.max-unacked", 1, 1_000_000), v.integer("sm.request-every", 1, 1_000_000),
                    v.duration("sm.request-after"));
        } catch (IllegalArgumentException e) {
            v.problem("sm.request-every", e.getMessage());
            return null;
        }
        Duration window = v.duration("sm.resume-window");
        if (window.isZero()) {
            v.problem("sm.resume-window", "must be positive");
            return null;
        }
        if (v.hasProblems()) {
            return null;
        }
        SmPolicy policy = modeText.equals("managed") ? SmPolicy.managed(reauth) : SmPolicy.passThrough();
        if (reauth.contains(ReauthMethod.SERVICE_ACCOUNT)) {
            policy = policy.withServiceAccount(authcid, password);
        }
        return policy.withAckPolicy(acks).withResumeWindow(window);
    }

    private static String randomNodeId() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(6);
        for (int i = 0; i < 6; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    /** {@code --help}: every option with its environment variable, config key, default and description. */
    public static String help() {
        return HelpText.render(reference());
    }

}
