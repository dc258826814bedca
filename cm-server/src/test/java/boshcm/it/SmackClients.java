package boshcm.it;

import boshcm.it.BoshTarget.BoshService;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jivesoftware.smack.AbstractXMPPConnection;
import org.jivesoftware.smack.ConnectionConfiguration.SecurityMode;
import org.jivesoftware.smack.SmackException.NotConnectedException;
import org.jivesoftware.smack.SmackConfiguration;
import org.jivesoftware.smack.XMPPConnection;
import org.jivesoftware.smack.bosh.BOSHConfiguration;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smack.filter.StanzaFilter;
import org.jivesoftware.smack.packet.Message;
import org.jivesoftware.smack.packet.Stanza;
import org.jivesoftware.smack.tcp.XMPPTCPConnection;
import org.jivesoftware.smack.tcp.XMPPTCPConnectionConfiguration;
import org.jxmpp.jid.EntityBareJid;
import org.jxmpp.jid.Jid;
import org.jxmpp.jid.parts.Resourcepart;

/**
 * Smack 4.4.8 clients for the integration tests, and {@link #close} to tear them all down.
 *
 * <p>Smack quirks (deps.md §2.7 and below): {@code BOSHConfiguration.getURI()} is
 * {@code scheme + getHostString() + ":" + port + file}, and {@code getHostString()} is
 * {@code InetAddress.toString()} ("/127.0.0.1") whenever the host is an IP address, even when
 * given as a string to {@code setHost(CharSequence)}: the URL becomes {@code http:///127.0.0.1:port/…}.
 * So the BOSH client is given a host name ({@code localhost} for loopback), never an IP literal. The BOSH leg is plain HTTP, so the BOSH client runs
 * with {@link SecurityMode#disabled}; the TLS is between the CM (or Prosody's mod_bosh, which is
 * told {@code consider_bosh_secure}) and the server.
 */
public final class SmackClients implements AutoCloseable {

    public static final Duration REPLY_TIMEOUT = Duration.ofSeconds(20);
    private static final String JBOSH_EMPTY_REQUEST_DELAY = "org.igniterealtime.jbosh.BOSHClient.emptyRequestDelay";

    static {
        // Smack 4.4.8's StandardExtensionElementProvider has an `assert` that fails on elements like
        // Prosody 0.12's <occupant-id id='…' xmlns='urn:xmpp:occupant-id:0'/> in MUC presences; with
        // failsafe's -ea the AssertionError kills the reader thread and every later reply times out.
        // Must run before that class is loaded.
        SmackClients.class.getClassLoader().setPackageAssertionStatus("org.jivesoftware.smack.parsing", false);
        // jbosh calls its response listeners before it forgets the answered request, and Smack answers
        // a SASL challenge from inside that listener. If the challenge comes back on an older held poll
        // while the <auth> request is held too, jbosh's send() waits for a free slot ("requests"=2)
        // that only the CM's `wait` timeout frees: SCRAM login stalls ~60 s, longer than the reply
        // timeout. The trigger is jbosh's empty poll (sent 100 ms after the session creation response
        // when Smack is slow, e.g. the JVM's first login) overtaking <auth>. A longer empty-request
        // delay keeps <auth> first; it also delays re-polling after each response by that much.
        System.setProperty(JBOSH_EMPTY_REQUEST_DELAY,
                System.getProperty(JBOSH_EMPTY_REQUEST_DELAY, "1000"));
        SmackConfiguration.setDefaultReplyTimeout((int) REPLY_TIMEOUT.toMillis());
        SmackConfiguration.DEBUG = Boolean.getBoolean("smack.debug");
    }

    /** Smack and jbosh log through JUL; quiet unless -Dsmack.debug (strong refs: JUL holds loggers weakly). */
    private static final List<java.util.logging.Logger> QUIET = List.of(
            java.util.logging.Logger.getLogger("org.jivesoftware"),
            java.util.logging.Logger.getLogger("org.igniterealtime"));

    static {
        if (!SmackConfiguration.DEBUG) {
            QUIET.forEach(logger -> logger.setLevel(java.util.logging.Level.SEVERE));
        }
    }

    private final List<AbstractXMPPConnection> opened = new ArrayList<>();

    /**
     * A BOSH connection to {@code bosh} for {@code user}, connected and logged in. With
     * {@code saslMechanisms} given, only those are allowed (e.g. {@code "SCRAM-SHA-1"}, {@code "PLAIN"}).
     */
    public XMPPBOSHConnection bosh(BoshService bosh, XmppUser user, String... saslMechanisms) throws Exception {
        URI uri = bosh.uri();
        BOSHConfiguration.Builder config = BOSHConfiguration.builder()
                .setXmppDomain(user.domain())
                .setUsernameAndPassword(user.localpart(), user.password())
                .setResource("bosh")
                .setHost(smackBoshHost(uri))
                .setPort(uri.getPort())
                .setFile(uri.getRawPath())
                .setUseHttps("https".equalsIgnoreCase(uri.getScheme()))
                .setSecurityMode(SecurityMode.disabled);
        for (String mechanism : saslMechanisms) {
            config.addEnabledSaslMechanism(mechanism);
        }
        XMPPBOSHConnection connection = new XMPPBOSHConnection(config.build());
        return connectAndLogin(connection);
    }

    /** Smack 4.4.8 cannot build a BOSH URL from an IP literal; loopback literals become localhost. */
    static String smackBoshHost(URI uri) {
        String host = uri.getHost();
        return host.equals("127.0.0.1") || host.equals("[::1]") || host.equals("::1") ? "localhost" : host;
    }

    /** A TCP connection straight to the server's c2s port, STARTTLS verified against the test CA. */
    public XMPPTCPConnection tcp(XmppServer server, XmppUser user) throws Exception {
        XMPPTCPConnectionConfiguration config = XMPPTCPConnectionConfiguration.builder()
                .setXmppDomain(user.domain())
                .setUsernameAndPassword(user.localpart(), user.password())
                .setResource("tcp")
                .setHost(server.host())
                .setPort(server.c2sPort())
                .setSecurityMode(SecurityMode.required)
                .setCustomX509TrustManager(server.pki().trustManager())
                .build();
        return connectAndLogin(new XMPPTCPConnection(config));
    }

    private <C extends AbstractXMPPConnection> C connectAndLogin(C connection) throws Exception {
        connection.setReplyTimeout(REPLY_TIMEOUT.toMillis());
        synchronized (opened) {
            opened.add(connection);
        }
        connection.connect();
        connection.login();
        return connection;
    }

    public static Resourcepart nick(String nick) {
        return Resourcepart.fromOrThrowUnchecked(nick);
    }

    /** Sends {@code <message type='chat'><body>body</body></message>} from {@code from} to {@code to}. */
    public static void sendChat(XMPPConnection from, Jid to, String body) throws NotConnectedException, InterruptedException {
        from.sendStanza(from.getStanzaFactory().buildMessageStanza().to(to).ofType(Message.Type.chat).setBody(body).build());
    }

    /** {@link #sendChat} for stanza listeners, which cannot throw checked exceptions. */
    static void sendChatUnchecked(XMPPConnection from, Jid to, String body) {
        try {
            sendChat(from, to, body);
        } catch (NotConnectedException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bodies of {@code messages}, in their order. */
    public static List<String> bodies(List<Message> messages) {
        List<String> out = new ArrayList<>(messages.size());
        for (Message m : messages) {
            out.add(m.getBody());
        }
        return out;
    }

    /** Chat messages with a body from any resource of {@code sender}. */
    public static StanzaFilter chatFrom(EntityBareJid sender) {
        return stanza -> stanza instanceof Message m && m.getType() == Message.Type.chat
                && m.getBody() != null && m.getFrom() != null && m.getFrom().asBareJid().equals(sender);
    }

    /**
     * Makes {@code peer} answer each chat message from {@code sender} with {@code "echo: " + body} to
     * the full JID it came from; {@code seen} gets each message first.
     */
    static void echoChats(XMPPConnection peer, EntityBareJid sender, java.util.function.Consumer<Message> seen) {
        peer.addSyncStanzaListener(stanza -> {
            Message m = (Message) stanza;
            seen.accept(m);
            sendChatUnchecked(peer, m.getFrom(), "echo: " + m.getBody());
        }, chatFrom(sender));
    }

    /**
     * Records stanzas matching {@code filter}, in arrival order (a synchronous listener: Smack calls
     * those one at a time, in the order stanzas were parsed).
     */
    public static <S extends Stanza> Inbox<S> inbox(XMPPConnection connection, StanzaFilter filter, Class<S> type) {
        Inbox<S> inbox = new Inbox<>();
        connection.addSyncStanzaListener(stanza -> inbox.queue.add(type.cast(stanza)),
                stanza -> type.isInstance(stanza) && filter.accept(stanza));
        return inbox;
    }

    /** Stanzas received by a listener, taken with a bounded wait. */
    public static final class Inbox<S extends Stanza> {
        private final BlockingQueue<S> queue = new LinkedBlockingQueue<>();

        /** The next stanza, or an AssertionError after {@code timeout}. */
        public S next(Duration timeout) throws InterruptedException {
            S stanza = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (stanza == null) {
                throw new AssertionError("no stanza within " + timeout);
            }
            return stanza;
        }

        /** The next stanza satisfying {@code condition} (others are skipped), within {@code timeout}. */
        public S next(java.util.function.Predicate<S> condition, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                S stanza = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                if (stanza == null) {
                    throw new AssertionError("no matching stanza within " + timeout);
                }
                if (condition.test(stanza)) {
                    return stanza;
                }
            }
        }

        /**
         * Every stanza up to and including the first satisfying {@code last}, in arrival order; fails
         * with how many came if it does not arrive within {@code timeout}.
         */
        public List<S> takeThrough(java.util.function.Predicate<S> last, Duration timeout) throws InterruptedException {
            List<S> taken = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (taken.isEmpty() || !last.test(taken.get(taken.size() - 1))) {
                long left = deadline - System.nanoTime();
                S stanza = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                if (stanza == null) {
                    throw new AssertionError("the last stanza did not come within " + timeout + "; " + taken.size() + " did");
                }
                taken.add(stanza);
            }
            return taken;
        }

        /** Exactly {@code n} stanzas, in arrival order; fails with how many came if fewer arrive. */
        public List<S> take(int n, Duration timeout) throws InterruptedException {
            List<S> taken = new ArrayList<>(n);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (taken.size() < n) {
                long left = deadline - System.nanoTime();
                S stanza = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
                if (stanza == null) {
                    throw new AssertionError("only " + taken.size() + " of " + n + " stanzas within " + timeout);
                }
                taken.add(stanza);
            }
            return taken;
        }
    }

    /** Disconnects every connection this instance opened (quietly: teardown must not mask a failure). */
    @Override
    public void close() {
        List<AbstractXMPPConnection> all;
        synchronized (opened) {
            all = new ArrayList<>(opened);
            opened.clear();
        }
        for (AbstractXMPPConnection connection : all) {
            try {
                if (connection.isConnected()) connection.disconnect();
            } catch (RuntimeException e) {
                connection.instantShutdown();
            }
        }
    }
}
