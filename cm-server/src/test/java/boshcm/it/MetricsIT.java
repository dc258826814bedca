package boshcm.it;

import static boshcm.it.RawBosh.await;
import static boshcm.it.SmackClients.chatFrom;
import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.sendChat;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.RawBosh.Reply;
import boshcm.it.RawBosh.Sent;
import boshcm.it.SmackClients.Inbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * docs/metrics.md against a real run: a Smack BOSH client chats through a node of its own with a Smack
 * TCP peer on the real Prosody, a raw session takes the request paths a library client seldom takes
 * (a wait expiry, a replay, a request ahead of a gap, a terminate) and a third creation is refused by
 * {@code limits.max-sessions}. Then the key series must have moved, no series may carry a sid, a JID,
 * the domain or an address, and every series the document names must be in the scrape, and every
 * {@code bosh_} series in the scrape must be in the document.
 */
@ExtendWith(LiveXmppExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration METER = Duration.ofSeconds(10);
    /** Documented series that this run cannot produce, and why. */
    private static final Set<String> NOT_PRODUCED = Set.of(
            "bosh_sm_fallbacks_total");                       // only with sm.mode = managed and a SCRAM login
    /** The suffixes Micrometer's Prometheus names take for counters, timers and summaries. */
    private static final List<String> SUFFIXES = List.of("_total", "_count", "_sum", "_bucket", "_max", "");
    private static final Pattern DOCUMENTED = Pattern.compile("`((?:bosh|jvm|jetty|netty|process|system)_[a-z0-9_]+)`");

    private static ProsodyServer prosody;
    private static DedicatedCm cm;
    private static final SmackClients clients = new SmackClients();
    /** What no label may carry: JIDs, sids, the domain, the client's address. */
    private static final List<String> secrets = new ArrayList<>();

    @BeforeAll
    static void start(ProsodyServer server) throws Exception {
        prosody = server;
        // Two sessions at most, so that a third creation is refused (a limit hit); creations are quick here.
        cm = DedicatedCm.inFrontOf(prosody, "--limits-max-sessions", "2",
                "--limits-new-sessions-per-client-per-second", "0");
    }

    @AfterAll
    static void stop() {
        clients.close();
        if (cm != null) cm.close();
    }

    @Test
    @Order(1)
    void aRunOfRealClientsMovesTheKeySeries() throws Exception {
        XmppUser alice = prosody.createUser("mxalice");
        XmppUser bob = prosody.createUser("mxbob");
        AbstractXMPPConnection bosh = clients.bosh(cm.service(), alice);
        XMPPTCPConnection peer = clients.tcp(prosody, bob);
        secrets.addAll(List.of(alice.jidString(), bosh.getUser().toString(), bob.jidString(), alice.localpart(),
                ProsodyServer.DOMAIN, LocalXmppServer.HOST));
        Inbox<Message> boshInbox = inbox(bosh, chatFrom(bob.jid()), Message.class);
        Inbox<Message> peerInbox = inbox(peer, chatFrom(alice.jid()), Message.class);

        for (int i = 0; i < 5; i++) {
            sendChat(bosh, peer.getUser(), "up " + i);
            assertThat(peerInbox.next(TIMEOUT).getBody()).isEqualTo("up " + i);
            sendChat(peer, bosh.getUser(), "down " + i);
            assertThat(boshInbox.next(TIMEOUT).getBody()).isEqualTo("down " + i);
        }

        // While the BOSH client is connected, its upstream connection is open.
        assertThat(cm.meter("bosh_sessions_active")).isEqualTo(1);
        assertThat(cm.meter("bosh_upstream_connections")).isGreaterThanOrEqualTo(1);

        rawSessionPaths();

        // The raw session ended by its terminate; the Smack client logs out.
        clients.close();
        cm.awaitMeter("bosh_sessions_active", v -> v == 0, METER);

        moved("bosh_sessions_started_total");
        assertThat(cm.meter("bosh_sessions_ended_total", "cause", "client-terminate")).isEqualTo(2);
        moved("bosh_requests_total", "outcome", "in_order");
        moved("bosh_requests_total", "outcome", "ahead");
        moved("bosh_requests_total", "outcome", "replayed");
        moved("bosh_wait_expiries_total");
        moved("bosh_request_hold_duration_seconds_count");
        moved("bosh_request_hold_duration_seconds_bucket", "le", "+Inf");
        moved("bosh_delivery_latency_seconds_count");
        assertThat(cm.meter("bosh_stanzas_total", "direction", "to_server")).as("5 chats, presence, iqs").isGreaterThanOrEqualTo(5);
        assertThat(cm.meter("bosh_stanzas_total", "direction", "to_client")).isGreaterThanOrEqualTo(5);
        moved("bosh_payload_bytes_total", "direction", "to_server");
        moved("bosh_payload_bytes_total", "direction", "to_client");
        moved("bosh_http_request_size_bytes_count");
        moved("bosh_http_response_size_bytes_count");
        assertThat(cm.meter("bosh_limit_hits_total", "kind", "max-sessions")).isEqualTo(1);
        assertThat(cm.meter("bosh_sessions_refused_total", "reason", "max-sessions")).isEqualTo(1);
        assertThat(cm.meter("bosh_requests_total", "outcome", "refused")).isZero();

        // Upstream: two sessions connected over STARTTLS (or direct TLS); nothing failed; all closed now.
        assertThat(cm.meter("bosh_upstream_connects_started_total")).isEqualTo(2);
        assertThat(cm.meter("bosh_upstream_connects_succeeded_total")).isEqualTo(2);
        assertThat(cm.meter("bosh_upstream_connect_duration_seconds_count")).isEqualTo(2);
        assertThat(cm.meter("bosh_upstream_tls_handshake_duration_seconds_count")).isEqualTo(2);
        assertThat(cm.meter("bosh_upstream_setup_duration_seconds_count")).isEqualTo(2);
        assertThat(cm.meter("bosh_upstream_failures_total")).isZero();
        cm.awaitMeter("bosh_upstream_connections", v -> v == 0, METER);

        // The JVM side: Jetty's pool and Netty's allocator are there and plausible.
        assertThat(cm.meter("jetty_threads_config_max")).isPositive();
        assertThat(cm.meter("jetty_threads_current")).isPositive();
        assertThat(cm.metricsText()).contains("jetty_threads_busy").contains("jetty_threads_jobs")
                .contains("netty_allocator_memory_used{").contains("memory_type=\"direct\"");
    }

    /**
     * A raw session with {@code wait} 1 s: a request answered empty at {@code wait}, then sent again
     * (a replay from the response cache), a rid sent ahead of the one before it, a third creation
     * refused while two sessions are open, and a terminate.
     */
    private static void rawSessionPaths() throws Exception {
        RawBosh raw = cm.raw();
        RawBosh.Session s = raw.open(1, 1);
        secrets.add(s.sid());

        // The creation answer may or may not carry the features; poll until an empty answer: a wait expiry.
        Sent empty = null;
        for (int i = 0; i < 5 && empty == null; i++) {
            Sent sent = s.send("");
            Reply r = await(sent.reply());
            assertThat(r.isTerminal()).as("%s", r).isFalse();
            if (r.payloads().isEmpty()) {
                empty = sent;
            }
        }
        assertThat(empty).as("an empty answer at wait").isNotNull();
        cm.awaitMeter("bosh_wait_expiries_total", v -> v >= 1, METER);

        Reply replay = await(s.resend(empty).reply());
        assertThat(replay.isTerminal()).as("%s", replay).isFalse();

        long gap = s.takeRid();
        Sent ahead = s.send("");
        cm.awaitMeter("bosh_requests_total", v -> v >= 1, METER, "outcome", "ahead");
        Sent filled = s.sendRid(gap, "", "");
        await(filled.reply());
        await(ahead.reply());

        long rid = ThreadLocalRandom.current().nextLong(1L << 20, 1L << 40);
        Reply refused = raw.post(RawBosh.creation(rid, 1, 1, ""));
        assertThat(refused.condition()).as("%s", refused).isEqualTo("policy-violation");

        Reply bye = await(s.send("type='terminate'", "").reply());
        assertThat(bye.isTerminal()).as("%s", bye).isTrue();
    }

    @Test
    @Order(2)
    void noSeriesCarriesAJidASidTheDomainOrAnAddress() {
        String text = cm.metricsText();
        assertThat(secrets).hasSizeGreaterThanOrEqualTo(7);
        for (String secret : secrets) {
            assertThat(text).as("the scrape names %s", secret).doesNotContain(secret);
        }
    }

    @Test
    @Order(3)
    void everyDocumentedSeriesIsScrapedAndEveryScrapedBoshSeriesIsDocumented() throws IOException {
        Set<String> documented = documentedNames();
        Set<String> scraped = scrapedNames(cm.metricsText());
        assertThat(documented).as("docs/metrics.md names").hasSizeGreaterThan(60);

        Set<String> missing = new TreeSet<>();
        for (String name : documented) {
            if (!NOT_PRODUCED.contains(name) && SUFFIXES.stream().noneMatch(suffix -> scraped.contains(name + suffix))) {
                missing.add(name);
            }
        }
        assertThat(missing).as("documented but not in the scrape").isEmpty();

        Set<String> documentedFamilies = new TreeSet<>();
        documented.forEach(name -> documentedFamilies.add(family(name)));
        Set<String> undocumented = new TreeSet<>();
        for (String name : scraped) {
            if (name.startsWith("bosh_") && !documentedFamilies.contains(family(name))) {
                undocumented.add(name);
            }
        }
        assertThat(undocumented).as("bosh_ series in the scrape that docs/metrics.md does not name").isEmpty();
    }

    // ---- helpers ----

    private static void moved(String name, String... labels) throws InterruptedException {
        cm.awaitMeter(name, v -> v > 0, METER, labels);
    }

    /** The backticked series names in docs/metrics.md, like {@code bosh_sessions_active}. */
    private static Set<String> documentedNames() throws IOException {
        Path doc = Path.of("..", "docs", "metrics.md");
        if (!Files.exists(doc)) {
            doc = Path.of("docs", "metrics.md");
        }
        Set<String> names = new TreeSet<>();
        Matcher m = DOCUMENTED.matcher(Files.readString(doc));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** The sample names of a Prometheus text scrape, like {@code bosh_requests_total}. */
    private static Set<String> scrapedNames(String text) {
        Set<String> names = new TreeSet<>();
        for (String line : text.lines().toList()) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.split("[{ ]", 2)[0]);
            }
        }
        return names;
    }

    /** A series name without the suffix Micrometer adds: {@code bosh_x_seconds_bucket} → {@code bosh_x_seconds}. */
    private static String family(String name) {
        for (String suffix : SUFFIXES) {
            if (!suffix.isEmpty() && name.endsWith(suffix)) {
                return name.substring(0, name.length() - suffix.length());
            }
        }
        return name;
    }
}
