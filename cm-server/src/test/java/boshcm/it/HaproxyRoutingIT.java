package boshcm.it;

import static boshcm.it.RawBosh.CLIENT;
import static boshcm.it.RawBosh.HTTPBIND;
import static boshcm.it.RawBosh.await;
import static boshcm.it.RawBosh.is;
import static boshcm.it.SmackClients.chatFrom;
import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.sendChat;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.BoshTarget.BoshService;
import boshcm.it.HaproxyConfig.Server;
import boshcm.it.RawBosh.Reply;
import boshcm.it.RawBosh.Sent;
import boshcm.it.RawBosh.Session;
import boshcm.it.SmackClients.Inbox;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.w3c.dom.Element;

/**
 * The HAProxy example of docs/deployment.md ("Behind HAProxy, several nodes"), run as documented in
 * front of two real nodes: {@code docs/haproxy/boshcm.cfg}, with only the loopback edits of
 * {@link HaproxyConfig#forTest}, in front of boshcm nodes {@code n1} and {@code n2} (own BOSH and
 * admin ports, {@code --http-trusted-proxies 127.0.0.1}) and the test Prosody. It proves the claims of
 * "How routing behaves": new sessions are spread by {@code leastconn}; every later request reaches
 * the node in its sid prefix (full XEP-0206 logins and chat, raw and with Smack); only the sid in the
 * {@code <body>} start tag counts, in either quotes and across line breaks; a sid of an unknown or
 * disabled node is load-balanced and ended with {@code item-not-found}; health checks go to each
 * node's admin port; a server in drain state takes no new sessions but keeps its own.
 *
 * <p>Which node a request reached is read from HAProxy and the nodes, not guessed: each node counts
 * the POSTs it got ({@code bosh_http_requests_total}), and HAProxy's {@code lbtot} counts the requests
 * it load-balanced (a request routed by {@code use-server} is not counted). Before a routed request,
 * the session holds a poll on its node, so that {@code leastconn} alone would have picked the other.
 */
@ExtendWith(LiveXmppExtension.class)
class HaproxyRoutingIT {

    private static final String BACKEND = "boshcm";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Duration METER = Duration.ofSeconds(10);
    /** The sessions' {@code wait}: no test waits for it, but after a failure a held poll lasts that long. */
    private static final int WAIT = 10;
    /** A namespace of the test's own, for an extension element carrying a sid attribute inside a stanza. */
    private static final String TEST_NS = "urn:boshcm:it:haproxy";
    /** 22 base64url characters: what follows {@code <node>-} in a real sid. */
    private static final String SID_TAIL = "AAAAAAAAAAAAAAAAAAAAAA";
    private static final AtomicInteger IDS = new AtomicInteger();

    private static ProsodyServer prosody;
    private static DedicatedCm n1;
    private static DedicatedCm n2;
    private static Haproxy haproxy;

    private final SmackClients clients = new SmackClients();
    private final List<Session> opened = new ArrayList<>();
    private RawBosh bosh;

    /** On a failure: HAProxy's config and log tail, and its directory kept. */
    @RegisterExtension
    static final TestWatcher HAPROXY_REPORT = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (haproxy != null) {
                haproxy.keepFilesOnClose();
                System.err.println("[HaproxyRoutingIT] " + context.getDisplayName() + " failed; HAProxy files kept in "
                        + haproxy.directory() + "\n" + haproxy.diagnostics());
            }
        }
    };

    @BeforeAll
    static void start(ProsodyServer server) throws Exception {
        Path binary = Haproxy.binary(); // first: skips or fails before anything is started
        prosody = server;
        n1 = startNode("n1");
        n2 = startNode("n2");
        String documented = HaproxyConfig.documented();
        int deadPort = LocalXmppServer.freePorts(1)[0];
        haproxy = Haproxy.start(binary, (port, socket) -> HaproxyConfig.forTest(documented, socket, port,
                new Server("n1", n1.node().httpPort(), n1.node().adminPort()),
                new Server("n2", n2.node().httpPort(), n2.node().adminPort()), deadPort));
        // Until the first check of each node has passed, HAProxy's view of them is only its start state.
        haproxy.awaitServers(BACKEND, s -> checkedOk(s, "n1") && checkedOk(s, "n2"),
                "a passed health check on n1 and n2", Duration.ofSeconds(15));
    }

    private static DedicatedCm startNode(String id) throws Exception {
        return DedicatedCm.inFrontOf(prosody, "--node-id", id, "--http-trusted-proxies", "127.0.0.1");
    }

    private static boolean checkedOk(Map<String, Map<String, String>> servers, String name) {
        Map<String, String> s = servers.get(name);
        return s != null && "L7OK".equals(s.get("check_status"));
    }

    @AfterAll
    static void stop() {
        if (haproxy != null) haproxy.close();
        if (n1 != null) n1.close();
        if (n2 != null) n2.close();
    }

    @BeforeEach
    void client() {
        bosh = new RawBosh(haproxy.boshUri());
    }

    /** Ends the raw sessions a test opened (through HAProxy) and the Smack clients, so no request stays open. */
    @AfterEach
    void endSessions() throws InterruptedException {
        clients.close();
        List<Sent> terminates = new ArrayList<>();
        for (Session s : opened) {
            terminates.add(s.send("type='terminate'", ""));
        }
        for (Sent t : terminates) {
            try {
                await(t.reply(), Duration.ofSeconds(5));
            } catch (AssertionError e) {
                // Only after a failure (a rid the node never got: the terminate waits behind the gap).
                System.err.println("[HaproxyRoutingIT] terminate rid " + t.rid() + ": " + e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- the claims

    /**
     * HAProxy's checks reach each node's admin listener ({@code check port <admin port>}, {@code GET
     * /health}): L7OK with 200, where the BOSH port would answer {@code /health} with 404. The
     * documented spare n3 ({@code disabled}) is in maintenance.
     */
    @Test
    void healthChecksGoToEachNodesAdminPort() throws Exception {
        Map<String, Map<String, String>> servers = haproxy.servers(BACKEND);
        for (String name : List.of("n1", "n2")) {
            assertThat(servers.get(name)).as(name)
                    .containsEntry("status", "UP").containsEntry("check_status", "L7OK").containsEntry("check_code", "200");
        }
        assertThat(servers.get("n3")).as("n3").containsEntry("status", "MAINT");
        HttpResponse<String> onBoshPort = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(n1.boshUri().resolve("/health")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(onBoshPort.statusCode()).as("/health on the BOSH port").isEqualTo(404);
    }

    /** (a) Requests without a sid are load-balanced ({@code leastconn}): each node creates some of the sessions. */
    @Test
    void newSessionsAreSpreadOverBothNodes() throws Exception {
        awaitNoRequestOpen();
        double started1 = n1.meter("bosh_sessions_started_total");
        double started2 = n2.meter("bosh_sessions_started_total");
        long balanced = lbtot();

        Map<String, Integer> byNode = new TreeMap<>();
        for (int i = 0; i < 6; i++) {
            Session s = open();
            assertThat(s.sid()).matches("n[12]-[A-Za-z0-9_-]{22}");
            byNode.merge(nodeOf(s), 1, Integer::sum);
        }

        assertThat(byNode).as("sessions by node").containsOnlyKeys("n1", "n2");
        n1.awaitMeter("bosh_sessions_started_total", v -> v == started1 + byNode.get("n1"), METER);
        n2.awaitMeter("bosh_sessions_started_total", v -> v == started2 + byNode.get("n2"), METER);
        assertThat(lbtot() - balanced).as("creations HAProxy load-balanced").isEqualTo(6);
    }

    /**
     * (b) Every request of a session reaches its node: a full XEP-0206 login (features, SASL, restart,
     * bind) on each node through HAProxy, and a chat both ways between them. Not one of those requests
     * was load-balanced; one that was would have met the other node's {@code item-not-found}.
     */
    @Test
    void everyRequestOfASessionReachesItsNode() throws Exception {
        XmppUser alice = prosody.createUser("hxalice");
        XmppUser bob = prosody.createUser("hxbob");
        Session a = sessionOn("n1");
        Session b = sessionOn("n2");
        long balanced = lbtot();
        double requests1 = n1.meter("bosh_requests_total");
        double requests2 = n2.meter("bosh_requests_total");

        a.login(alice);
        b.login(bob);
        chat(a, b, "from n1 to n2");
        chat(b, a, "from n2 to n1");

        assertThat(lbtot() - balanced).as("requests HAProxy load-balanced").isZero();
        // At least SASL, the restart, the bind, the chat sent and the chat received, on each node.
        assertThat(n1.meter("bosh_requests_total")).as("requests of n1's session").isGreaterThanOrEqualTo(requests1 + 5);
        assertThat(n2.meter("bosh_requests_total")).as("requests of n2's session").isGreaterThanOrEqualTo(requests2 + 5);
    }

    /**
     * (c) Only the sid in the {@code <body>} start tag routes: a {@code sid='<other node>-…'} inside a
     * stanza (an attribute and text) is ignored and the stanza reaches the peer intact; double quotes,
     * a sid that is not the first attribute, and line breaks (LF, CRLF and tab) inside the start tag route.
     */
    @Test
    void onlyTheSidInTheBodyStartTagRoutes() throws Exception {
        Session a = loggedIn("n1", prosody.createUser("hxtag"));
        Session b = loggedIn("n2", prosody.createUser("hxtag"));

        for (Session[] pair : List.of(new Session[] {a, b}, new Session[] {b, a})) {
            Session from = pair[0];
            Session to = pair[1];
            String decoy = nodeOf(to) + "-" + SID_TAIL;
            String text = "sid='" + decoy + "' is only text here";
            String stanza = "<message xmlns='jabber:client' type='chat' to='" + to.jid() + "'><body>" + text + "</body>"
                    + "<decoy xmlns='" + TEST_NS + "' sid='" + decoy + "'/></message>";
            routedToOwnNode(from, rid -> from.body(rid, "", stanza + ping()));
            Element got = receive(to, text);
            Element ext = (Element) got.getElementsByTagNameNS(TEST_NS, "decoy").item(0);
            assertThat(ext).as("the stanza's own element").isNotNull();
            assertThat(ext.getAttribute("sid")).isEqualTo(decoy);
        }
        for (Session s : List.of(a, b)) {
            routedToOwnNode(s, rid -> "<body rid=\"" + rid + "\" sid=\"" + s.sid() + "\" xmlns=\"" + HTTPBIND + "\">"
                    + ping() + "</body>");
            routedToOwnNode(s, rid -> "<body xmlns=\"" + HTTPBIND + "\" sid=\"" + s.sid() + "\" rid=\"" + rid + "\">"
                    + ping() + "</body>");
            routedToOwnNode(s, rid -> "<body rid='" + rid + "'\n    sid='" + s.sid() + "'\n    xmlns='" + HTTPBIND + "'>"
                    + ping() + "</body>");
            routedToOwnNode(s, rid -> "<body rid='" + rid + "'\r\n\tsid='" + s.sid() + "'\r\n\txmlns='" + HTTPBIND + "'>"
                    + ping() + "</body>");
        }
    }

    /**
     * (d) A sid naming a node HAProxy does not know ({@code n9}), the documented spare n3 (disabled,
     * so in maintenance), or no node at all (no {@code -}): HAProxy ignores {@code use-server} and
     * load-balances, and whichever node gets the request ends it with {@code item-not-found}.
     */
    @Test
    void aSidOfNoRunningNodeIsLoadBalancedAndGetsItemNotFound() throws Exception {
        awaitNoRequestOpen();
        double posts1 = posts(n1);
        double posts2 = posts(n2);
        long balanced = lbtot();
        List<String> sids = List.of("n9-" + SID_TAIL, "n3-" + SID_TAIL, "nodash" + SID_TAIL);

        for (String sid : sids) {
            for (int i = 0; i < 2; i++) {
                Reply r = bosh.post("<body rid='" + (1000 + i) + "' sid='" + sid + "' xmlns='" + HTTPBIND + "'/>");
                assertThat(r.status()).as("%s: %s", sid, r).isEqualTo(200);
                assertThat(r.isTerminal()).as("%s: %s", sid, r).isTrue();
                assertThat(r.condition()).as("%s: %s", sid, r).isEqualTo("item-not-found");
            }
        }

        int n = 2 * sids.size();
        assertThat(lbtot() - balanced).as("requests HAProxy load-balanced").isEqualTo(n);
        double got1 = posts(n1) - posts1;
        double got2 = posts(n2) - posts2;
        assertThat(got1 + got2).as("POSTs n1 (%s) and n2 (%s) got", got1, got2).isEqualTo(n);
    }

    /**
     * (e) A Smack 4.4.8 BOSH client through HAProxy (SCRAM login, jbosh's two concurrent requests)
     * chats with a TCP peer; HAProxy load-balanced only its session creation.
     */
    @Test
    void aSmackBoshClientWorksThroughHaproxy() throws Exception {
        XmppUser alice = prosody.createUser("hxsmack");
        XmppUser bob = prosody.createUser("hxpeer");
        XMPPTCPConnection peer = clients.tcp(prosody, bob);
        SmackClients.echoChats(peer, alice.jid(), m -> {});
        long balanced = lbtot();

        XMPPBOSHConnection client = clients.bosh(new BoshService(BoshTarget.BOSHCM, haproxy.boshUri(), () -> {}), alice);
        Inbox<Message> echoes = inbox(client, chatFrom(bob.jid()), Message.class);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            sendChat(client, bob.jid(), "smack " + i);
            expected.add("echo: smack " + i);
        }
        Set<String> got = new HashSet<>();
        for (Message m : echoes.take(5, TIMEOUT)) got.add(m.getBody());
        assertThat(got).isEqualTo(expected); // a set: jbosh may hand two responses over in either order

        assertThat(lbtot() - balanced).as("requests HAProxy load-balanced: the creation only").isEqualTo(1);
    }

    /**
     * The documented drain: with n1 in drain state (runtime API, as in "Draining a node"), new sessions
     * all go to n2, while a session on n1 keeps reaching n1.
     */
    @Test
    void aDrainingServerKeepsItsSessionsAndGetsNoNewOnes() throws Exception {
        Session a = loggedIn("n1", prosody.createUser("hxdrain"));
        haproxy.runtime("set server " + BACKEND + "/n1 state drain");
        try {
            assertThat(haproxy.servers(BACKEND).get("n1")).containsEntry("status", "DRAIN");
            for (int i = 0; i < 4; i++) {
                assertThat(nodeOf(open())).as("creation %d during n1's drain", i).isEqualTo("n2");
            }
            routedToOwnNode(a, rid -> a.body(rid, "", ping()));
        } finally {
            haproxy.runtime("set server " + BACKEND + "/n1 state ready");
        }
        assertThat(haproxy.servers(BACKEND).get("n1")).containsEntry("status", "UP");
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Posts the request {@code xml} makes for the session's next rid, through HAProxy, and checks that
     * it reached the session's node: first an empty poll of the session is held there (so that
     * {@code leastconn}, had the rule not matched, would have chosen the other node), then the request
     * (which carries a ping, so that an answer comes without waiting for {@code wait}) must be answered
     * without a terminate, the other node must have got no POST, and HAProxy must have load-balanced
     * nothing.
     */
    private void routedToOwnNode(Session s, LongFunction<String> xml) throws Exception {
        DedicatedCm owner = nodeNamed(nodeOf(s));
        DedicatedCm other = owner == n1 ? n2 : n1;
        int held = owner.heldRequests();
        Sent poll = s.send("");
        owner.awaitMeter("bosh_requests_held", v -> v == held + 1, METER);
        Map<String, Map<String, String>> servers = haproxy.servers(BACKEND);
        assertThat(Integer.parseInt(servers.get(nodeOf(owner)).get("scur")))
                .as("open requests on %s (the poll) against %s: leastconn would choose %s", nodeOf(owner), nodeOf(other),
                        nodeOf(other))
                .isGreaterThan(Integer.parseInt(servers.get(nodeOf(other)).get("scur")));
        double otherPosts = posts(other);
        long balanced = lbtot();

        String body = xml.apply(s.takeRid());
        Reply reply = await(s.bosh().postAsync(body));
        assertThat(reply.status()).as("%s\nanswered %s", body, reply).isEqualTo(200);
        assertThat(reply.isTerminal()).as("%s\nanswered %s", body, reply).isFalse();
        Reply polled = await(poll.reply());
        assertThat(polled.status()).as("the poll held before %s\nanswered %s", body, polled).isEqualTo(200);
        assertThat(polled.isTerminal()).as("the poll held before %s\nanswered %s", body, polled).isFalse();
        assertThat(List.of(polled, reply)).as("the pong, for %s", body)
                .anySatisfy(r -> assertThat(r.payloads()).anyMatch(p -> is(p, CLIENT, "iq") && "result".equals(p.getAttribute("type"))));
        assertThat(posts(other)).as("POSTs that reached %s", nodeOf(other)).isEqualTo(otherPosts);
        assertThat(lbtot()).as("requests HAProxy load-balanced").isEqualTo(balanced);
    }

    /** {@code from} sends a chat to {@code to}'s full JID (with a ping, for a prompt answer); {@code to} receives it. */
    private void chat(Session from, Session to, String text) throws Exception {
        Element pong = from.poll(p -> is(p, CLIENT, "iq") && "result".equals(p.getAttribute("type")),
                RawBosh.message(to.jid(), text) + ping(), TIMEOUT);
        assertThat(pong).isNotNull();
        receive(to, text);
    }

    /** Polls {@code s} until a chat message whose body is {@code text} arrives; returns it. */
    private static Element receive(Session s, String text) throws InterruptedException {
        return s.poll(p -> is(p, CLIENT, "message") && RawBosh.chatBodies(List.of(p)).contains(text), "", TIMEOUT);
    }

    /** An XEP-0199 ping to the server: Prosody answers at once. */
    private static String ping() {
        return "<iq xmlns='jabber:client' type='get' id='ping" + IDS.incrementAndGet() + "' to='" + prosody.domain()
                + "'><ping xmlns='urn:xmpp:ping'/></iq>";
    }

    /** A new session through HAProxy, terminated after the test. */
    private Session open() throws InterruptedException {
        Session s = bosh.open(1, WAIT);
        opened.add(s);
        return s;
    }

    /** A new session through HAProxy that landed on node {@code id} ({@code leastconn} alternates, so this takes a few tries at most). */
    private Session sessionOn(String id) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Session s = open();
            if (nodeOf(s).equals(id)) return s;
            seen.add(s.sid());
        }
        throw new AssertionError("no session on " + id + " in 10 creations: " + seen);
    }

    private Session loggedIn(String id, XmppUser user) throws InterruptedException {
        Session s = sessionOn(id);
        s.login(user);
        return s;
    }

    /** The node id in a session's sid: {@code n1} for {@code n1-…}. */
    private static String nodeOf(Session s) {
        return s.sid().substring(0, s.sid().indexOf('-'));
    }

    private static String nodeOf(DedicatedCm node) {
        return node == n1 ? "n1" : "n2";
    }

    private static DedicatedCm nodeNamed(String id) {
        return switch (id) {
            case "n1" -> n1;
            case "n2" -> n2;
            default -> throw new IllegalArgumentException(id);
        };
    }

    /** POSTs that reached {@code node}'s BOSH handler (counted when dispatched, before the answer). */
    private static double posts(DedicatedCm node) {
        return node.meter("bosh_http_requests_total", "method", "POST");
    }

    /** How many requests HAProxy has load-balanced to the backend's servers; routed ones are not counted. */
    private static long lbtot() throws IOException {
        return haproxy.sum(BACKEND, "lbtot");
    }

    /** No request is open on n1 or n2 (HAProxy's current sessions), so that {@code leastconn} sees a tie. */
    private static void awaitNoRequestOpen() throws IOException {
        haproxy.awaitServers(BACKEND, s -> "0".equals(s.get("n1").get("scur")) && "0".equals(s.get("n2").get("scur")),
                "no request open on n1 and n2", METER);
    }
}
