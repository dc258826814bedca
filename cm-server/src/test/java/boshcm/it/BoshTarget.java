package boshcm.it;

import boshcm.server.Main;
import boshcm.server.RunningCm;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which BOSH endpoint the client tests talk to. Every client test takes its URL from here, so the
 * same tests run against boshcm and, for comparison, against Prosody's own mod_bosh.
 *
 * <p>Selected with {@code -Dbosh.target=boshcm} (default) or {@code -Dbosh.target=prosody}. For
 * boshcm, {@code -Dbosh.upstream.tls=starttls|direct} (default starttls) picks the Prosody port, and
 * {@code -Dbosh.upstream.insecure=true} replaces the trust store by {@code --insecure-upstream-tls}.
 */
public enum BoshTarget {

    /** boshcm started in-process with {@link Main#start}, upstream to the test server over TLS. */
    BOSHCM {
        @Override
        public BoshService start(XmppServer server) throws Exception {
            List<String> args = cmArgs(server);
            RunningCm cm;
            try {
                cm = Main.start(args.toArray(String[]::new));
            } catch (Exception | LinkageError e) {
                throw new IllegalStateException("boshcm did not start with " + args
                        + " (run with -Dbosh.target=prosody to check the harness against the server's mod_bosh)", e);
            }
            return new BoshService(this, cm.boshUri(), cm::close);
        }
    },

    /**
     * The test server's own BOSH (Prosody's mod_bosh; for ejabberd, ejabberd's mod_bosh): the
     * reference behaviour. Named after Prosody, the server most client tests use.
     */
    PROSODY {
        @Override
        public BoshService start(XmppServer server) {
            return new BoshService(this, server.modBoshUri(), () -> {});
        }
    };

    public static final String PROPERTY = "bosh.target";

    /** Starts (or just locates) the endpoint for {@code server}. */
    public abstract BoshService start(XmppServer server) throws Exception;

    public static BoshTarget selected() {
        String value = System.getProperty(PROPERTY, "boshcm").trim().toUpperCase(Locale.ROOT);
        try {
            return valueOf(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-D" + PROPERTY + " must be boshcm or prosody, not " + value);
        }
    }

    /**
     * The command line that points boshcm at {@code server}: ephemeral BOSH and admin ports on
     * loopback, TLS upstream verified against the test CA (PKCS12 trust store).
     */
    public static List<String> cmArgs(XmppServer server) {
        return cmArgs(server, new InetSocketAddress(server.host(), upstreamPort(server)));
    }

    /**
     * {@link #cmArgs(XmppServer)} with {@code --upstream} set to {@code upstream} instead of the
     * server's port, e.g. a {@link FaultProxy} in front of it (TLS and the trust store stay the
     * server's: the proxy only relays bytes).
     */
    public static List<String> cmArgs(XmppServer server, InetSocketAddress upstream) {
        String host = upstream.getAddress() != null ? upstream.getAddress().getHostAddress() : upstream.getHostString();
        List<String> args = new ArrayList<>(List.of(
                "--http-port", "0",
                "--admin-port", "0",
                "--bind", ProsodyServer.HOST,
                "--upstream", host + ":" + upstream.getPort(),
                "--upstream-tls", directTls() ? "direct" : "starttls"));
        if (Boolean.getBoolean("bosh.upstream.insecure")) {
            args.add("--insecure-upstream-tls");
        } else {
            args.addAll(List.of(
                    "--upstream-trust-store-path", server.pki().trustStore().toString(),
                    "--upstream-trust-store-password", server.pki().trustStorePassword()));
        }
        return args;
    }

    /** The c2s port of {@code server} that boshcm uses: STARTTLS, or direct TLS with {@code -Dbosh.upstream.tls=direct}. */
    public static int upstreamPort(XmppServer server) {
        return directTls() ? server.c2sDirectTlsPort() : server.c2sPort();
    }

    private static boolean directTls() {
        return "direct".equalsIgnoreCase(System.getProperty("bosh.upstream.tls", "starttls"));
    }

    /** A started endpoint. {@link #close()} stops it (a no-op for mod_bosh). */
    public record BoshService(BoshTarget target, URI uri, AutoCloseable stopper) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            stopper.close();
        }

        @Override
        public String toString() {
            return target.name().toLowerCase(Locale.ROOT) + " " + uri;
        }
    }
}
