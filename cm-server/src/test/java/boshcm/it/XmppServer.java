package boshcm.it;

import java.net.URI;
import java.nio.file.Path;

/**
 * A real XMPP server started by the tests on free loopback ports: {@link ProsodyServer} or
 * {@link EjabberdServer}. Virtual host {@link #domain()} with a MUC service, c2s with STARTTLS
 * required and with direct TLS, a certificate from a throw-away {@link TestPki}, and the server's own
 * BOSH endpoint as a reference target.
 */
public interface XmppServer extends AutoCloseable {

    /** Short name for messages: "prosody", "ejabberd". */
    String name();

    String domain();

    String mucDomain();

    /** The loopback address every port listens on. */
    String host();

    /** c2s with STARTTLS (required). */
    int c2sPort();

    /** c2s with direct TLS, same certificate. */
    int c2sDirectTlsPort();

    /** The server's own BOSH endpoint (plain HTTP on loopback), the comparison target. */
    URI modBoshUri();

    /** The CA, the server certificate and the PKCS12 trust store (for the CM and TCP peers). */
    TestPki pki();

    /** Registers a fresh account {@code prefix + n} (lower-case letters and digits only). */
    XmppUser createUser(String prefix);

    /**
     * Makes {@code a} and {@code b} mutual contacts (subscription both, group {@code "it"}). Call it
     * before either user logs in.
     */
    void befriend(XmppUser a, XmppUser b);

    /** The directory holding the configuration, data and logs. */
    Path directory();

    /** Log tails and the server's stdout, for failure messages. */
    String diagnostics();

    /** Keeps {@link #directory()} when the server is closed (for a failed test). */
    void keepFilesOnClose();

    /** Stops the server; deletes its directory unless {@link #keepFilesOnClose()} was called. */
    @Override
    void close();
}
