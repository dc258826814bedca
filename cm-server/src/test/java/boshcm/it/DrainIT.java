package boshcm.it;

import static boshcm.it.RawBosh.await;
import static boshcm.it.RawBosh.message;
import static boshcm.it.SmackClients.chatFrom;
import static boshcm.it.SmackClients.inbox;
import static boshcm.it.SmackClients.sendChat;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.it.RawBosh.Reply;
import boshcm.it.RawBosh.Sent;
import boshcm.it.SmackClients.Inbox;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.StanzaBuilder;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.impl.JidCreate;
import org.slf4j.LoggerFactory;

/**
 * The drain a node goes through on SIGTERM (issue 4), against the real Prosody: new sessions are
 * refused with the farewell (XEP-0124 §17.2 system-shutdown, B-17.2-5, or see-other-uri, B-17.2-3)
 * and {@code /ready} answers 503 while {@code /health} stays 200; open sessions go on exchanging
 * messages; when the drain ends, every request still open gets the farewell, and each message a
 * peer sent just before reached the client, came back to the peer as an error, or was reported
 * undeliverable: none is lost without a trace. {@link RunningCm#drain()} is what the shutdown hook
 * runs; the last test sends a real SIGTERM to the jar.
 */
@ExtendWith(LiveXmppExtension.class)
class DrainIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern UNDELIVERABLE = Pattern.compile("(\\d+) server stanza\\(s\\) undeliverable");
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static ProsodyServer prosody;
    private final SmackClients clients = new SmackClients();
    private DedicatedCm cm;
    private Process jar;

    @BeforeAll
    static void start(ProsodyServer server) {
        prosody = server;
    }

    @AfterEach
    void stop() {
        clients.close();
        if (cm != null) {
            cm.close();
        }
        if (jar != null && jar.isAlive()) {
            Processes.destroyTree(jar);
        }
    }

    /**
     * During the drain (its time an hour here: the test ends it as the timer would, with close()): a
     * creation is refused with system-shutdown and counted, readiness is 503 and liveness 200, and
     * the open session exchanges messages both ways. Then, with one request of the client waiting
     * behind a rid gap (so that no data can answer it), the peer sends 20 messages (the first is
     * delivered on the one held request, the other 19 wait at boshcm) and the drain ends: the
     * waiting request gets system-shutdown, and every one of the 19 came back to the peer as an
     * error, or was reported undeliverable.
     */
    @Test
    void b17_2_5_drainKeepsOpenSessionsGoingThenEndsThemAndNoMessageIsLost() throws Exception {
        cm = DedicatedCm.inFrontOf(prosody, "--drain-timeout", "1h");
        XmppUser alice = prosody.createUser("drain");
        XmppUser bob = prosody.createUser("drainpeer");
        RawBosh.Session raw = cm.raw().open(2, 20);
        Jid aliceFull = JidCreate.from(raw.login(alice));
        XMPPTCPConnection peer = clients.tcp(prosody, bob);
        Inbox<Message> peerInbox = inbox(peer, chatFrom(alice.jid()), Message.class);
        Inbox<Message> barrier = inbox(peer, chatFrom(bob.jid()), Message.class);
        Inbox<Message> bounces = inbox(peer, s -> s instanceof Message m && m.getType() == Message.Type.error, Message.class);
        assertThat(cm.admin("/ready").statusCode()).isEqualTo(200);

        ListAppender<ILoggingEvent> log = capture();
        CompletableFuture<Void> drained = CompletableFuture.runAsync(cm.node()::drain, daemon("drain"));
        try {
            awaitStatus("/ready", s -> s == 503);
            assertThat(cm.admin("/ready").body()).isEqualTo("draining\n");
            assertThat(cm.admin("/health").statusCode()).isEqualTo(200);

            Reply refused = cm.raw().post(RawBosh.creation(1000, 1, 20, ""));
            assertThat(refused.isTerminal()).as("%s", refused).isTrue();
            assertThat(refused.condition()).isEqualTo("system-shutdown");
            assertThat(cm.meter("bosh_sessions_refused_total", "reason", "draining")).isEqualTo(1);

            // The open session goes on, both ways.
            Sent up = raw.send(message(bob.jidString(), "up during the drain"));
            assertThat(peerInbox.next(TIMEOUT).getBody()).isEqualTo("up during the drain");
            sendChat(peer, aliceFull, "down during the drain");         // answers the request held since
            assertThat(await(up.reply()).chatBodies()).containsExactly("down during the drain");

            // rid n is held and takes the first data; rid n+2 waits behind the gap at n+1 until the end.
            Sent first = raw.send("");
            raw.takeRid();
            Sent behindGap = raw.send("");
            cm.awaitHeld(2);
            List<String> sent = new ArrayList<>();
            // The first message answers rid n; the other 19 find no request to carry them.
            sent.add(sendNumbered(peer, aliceFull, 0));
            Set<String> delivered = new HashSet<>(ids(await(first.reply())));
            assertThat(delivered).containsExactly("last-0");
            for (int i = 1; i < 20; i++) {
                sent.add(sendNumbered(peer, aliceFull, i));
            }
            // Prosody handles bob's stanzas in order: when this one is back, all 20 were routed to alice.
            sendChat(peer, peer.getUser(), "barrier");
            barrier.next(TIMEOUT);

            cm.node().close();                                     // what drain() does when its time is up
            drained.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

            Reply last = await(behindGap.reply());
            assertThat(last.text()).isEqualTo("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate'"
                    + " condition='system-shutdown'/>");
            Set<String> bounced = new HashSet<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (delivered.size() + bounced.size() + undeliverable(log) < sent.size()) {
                assertThat(System.nanoTime()).as("delivered %s, bounced %s, reported %d of %s", delivered, bounced,
                        undeliverable(log), sent).isLessThan(deadline);
                Message error = bounces.next(m -> m.getStanzaId() != null && m.getStanzaId().startsWith("last-"), TIMEOUT);
                assertThat(bounced.add(error.getStanzaId())).as("bounced once: %s", error.getStanzaId()).isTrue();
            }
            assertThat(java.util.Collections.disjoint(delivered, bounced)).as("delivered %s, bounced %s", delivered, bounced).isTrue();
            assertThat(sent).containsAll(delivered).containsAll(bounced);
            assertThat(delivered.size() + bounced.size() + undeliverable(log)).isEqualTo(sent.size());
            System.out.printf("drain: of %d messages sent just before the end, %d delivered, %d bounced, %d reported%n",
                    sent.size(), delivered.size(), bounced.size(), undeliverable(log));
        } finally {
            release(log);
        }
    }

    /** A drain ends as soon as the last session ends by itself, however long {@code drain.timeout} is. */
    @Test
    void aDrainEndsWhenTheLastSessionEndsByItself() throws Exception {
        cm = DedicatedCm.inFrontOf(prosody, "--drain-timeout", "1h");
        XmppUser carol = prosody.createUser("drainleaves");
        XMPPBOSHConnection browser = clients.bosh(cm.service(), carol);
        CompletableFuture<Void> drained = CompletableFuture.runAsync(cm.node()::drain, daemon("drain"));
        awaitStatus("/ready", s -> s == 503);
        assertThat(drained).isNotDone();
        assertThat(browser.isConnected()).isTrue();
        browser.disconnect();                                      // <body type='terminate'/>: the client logs out
        drained.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /**
     * The drain's own timer (2 s here), with a successor configured: the held request of a session
     * still open when it runs out gets see-other-uri with the successor's URI (XEP-0124 §17.2, B-17.2-3),
     * and the session was kept for the whole drain time.
     */
    @Test
    void b17_2_3_whenTheDrainTimeIsUpOpenSessionsGetSeeOtherUri() throws Exception {
        cm = DedicatedCm.inFrontOf(prosody, "--drain-timeout", "2s", "--drain-successor-uri", "https://chat.example.com/http-bind");
        RawBosh.Session raw = cm.raw().open(1, 30);
        Sent held = raw.send("");
        cm.awaitHeld(1);
        long started = System.nanoTime();
        cm.node().drain();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(await(held.reply()).text()).isEqualTo("<body xmlns='http://jabber.org/protocol/httpbind' type='terminate'"
                + " condition='see-other-uri'><uri>https://chat.example.com/http-bind</uri></body>");
    }

    /**
     * SIGTERM to the real jar ({@code Process.destroy()} on Linux): the shutdown hook drains for
     * {@code drain.timeout} (3 s), refusing a creation meanwhile; the held request of the open session
     * gets system-shutdown; the process exits with 143 and its log tells the story.
     */
    @Test
    void sigtermDrainsTheJarAndExitsWith143() throws Exception {
        Path jarFile = Path.of("target", "cm-server.jar").toAbsolutePath();
        assertThat(jarFile).as("built by the package phase").exists();
        int[] ports = LocalXmppServer.freePorts(2);
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", jarFile.toString()));
        List<String> args = new ArrayList<>(BoshTarget.cmArgs(prosody));
        args.set(args.indexOf("--http-port") + 1, String.valueOf(ports[0]));
        args.set(args.indexOf("--admin-port") + 1, String.valueOf(ports[1]));
        command.addAll(args);
        command.addAll(List.of("--drain-timeout", "3s", "--http-stop-timeout", "200ms"));
        Path output = Files.createTempFile("boshcm-sigterm", ".log");
        jar = Processes.start(command, Path.of("."), Map.of(), output);
        URI admin = URI.create("http://" + ProsodyServer.HOST + ":" + ports[1] + "/");
        URI bosh = URI.create("http://" + ProsodyServer.HOST + ":" + ports[0] + "/http-bind");
        try {
            awaitStatus(admin.resolve("/ready"), s -> s == 200, output);
            RawBosh.Session raw = new RawBosh(bosh).open(1, 30);
            Sent held = raw.send("");
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!get(admin.resolve("/metrics")).body().contains("bosh_requests_held 1.0")) {
                assertThat(System.nanoTime()).as("the request is held").isLessThan(deadline);
                Thread.sleep(20);
            }

            jar.destroy();                                          // SIGTERM
            awaitStatus(admin.resolve("/ready"), s -> s == 503, output);
            assertThat(get(admin.resolve("/health")).statusCode()).isEqualTo(200);
            Reply refused = new RawBosh(bosh).post(RawBosh.creation(1000, 1, 20, ""));
            assertThat(refused.condition()).as("%s", refused).isEqualTo("system-shutdown");

            assertThat(await(held.reply()).condition()).isEqualTo("system-shutdown");
            assertThat(jar.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("exited").isTrue();
            String log = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(jar.exitValue()).as(log).isEqualTo(143);
            assertThat(log).contains("boshcm draining: 1 session(s) open").contains("drain time (3s) is up: ending 1 session(s)")
                    .contains("boshcm stopped");
            assertThat(log.indexOf("boshcm draining")).isLessThan(log.indexOf("boshcm stopped"));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Sends chat message {@code last-i}, with that id and body, from {@code peer} to {@code to}; returns the id. */
    private static String sendNumbered(XMPPTCPConnection peer, Jid to, int i) throws Exception {
        String id = "last-" + i;
        peer.sendStanza(StanzaBuilder.buildMessage(id).to(to).ofType(Message.Type.chat).setBody(id).build());
        return id;
    }

    private void awaitStatus(String path, IntPredicate wanted) throws InterruptedException {
        awaitStatus(cm.adminUri().resolve(path), wanted, null);
    }

    /** Polls {@code uri} until its status satisfies {@code wanted}; connection failures count as not yet. */
    private static void awaitStatus(URI uri, IntPredicate wanted, Path log) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int last = -1;
        while (true) {
            try {
                last = get(uri).statusCode();
                if (wanted.test(last)) {
                    return;
                }
            } catch (IOException e) {
                last = -1;
            }
            if (System.nanoTime() > deadline) {
                String tail = log == null ? "" : "\n" + Processes.tail(log, 40);
                throw new AssertionError("GET " + uri + " still answers " + last + " after " + TIMEOUT + tail);
            }
            Thread.sleep(20);
        }
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The ids of the chat messages a reply carried. */
    private static List<String> ids(Reply reply) {
        List<String> ids = new ArrayList<>();
        for (org.w3c.dom.Element p : reply.payloads()) {
            if (RawBosh.is(p, RawBosh.CLIENT, "message") && !RawBosh.chatBodies(List.of(p)).isEmpty()) {
                ids.add(p.getAttribute("id"));
            }
        }
        return ids;
    }

    /** Records what the in-process node logs (boshcm logs what it can neither deliver nor bounce). */
    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger("boshcm")).addAppender(appender);
        return appender;
    }

    private static void release(ListAppender<ILoggingEvent> appender) {
        ((Logger) LoggerFactory.getLogger("boshcm")).detachAppender(appender);
    }

    /** Server stanzas the node reported undeliverable, from its log lines. */
    private static int undeliverable(ListAppender<ILoggingEvent> log) {
        int n = 0;
        for (ILoggingEvent e : List.copyOf(log.list)) {
            Matcher m = UNDELIVERABLE.matcher(e.getFormattedMessage());
            if (m.find()) {
                n += Integer.parseInt(m.group(1));
            }
        }
        return n;
    }

    private static java.util.concurrent.Executor daemon(String name) {
        return task -> {
            Thread t = new Thread(task, name);
            t.setDaemon(true);
            t.start();
        };
    }
}
