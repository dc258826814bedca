package boshcm.server.upstream;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A scripted XMPP server on 127.0.0.1 and an ephemeral port, in the style of OkHttp's MockWebServer:
 * the test accepts a connection and then reads and writes exactly what the scenario needs, with
 * blocking sockets on the test thread (every read has a timeout). Public for the ITs in
 * {@code boshcm.it} ({@code UpstreamFaultIT}).
 */
public final class FakeXmppServer implements AutoCloseable {

    public static final String STREAMS_NS = "http://etherx.jabber.org/streams";
    public static final String TLS_NS = "urn:ietf:params:xml:ns:xmpp-tls";

    private final ServerSocket server;
    private final AtomicInteger accepted = new AtomicInteger();

    public FakeXmppServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    public int port() {
        return server.getLocalPort();
    }

    public int acceptedConnections() {
        return accepted.get();
    }

    public Peer accept() throws IOException {
        server.setSoTimeout(10_000);
        Socket s = server.accept();
        accepted.incrementAndGet();
        return new Peer(s);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    /** The server's stream header, like a real server's answer to ours. */
    public static String header(String id) {
        return "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='" + STREAMS_NS
                + "' id='" + id + "' from='" + TestCerts.DOMAIN + "' version='1.0' xml:lang='en'>";
    }

    public static String featuresStartTls() {
        return "<stream:features><starttls xmlns='" + TLS_NS + "'><required/></starttls>"
                + "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>"
                + "</stream:features>";
    }

    public static String featuresSasl() {
        return "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                + "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism></mechanisms></stream:features>";
    }

    public static String featuresBind() {
        return "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";
    }

    /** One accepted TCP connection. Text is kept as ISO-8859-1 so bytes map one to one. */
    public static final class Peer implements AutoCloseable {
        private final Socket raw;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private final StringBuilder unread = new StringBuilder();
        private final StringBuilder all = new StringBuilder();
        private String sniName = "";

        Peer(Socket socket) throws IOException {
            raw = socket;
            use(socket);
        }

        private void use(Socket s) throws IOException {
            socket = s;
            socket.setSoTimeout(10_000);
            in = s.getInputStream();
            out = s.getOutputStream();
        }

        /** Reads until {@code marker} has arrived; returns everything up to and including it. */
        public String readUntil(String marker) throws IOException {
            byte[] buf = new byte[4096];
            while (unread.indexOf(marker) < 0) {
                int n = in.read(buf);
                if (n < 0) {
                    throw new IOException("EOF before '" + marker + "'; got: " + unread);
                }
                String chunk = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                unread.append(chunk);
                all.append(chunk);
            }
            int end = unread.indexOf(marker) + marker.length();
            String result = unread.substring(0, end);
            unread.delete(0, end);
            return result;
        }

        /** Reads up to the end of the next {@code <stream:stream ...>} start tag (skipping an XML declaration). */
        public String readStreamHeader() throws IOException {
            String before = readUntil("<stream:stream");
            return before + readUntil(">");
        }

        /** Reads until the client closes TCP; returns what arrived meanwhile. */
        public String readToEof() throws IOException {
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                String chunk = new String(buf, 0, n, StandardCharsets.ISO_8859_1);
                unread.append(chunk);
                all.append(chunk);
            }
            String result = unread.toString();
            unread.setLength(0);
            return result;
        }

        /** True if nothing but silence came for {@code wait}; false on EOF; fails on data. */
        public boolean stillOpenAfter(Duration wait) throws IOException {
            int before = socket.getSoTimeout();
            socket.setSoTimeout((int) wait.toMillis());
            try {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                throw new IOException("unexpected data: " + (char) b);
            } catch (SocketTimeoutException e) {
                return true;
            } finally {
                socket.setSoTimeout(before);
            }
        }

        /** Everything received on this connection so far (cleartext and decrypted). */
        public String received() {
            return all.toString();
        }

        public void send(String xml) throws IOException {
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        /** Server side of TLS on the existing connection (after {@code <proceed/>}, or direct TLS). */
        void startTls(SSLContext context, String... alpn) throws IOException {
            if (unread.length() > 0) {
                throw new IOException("cleartext left over before TLS: " + unread);
            }
            SSLSocket tls = (SSLSocket) context.getSocketFactory()
                    .createSocket(socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
            tls.setUseClientMode(false);
            SSLParameters params = tls.getSSLParameters();
            params.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
            if (alpn.length > 0) {
                params.setApplicationProtocols(alpn);
            }
            tls.setSSLParameters(params);
            tls.startHandshake();
            List<SNIServerName> names = ((ExtendedSSLSession) tls.getSession()).getRequestedServerNames();
            sniName = names.isEmpty() ? "" : ((SNIHostName) names.get(0)).getAsciiName();
            use(tls);
        }

        String sniName() {
            return sniName;
        }

        String applicationProtocol() {
            return socket instanceof SSLSocket ? ((SSLSocket) socket).getApplicationProtocol() : "";
        }

        /** TCP RST: linger 0 then close. */
        public void reset() throws IOException {
            raw.setSoLinger(true, 0);
            raw.close();
        }

        public InetSocketAddress remote() {
            return (InetSocketAddress) socket.getRemoteSocketAddress();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
