package boshcm.server.config;

import boshcm.server.upstream.UpstreamSettings.HostPort;
import boshcm.server.upstream.UpstreamSettings.TlsMode;
import boshcm.server.upstream.UpstreamSettings.TrustStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.protocol.body.BodyLimits;
import boshcm.protocol.session.SessionPolicy;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: precedence, environment mapping, validation that lists every problem, --help. */
class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static CmConfig load(Map<String, String> env, String... args) {
        return ConfigLoader.load(args, env);
    }

    private static List<String> problems(Map<String, String> env, String... args) {
        try {
            ConfigLoader.load(args, env);
        } catch (ConfigProblems e) {
            return e.problems();
        }
        throw new AssertionError("expected configuration problems");
    }

    private Path file(String hocon) throws Exception {
        Path f = dir.resolve("cm.conf");
        Files.writeString(f, hocon);
        return f;
    }

    @Test
    void defaultsComeFromReferenceConf() {
        CmConfig c = load(Map.of());
        assertThat(c.http().port()).isEqualTo(5280);
        assertThat(c.http().bindAddress()).isEqualTo("127.0.0.1");
        assertThat(c.http().boshPath()).isEqualTo("/http-bind");
        assertThat(c.http().maxBodyBytes()).isEqualTo(256 * 1024);
        assertThat(c.http().h2c()).isTrue();
        assertThat(c.http().trustedProxies()).isEmpty();
        assertThat(c.cors().anyOrigin()).isTrue();
        assertThat(c.cors().allowCredentials()).isFalse();
        assertThat(c.admin()).isEqualTo(new AdminConfig("127.0.0.1", 5290));
        assertThat(c.admin().enabled()).isTrue();
        assertThat(c.metrics()).isEqualTo(new MetricsConfig("/metrics", "/health", "/ready"));
        assertThat(c.drain()).isEqualTo(new DrainConfig(Duration.ofSeconds(30), java.util.Optional.empty()));
        assertThat(c.drain().farewell()).isEqualTo(boshcm.protocol.body.ServerBody.terminate(boshcm.protocol.error.Condition.SYSTEM_SHUTDOWN));
        assertThat(c.upstream().fixedUpstream()).isEmpty();
        assertThat(c.upstream().tlsMode()).isEqualTo(TlsMode.STARTTLS);
        assertThat(c.upstream().insecure()).isFalse();
        assertThat(c.upstream().trustStore()).isEmpty();
        assertThat(c.nodeId()).matches("[a-z0-9]{6}");
        assertThat(c.limits()).isEqualTo(new LimitsConfig(10000, 100, 5, 0));
    }

    @Test
    void defaultSessionPolicyAndBodyLimitsMatchTheProtocolDefaults() {
        CmConfig c = load(Map.of());
        assertThat(c.session()).isEqualTo(SessionPolicy.defaults());
        assertThat(c.bodyLimits()).isEqualTo(BodyLimits.defaults());
    }

    @Test
    void autoTimeoutsFollowMaxWait() {
        CmConfig c = load(Map.of(), "--session-max-wait", "90s");
        assertThat(c.http().idleTimeout()).isEqualTo(Duration.ofSeconds(150));
        assertThat(c.http().exchangeBackstop()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void smManagedNeedsAReauthMethodAndPlainCaptureNeedsVerifiedTls() {
        assertThat(load(Map.of()).session().sm().managed()).isFalse();
        CmConfig managed = load(Map.of(), "--sm", "managed", "--sm-reauth", "plain-capture");
        assertThat(managed.session().sm().managed()).isTrue();
        assertThat(managed.session().sm().allows(boshcm.protocol.sm.ReauthMethod.PLAIN_CAPTURE)).isTrue();
        assertThat(problems(Map.of(), "--sm", "managed")).anySatisfy(p -> assertThat(p.toString()).contains("sm.mode"));
        assertThat(problems(Map.of(), "--sm", "managed", "--sm-reauth", "external"))
                .anySatisfy(p -> assertThat(p.toString()).contains("not supported yet"));
        assertThat(problems(Map.of(), "--sm", "managed", "--sm-reauth", "service-account"))
                .anySatisfy(p -> assertThat(p.toString()).contains("sm.service-account.authcid"));
        assertThat(problems(Map.of(), "--sm", "managed", "--sm-reauth", "plain-capture", "--insecure-upstream-tls",
                "--upstream", "xmpp.example.com:5222")).anySatisfy(p -> assertThat(p.toString()).contains("verified TLS"));
        assertThat(load(Map.of(), "--sm", "managed", "--sm-reauth", "plain-capture", "--insecure-upstream-tls",
                "--upstream", "127.0.0.1:5222").session().sm().managed()).isTrue();
    }

    @Test
    void durationsWithoutAUnitAreRefusedNotReadAsMilliseconds() {
        assertThat(problems(Map.of("BOSHCM_SESSION_INACTIVITY", "30"), "--session-max-wait", "60"))
                .hasSize(2).allSatisfy(p -> assertThat(p.toString()).contains("needs a unit"));
    }

    @Test
    void backstopMustFireBeforeTheIdleTimeout() {
        assertThat(problems(Map.of(), "--http-idle-timeout", "70s", "--http-exchange-backstop", "80s"))
                .singleElement().asString().contains("http.exchange-backstop").contains("shorter than http.idle-timeout");
    }

    @Test
    void precedenceIsFlagThenEnvironmentThenFileThenDefault() throws Exception {
        String conf = file("http.port = 6000\nhttp.path = \"/from-file\"\nsession { max-hold = 1 }\n").toString();
        Map<String, String> env = Map.of("BOSHCM_HTTP_PORT", "7000", "BOSHCM_SESSION_MAX_HOLD", "3");

        CmConfig all = load(env, "--config", conf, "--http-port", "8000");
        assertThat(all.http().port()).isEqualTo(8000);
        assertThat(all.session().maxHold()).isEqualTo(3);
        assertThat(all.http().boshPath()).isEqualTo("/from-file");
        assertThat(all.http().bindAddress()).isEqualTo("127.0.0.1");

        assertThat(load(env, "--config", conf).http().port()).isEqualTo(7000);
        assertThat(load(Map.of(), "--config", conf).http().port()).isEqualTo(6000);
        assertThat(load(Map.of(), "--config", conf).session().maxHold()).isEqualTo(1);
    }

    @Test
    void fileMaySubstituteEnvironmentVariables() throws Exception {
        String conf = file("node.id = n1\nnode.id = ${?POD_ORDINAL_NAME}\n").toString();
        assertThat(load(Map.of(), "--config", conf).nodeId()).isEqualTo("n1");
    }

    @Test
    void environmentVariablesAreDerivedMechanicallyFromKeys() {
        assertThat(Setting.envVarFor("http.port")).isEqualTo("BOSHCM_HTTP_PORT");
        assertThat(Setting.envVarFor("http.max-body-bytes")).isEqualTo("BOSHCM_HTTP_MAX_BODY_BYTES");
        assertThat(Setting.envVarFor("upstream.trust-store.password")).isEqualTo("BOSHCM_UPSTREAM_TRUST_STORE_PASSWORD");
        for (Setting s : Setting.ALL) {
            assertThat(s.envVar()).isEqualTo(Setting.envVarFor(s.key()));
        }
        Set<String> envs = Setting.ALL.stream().map(Setting::envVar).collect(Collectors.toSet());
        Set<String> flags = Setting.ALL.stream().map(Setting::flag).collect(Collectors.toSet());
        assertThat(envs).hasSize(Setting.ALL.size());
        assertThat(flags).hasSize(Setting.ALL.size()).doesNotContain("--config", "--help");
    }

    @Test
    void everySettingCanBeSetFromTheEnvironment() {
        Map<String, String> env = Map.of(
                "BOSHCM_HTTP_MAX_BODY_BYTES", "100k",
                "BOSHCM_CORS_ALLOWED_ORIGINS", "https://a.example, https://b.example",
                "BOSHCM_CORS_ALLOW_CREDENTIALS", "true",
                "BOSHCM_SESSION_MAX_WAIT", "30s",
                "BOSHCM_SESSION_SERVED_DOMAINS", "example.com,Example.ORG",
                "BOSHCM_UPSTREAM_ADDRESS", "127.0.0.1:5222",
                "BOSHCM_UPSTREAM_TLS", "disabled",
                "BOSHCM_LIMITS_NEW_SESSIONS_PER_CLIENT_PER_SECOND", "0.5",
                "BOSHCM_NODE_ID", "n7",
                "UNRELATED", "ignored");
        CmConfig c = load(env);
        assertThat(c.http().maxBodyBytes()).isEqualTo(102400);
        assertThat(c.bodyLimits().maxBodyBytes()).isEqualTo(102400);
        assertThat(c.cors().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(c.cors().allowCredentials()).isTrue();
        assertThat(c.session().maxWait()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.session().servedDomains()).containsExactlyInAnyOrder("example.com", "example.org");
        assertThat(c.upstream().fixedUpstream()).contains(new HostPort("127.0.0.1", 5222));
        assertThat(c.upstream().tlsMode()).isEqualTo(TlsMode.DISABLED);
        assertThat(c.limits().newSessionsPerClientPerSecond()).isEqualTo(0.5);
        assertThat(c.nodeId()).isEqualTo("n7");
    }

    @Test
    void issueFlagsWork() {
        CmConfig c = load(Map.of(), "--http-port", "5281", "--bind=0.0.0.0", "--upstream", "localhost:5222",
                "--upstream-tls", "disabled", "--insecure-upstream-tls");
        assertThat(c.http().port()).isEqualTo(5281);
        assertThat(c.http().bindAddress()).isEqualTo("0.0.0.0");
        assertThat(c.upstream().fixedUpstream()).contains(new HostPort("localhost", 5222));
        assertThat(c.upstream().tlsMode()).isEqualTo(TlsMode.DISABLED);
        assertThat(c.upstream().insecure()).isTrue();
        assertThat(load(Map.of(), "--insecure-upstream-tls=false").upstream().insecure()).isFalse();
        assertThat(load(Map.of(), "--upstream", "[::1]:5223", "--upstream-tls", "direct").upstream().fixedUpstream())
                .contains(new HostPort("::1", 5223));
    }

    /** XEP-0124 §16 (B-16-1, B-16-2): on with 8 streams unless configured otherwise. */
    @Test
    void multiStreamsOnByDefaultAndSwitchable() {
        assertThat(load(Map.of()).session().multiStreams()).isTrue();
        assertThat(load(Map.of()).session().maxStreams()).isEqualTo(8);
        SessionPolicy off = load(Map.of("BOSHCM_SESSION_MULTI_STREAMS", "false"), "--session-max-streams", "3").session();
        assertThat(off.multiStreams()).isFalse();
        assertThat(off.maxStreams()).isEqualTo(3);
        assertThat(problems(Map.of(), "--session-max-streams", "0"))
                .anyMatch(p -> p.startsWith("session.max-streams") && p.contains("between 1 and 64"));
        assertThat(ConfigLoader.help()).contains("--session-multi-streams[=true|false]\n      env BOSHCM_SESSION_MULTI_STREAMS"
                + "   key session.multi-streams   default true\n      XEP-0124 section 16 multiple streams");
    }

    @Test
    void plaintextUpstreamOnlyTowardsLoopback() {
        assertThat(load(Map.of(), "--upstream", "127.0.0.2:5222", "--upstream-tls", "disabled").upstream().tlsMode())
                .isEqualTo(TlsMode.DISABLED);
        assertThat(load(Map.of(), "--upstream", "[::1]:5222", "--upstream-tls", "disabled").upstream().tlsMode())
                .isEqualTo(TlsMode.DISABLED);
        assertThat(problems(Map.of(), "--upstream", "xmpp.example.com:5222", "--upstream-tls", "disabled"))
                .singleElement().asString().contains("upstream.tls").contains("loopback").contains("xmpp.example.com");
        assertThat(problems(Map.of(), "--upstream", "10.0.0.5:5222", "--upstream-tls", "disabled"))
                .singleElement().asString().contains("loopback");
        assertThat(problems(Map.of(), "--upstream-tls", "disabled"))
                .singleElement().asString().contains("upstream.address");
    }

    @Test
    void everyProblemIsListedAtOnceWithItsSource() throws Exception {
        String conf = file("htp.port = 1\nsession.max-hold = 300\n").toString();
        Map<String, String> env = Map.of("BOSHCM_SESSION_POLLING_INACTIVITY", "1s", "BOSHCM_HTTP_H2C", "maybe");
        List<String> problems = problems(env, "--config", conf, "--http-port", "abc", "--upstream-tls", "sometimes",
                "--cors-allowed-origins", "ftp:/nope", "--http-trusted-proxies", "proxy.example", "--no-such-flag",
                "--http-idle-timeout", "10s", "--node-id", "Node_1", "--upstream", "xmpp.example.com");
        assertThat(problems).hasSizeGreaterThanOrEqualTo(12);
        String all = String.join("\n", problems);
        assertThat(all)
                .contains("unknown setting htp.port")
                .contains("session.max-hold (from " + conf)
                .contains("session.polling-inactivity (from BOSHCM_SESSION_POLLING_INACTIVITY)")
                .contains("http.h2c (from BOSHCM_HTTP_H2C): expected true or false")
                .contains("http.port (from --http-port): expected an integer but got \"abc\"")
                .contains("upstream.tls (from --upstream-tls)")
                .contains("cors.allowed-origins")
                .contains("http.trusted-proxies")
                .contains("unknown option --no-such-flag")
                .contains("http.idle-timeout (from --http-idle-timeout): must exceed session.max-wait")
                .contains("node.id")
                .contains("upstream.address");
        ConfigProblems e = (ConfigProblems) org.assertj.core.api.Assertions.catchThrowable(
                () -> ConfigLoader.load(new String[] {"--http-port", "-1", "--http-path", "nopath"}, Map.of()));
        assertThat(e).isInstanceOf(IllegalArgumentException.class);
        assertThat(e.getMessage()).startsWith("invalid configuration (2 problems):").contains("http.port").contains("http.path");
    }

    @Test
    void secretsAreNeverEchoed() {
        List<String> p = problems(Map.of("BOSHCM_UPSTREAM_TRUST_STORE_PASSWORD", "s3cret"),
                "--upstream-trust-store-path", dir.resolve("missing.p12").toString());
        assertThat(String.join("\n", p)).contains("upstream.trust-store.path").doesNotContain("s3cret");
    }

    @Test
    void trustStoreIsCheckedForExistence() throws Exception {
        Path store = dir.resolve("trust.p12");
        Files.write(store, new byte[] {1});
        CmConfig c = load(Map.of("BOSHCM_UPSTREAM_TRUST_STORE_PASSWORD", "changeit"), "--upstream-trust-store-path", store.toString());
        assertThat(c.upstream().trustStore()).contains(new TrustStore(store, TrustStore.Format.PKCS12, java.util.Optional.of("changeit")));
        assertThat(c.upstream().trustStore().get().toString()).doesNotContain("changeit");
        assertThat(problems(Map.of(), "--upstream-trust-store-type", "NOPE")).singleElement().asString().contains("NOPE");
    }

    @Test
    void contentTypesAreAllowListed() {
        assertThat(problems(Map.of(), "--session-content-types", "text/xml,application/javascript,text/html"))
                .hasSize(2).allMatch(p -> p.startsWith("session.content-types"));
    }

    @Test
    void onlyGzipCanBeAccepted() {
        assertThat(problems(Map.of(), "--session-accept", "gzip,br")).singleElement().asString().contains("br");
        assertThat(load(Map.of(), "--session-accept", "").session().accept()).isEmpty();
    }

    @Test
    void bodyLimitHasAFloor() {
        assertThat(problems(Map.of(), "--http-max-body-bytes", "1k")).singleElement().asString().contains("http.max-body-bytes");
    }

    /** The admin paths share one listener, so they must differ; the BOSH path is on another listener. */
    @Test
    void adminPathsMustDiffer() {
        assertThat(problems(Map.of(), "--metrics-path", "/health")).singleElement().asString().contains("must differ");
        assertThat(problems(Map.of(), "--metrics-ready-path", "/metrics")).singleElement().asString().contains("must differ");
        assertThat(load(Map.of(), "--metrics-path", "/http-bind").metrics().path()).isEqualTo("/http-bind");
        assertThat(load(Map.of(), "--metrics-health-path", "", "--metrics-ready-path", "").metrics().readyEnabled()).isFalse();
    }

    /** admin.*: flag, environment and file; -1 turns the listener off; never the BOSH port. */
    @Test
    void adminListenerSettings() throws Exception {
        CmConfig flags = load(Map.of("BOSHCM_ADMIN_ADDRESS", "10.0.0.5"), "--admin-port", "9100");
        assertThat(flags.admin()).isEqualTo(new AdminConfig("10.0.0.5", 9100));
        assertThat(load(Map.of("BOSHCM_ADMIN_PORT", "0")).admin().port()).isZero();
        String conf = file("admin { address = \"::1\", port = -1 }\n").toString();
        CmConfig off = load(Map.of(), "--config", conf);
        assertThat(off.admin().enabled()).isFalse();
        assertThat(off.admin().address()).isEqualTo("::1");

        assertThat(problems(Map.of(), "--admin-port", "-2")).singleElement().asString()
                .startsWith("admin.port (from --admin-port)").contains("between -1 and 65535");
        assertThat(problems(Map.of(), "--admin-port", "5280")).singleElement().asString()
                .contains("admin.port").contains("must differ from http.port");
        assertThat(problems(Map.of("BOSHCM_ADMIN_ADDRESS", " "))).singleElement().asString().startsWith("admin.address");
        assertThat(load(Map.of(), "--admin-port", "0", "--http-port", "0").admin().port()).as("two ephemeral ports").isZero();
    }

    /** drain.*: SIGTERM's drain time, and the successor that see-other-uri names (XEP-0124 §17.2, B-17.2-3). */
    @Test
    void drainSettings() {
        CmConfig c = load(Map.of("BOSHCM_DRAIN_SUCCESSOR_URI", "https://chat.example.com/http-bind"), "--drain-timeout", "0s");
        assertThat(c.drain().timeout()).isZero();
        assertThat(c.drain().successorUri()).contains(java.net.URI.create("https://chat.example.com/http-bind"));
        assertThat(c.drain().farewell()).isEqualTo(boshcm.protocol.body.ServerBody.seeOtherUri("https://chat.example.com/http-bind"));
        assertThat(load(Map.of(), "--drain-timeout", "1h").drain().timeout()).isEqualTo(Duration.ofHours(1));

        assertThat(problems(Map.of(), "--drain-timeout", "61m")).singleElement().asString().contains("drain.timeout").contains("at most 60m");
        assertThat(problems(Map.of(), "--drain-timeout", "30")).singleElement().asString().contains("needs a unit");
        assertThat(problems(Map.of(), "--drain-timeout", "-1s")).singleElement().asString().contains("must not be negative");
        for (String bad : List.of("ftp://cm2.example.com/", "/http-bind", "https:///no-host", "https://cm2.example.com/#f",
                "https://cm2.example.com/a b", "https://bücher.example/http-bind")) {
            assertThat(problems(Map.of(), "--drain-successor-uri", bad)).as(bad).singleElement().asString()
                    .startsWith("drain.successor-uri (from --drain-successor-uri)");
        }
    }

    /** The listen backlog: well above Java's 50, which a burst of 100 logins overflowed (SYNs dropped, 1 s retries). */
    @Test
    void acceptQueueDefaultsAboveABurstOfLogins() {
        assertThat(load(Map.of()).http().acceptQueue()).isEqualTo(1024);
        assertThat(load(Map.of("BOSHCM_HTTP_ACCEPT_QUEUE", "4096")).http().acceptQueue()).isEqualTo(4096);
        assertThat(problems(Map.of(), "--http-accept-queue", "0")).singleElement().asString().contains("http.accept-queue");
    }

    /** Issue 6: the hostile-input limits, their defaults, the three ways of setting them, and their checks. */
    @Test
    void hostileInputLimits() {
        CmConfig d = load(Map.of());
        assertThat(d.http().maxHeaderBytes()).isEqualTo(8192);
        assertThat(d.http().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.http().keepAliveTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.limits().newSessionsPerOriginPerSecond()).isZero();
        assertThat(d.session().pauseReadingBytes()).isEqualTo(256 * 1024);

        CmConfig c = load(Map.of("BOSHCM_HTTP_KEEP_ALIVE_TIMEOUT", "5s", "BOSHCM_LIMITS_NEW_SESSIONS_PER_ORIGIN_PER_SECOND", "2.5"),
                "--http-max-header-bytes", "16k", "--http-request-timeout", "10s", "--session-pause-reading-bytes", "64k");
        assertThat(c.http().maxHeaderBytes()).isEqualTo(16384);
        assertThat(c.http().requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.http().keepAliveTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.limits().newSessionsPerOriginPerSecond()).isEqualTo(2.5);
        assertThat(c.session().pauseReadingBytes()).isEqualTo(65536);
        assertThat(load(Map.of(), "--session-pause-reading-bytes", "0").session().pauseReadingBytes()).isZero();
        assertThat(load(Map.of(), "--session-max-buffered-bytes", "128k").session().pauseReadingBytes())
                .as("the default follows a smaller buffer bound").isEqualTo(32 * 1024);

        assertThat(problems(Map.of(), "--http-max-header-bytes", "512")).singleElement().asString().contains("http.max-header-bytes");
        assertThat(problems(Map.of(), "--http-max-header-bytes", "65m")).singleElement().asString().contains("http.max-header-bytes");
        assertThat(problems(Map.of(), "--http-request-timeout", "0s")).singleElement().asString().contains("http.request-timeout");
        assertThat(problems(Map.of(), "--http-keep-alive-timeout", "30")).singleElement().asString().contains("needs a unit");
        assertThat(problems(Map.of(), "--limits-new-sessions-per-origin-per-second", "-1")).singleElement().asString()
                .contains("limits.new-sessions-per-origin-per-second");
        assertThat(problems(Map.of(), "--session-pause-reading-bytes", "1m")).singleElement().asString()
                .contains("session.pause-reading-bytes").contains("below session.max-buffered-bytes");
    }

    @Test
    void commandLineMistakesAreProblemsToo() {
        assertThat(problems(Map.of(), "stray")).singleElement().asString().contains("unexpected argument");
        assertThat(problems(Map.of(), "--http-port")).singleElement().asString().contains("needs a value");
        assertThat(problems(Map.of(), "--config", dir.resolve("nope.conf").toString()))
                .singleElement().asString().contains("no such readable file");
    }

    @Test
    void brokenHoconIsReported() throws Exception {
        String conf = file("http { port = \n").toString();
        assertThatThrownBy(() -> load(Map.of(), "--config", conf)).isInstanceOf(ConfigProblems.class).hasMessageContaining(conf);
    }

    @Test
    void everySettingIsDocumentedInReferenceConfAndViceVersa() {
        Config reference = ConfigLoader.reference();
        Set<String> leaves = new HashSet<>();
        for (Map.Entry<String, ConfigValue> e : reference.entrySet()) {
            leaves.add(e.getKey());
            assertThat(e.getValue().origin().comments()).as("comment on " + e.getKey()).isNotEmpty();
        }
        assertThat(leaves).isEqualTo(Setting.ALL.stream().map(Setting::key).collect(Collectors.toSet()));
    }

    @Test
    void helpListsEveryOptionWithItsEnvironmentVariableAndDefault() {
        assertThat(ConfigLoader.wantsHelp("--help")).isTrue();
        assertThat(ConfigLoader.wantsHelp("--http-port", "1")).isFalse();
        String help = ConfigLoader.help();
        assertThat(help).contains("--config FILE").contains("--help");
        for (Setting s : Setting.ALL) {
            assertThat(help).contains(s.flag()).contains(s.envVar()).contains("key " + s.key());
        }
        assertThat(help).contains("--http-port N\n      env BOSHCM_HTTP_PORT   key http.port   default 5280\n");
        assertThat(help).contains("--bind TEXT").contains("default 127.0.0.1");
        assertThat(help).contains("--upstream HOST:PORT").contains("--upstream-tls disabled|starttls|direct").contains("default starttls");
        assertThat(help).contains("--insecure-upstream-tls[=true|false]");
        assertThat(help).contains("default 256k").contains("default /http-bind").contains("default *");
    }
}
