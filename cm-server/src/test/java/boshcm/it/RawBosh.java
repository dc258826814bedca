package boshcm.it;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A raw BOSH client (XEP-0124/XEP-0206) for situations no client library produces on demand: lost
 * responses, retransmitted and reordered rids, hostile bodies. Requests are plain strings posted
 * with {@link HttpClient} (HTTP/1.1; each concurrent request gets its own connection); replies are
 * parsed with a namespace-aware DOM parser. {@link #exchange} goes one level lower, to a socket, for
 * what {@code HttpClient} will not send (a lying {@code Content-Length}, a chunked upload that goes
 * on after the server has answered).
 */
public final class RawBosh {

    public static final String HTTPBIND = "http://jabber.org/protocol/httpbind";
    public static final String XBOSH = "urn:xmpp:xbosh";
    public static final String STREAMS = "http://etherx.jabber.org/streams";
    public static final String CLIENT = "jabber:client";
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final URI uri;
    private final HttpClient http;
    /** Headers added to every request: name, then how to get its value (evaluated per request). */
    private final List<java.util.Map.Entry<String, java.util.function.Supplier<String>>> extraHeaders;

    public RawBosh(URI uri) {
        this(uri, HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build(),
                List.of());
    }

    private RawBosh(URI uri, HttpClient http, List<java.util.Map.Entry<String, java.util.function.Supplier<String>>> extraHeaders) {
        this.uri = uri;
        this.http = http;
        this.extraHeaders = extraHeaders;
    }

    /**
     * The same client, adding {@code name} to every request with a value from {@code value} each time:
     * for example a fresh {@code X-Forwarded-For} per request, so that tests posing as many clients
     * behind a trusted proxy stay clear of the per-client limits.
     */
    public RawBosh withHeader(String name, java.util.function.Supplier<String> value) {
        List<java.util.Map.Entry<String, java.util.function.Supplier<String>>> all = new ArrayList<>(extraHeaders);
        all.add(java.util.Map.entry(name, value));
        return new RawBosh(uri, http, List.copyOf(all));
    }

    public URI uri() {
        return uri;
    }

    public CompletableFuture<Reply> postAsync(String xml) {
        return postAsync(xml.getBytes(StandardCharsets.UTF_8));
    }

    /** Posts {@code bytes}, with extra {@code headers} as name, value pairs. */
    public CompletableFuture<Reply> postAsync(byte[] bytes, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "text/xml; charset=utf-8");
        for (java.util.Map.Entry<String, java.util.function.Supplier<String>> h : extraHeaders) {
            builder.header(h.getKey(), h.getValue().get());
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(r -> Reply.of(r.statusCode(), r.body()));
    }

    public Reply post(String xml) throws InterruptedException {
        return await(postAsync(xml));
    }

    public Reply post(byte[] bytes) throws InterruptedException {
        return await(postAsync(bytes));
    }

    /** The reply, within {@link #TIMEOUT}; an AssertionError otherwise. */
    public static <T> T await(CompletableFuture<T> reply) throws InterruptedException {
        return await(reply, TIMEOUT);
    }

    public static <T> T await(CompletableFuture<T> reply, Duration timeout) throws InterruptedException {
        try {
            return reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("request failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("no reply within " + timeout);
        }
    }

    /**
     * A session creation request with the usual attributes of a modern client
     * ({@code ver='1.11'}, {@code xmpp:version='1.0'}, {@code to} the test domain) plus {@code extra}.
     */
    public static String creation(long rid, int hold, int wait, String extra) {
        return "<body rid='" + rid + "' to='" + ProsodyServer.DOMAIN + "' xml:lang='en' ver='1.11' hold='" + hold
                + "' wait='" + wait + "' xmpp:version='1.0' xmlns:xmpp='" + XBOSH + "' xmlns='" + HTTPBIND + "'"
                + (extra.isEmpty() ? "" : " " + extra) + "/>";
    }

    /** Creates a session; fails unless the CM accepted it. The creation reply may hold the features. */
    public Session open(int hold, int wait) throws InterruptedException {
        return open(hold, wait, "");
    }

    public Session open(int hold, int wait, String extra) throws InterruptedException {
        return await(openAsync(hold, wait, extra));
    }

    /** {@link #open}, without waiting for the creation reply (for a fake upstream that must answer first). */
    public CompletableFuture<Session> openAsync(int hold, int wait, String extra) {
        long rid = ThreadLocalRandom.current().nextLong(1L << 20, 1L << 40);
        return postAsync(creation(rid, hold, wait, extra)).thenApply(creation -> {
            if (creation.status() != 200 || creation.isTerminal() || creation.attribute("sid").isEmpty()) {
                throw new AssertionError("session creation refused: " + creation);
            }
            return new Session(this, creation, rid + 1);
        });
    }

    // ---------------------------------------------------------------- payload builders

    public static String message(String to, String body) {
        return "<message xmlns='jabber:client' type='chat' to='" + attr(to) + "' id='m" + ThreadLocalRandom.current()
                .nextInt(1 << 30) + "'><body>" + text(body) + "</body></message>";
    }

    public static String attr(String s) {
        return text(s).replace("'", "&apos;");
    }

    public static String text(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** The {@code <body/>} text of every chat message among {@code payloads} (others skipped). */
    public static List<String> chatBodies(List<Element> payloads) {
        List<String> bodies = new ArrayList<>();
        for (Element p : payloads) {
            if ("message".equals(p.getLocalName()) && CLIENT.equals(p.getNamespaceURI())) {
                child(p, CLIENT, "body").ifPresent(b -> bodies.add(b.getTextContent()));
            }
        }
        return bodies;
    }

    public static Optional<Element> child(Element parent, String ns, String localName) {
        return children(parent).stream()
                .filter(e -> localName.equals(e.getLocalName()) && ns.equals(e.getNamespaceURI())).findFirst();
    }

    public static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) out.add(e);
        }
        return out;
    }

    // ---------------------------------------------------------------- replies

    /**
     * One HTTP answer: the status, the body as text, and the parsed {@code <body/>} (null when the
     * answer is not namespace-well-formed XML, which a BOSH answer always must be: B-6-1).
     */
    public record Reply(int status, String text, Element body) {

        static Reply of(int status, byte[] bytes) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            return new Reply(status, text, parse(bytes));
        }

        private static Element parse(byte[] bytes) {
            if (bytes.length == 0) return null;
            try {
                DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
                f.setNamespaceAware(true);
                f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
                return f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes)).getDocumentElement();
            } catch (ParserConfigurationException | org.xml.sax.SAXException | IOException e) {
                return null;
            }
        }

        public boolean isBody() {
            return body != null && "body".equals(body.getLocalName()) && HTTPBIND.equals(body.getNamespaceURI());
        }

        public Optional<String> attribute(String name) {
            if (body == null || !body.hasAttribute(name)) return Optional.empty();
            return Optional.of(body.getAttribute(name));
        }

        public String type() {
            return attribute("type").orElse("");
        }

        public String condition() {
            return attribute("condition").orElse("");
        }

        public boolean isTerminal() {
            return "terminate".equals(type());
        }

        public boolean isRecoverableError() {
            return "error".equals(type());
        }

        public List<Element> payloads() {
            return body == null ? List.of() : children(body);
        }

        public List<String> chatBodies() {
            return RawBosh.chatBodies(payloads());
        }

        @Override
        public String toString() {
            return "HTTP " + status + " " + text;
        }
    }

    // ---------------------------------------------------------------- sessions

    /** A request that went out: its rid, its exact bytes (for retransmission), and its reply. */
    public record Sent(long rid, String xml, CompletableFuture<Reply> reply) {}

    /** One session, driven request by request by the test. */
    public static final class Session {
        private final RawBosh bosh;
        private final Reply creation;
        private final String sid;
        private long nextRid;
        private String jid;

        Session(RawBosh bosh, Reply creation, long nextRid) {
            this.bosh = bosh;
            this.creation = creation;
            this.sid = creation.attribute("sid").orElseThrow();
            this.nextRid = nextRid;
        }

        public RawBosh bosh() {
            return bosh;
        }

        public Reply creation() {
            return creation;
        }

        public String sid() {
            return sid;
        }

        /** The rid the next {@link #send} will use. */
        public long nextRid() {
            return nextRid;
        }

        /** The full JID bound by {@link #login}. */
        public String jid() {
            return jid;
        }

        /** A request of this session: {@code <body rid sid xmlns [attrs]>payloads</body>}. */
        public String body(long rid, String attrs, String payloads) {
            return "<body rid='" + rid + "' sid='" + sid + "' xmlns='" + HTTPBIND + "'" + (attrs.isEmpty() ? "" : " " + attrs)
                    + (payloads.isEmpty() ? "/>" : ">" + payloads + "</body>");
        }

        /** Sends the next rid. */
        public Sent send(String payloads) {
            return send("", payloads);
        }

        public Sent send(String attrs, String payloads) {
            long rid = nextRid++;
            return sendRid(rid, attrs, payloads);
        }

        /** Sends {@code rid} whatever the session's counter says (reordering, window tests). */
        public Sent sendRid(long rid, String attrs, String payloads) {
            String xml = body(rid, attrs, payloads);
            return new Sent(rid, xml, bosh.postAsync(xml));
        }

        /** Allocates the next rid without sending it (for out-of-order tests). */
        public long takeRid() {
            return nextRid++;
        }

        /** Sends {@code sent} again, byte for byte: a retransmission (XEP-0124 §14.3). */
        public Sent resend(Sent sent) {
            return new Sent(sent.rid(), sent.xml(), bosh.postAsync(sent.xml()));
        }

        public Reply roundTrip(String payloads) throws InterruptedException {
            return await(send(payloads).reply());
        }

        /**
         * Sends requests one after another (each held until data or {@code wait}) until a payload
         * matching {@code wanted} arrives; returns it. Fails on a terminal reply or after {@code timeout}.
         */
        public Element poll(Predicate<Element> wanted, String firstPayloads, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            String payloads = firstPayloads;
            List<Reply> seen = new ArrayList<>();
            while (System.nanoTime() < deadline) {
                Reply r = roundTrip(payloads);
                payloads = "";
                seen.add(r);
                if (r.status() != 200 || r.isTerminal() || !r.isBody()) {
                    throw new AssertionError("session ended while waiting: " + r + "\nbefore: " + seen);
                }
                for (Element p : r.payloads()) {
                    if (wanted.test(p)) return p;
                }
            }
            throw new AssertionError("nothing wanted within " + timeout + "; replies: " + seen);
        }

        /**
         * XEP-0206 login: stream features, SASL PLAIN (the CM's upstream is TLS), restart, resource
         * bind. Leaves no request open. Returns the bound full JID.
         */
        public String login(XmppUser user) throws InterruptedException {
            authenticate(user);
            Duration step = Duration.ofSeconds(20);
            Element result = poll(p -> is(p, CLIENT, "iq") && "bind1".equals(p.getAttribute("id")),
                    "<iq xmlns='jabber:client' type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                            + "<resource>raw</resource></bind></iq>", step);
            if (!"result".equals(result.getAttribute("type"))) {
                throw new AssertionError("bind failed: " + result.getAttribute("type"));
            }
            jid = result.getElementsByTagNameNS("urn:ietf:params:xml:ns:xmpp-bind", "jid").item(0).getTextContent();
            return jid;
        }

        /**
         * Stream features, SASL PLAIN and the stream restart, up to the post-authentication features:
         * where a client binds a resource, or resumes an XEP-0198 session instead (§5). Leaves no
         * request open.
         */
        public void authenticate(XmppUser user) throws InterruptedException {
            Duration step = Duration.ofSeconds(20);
            boolean featuresSeen = creation.payloads().stream().anyMatch(p -> is(p, STREAMS, "features"));
            if (!featuresSeen) {
                poll(p -> is(p, STREAMS, "features"), "", step);
            }
            String token = Base64.getEncoder().encodeToString(("\0" + user.localpart() + "\0" + user.password())
                    .getBytes(StandardCharsets.UTF_8));
            Element outcome = poll(p -> "urn:ietf:params:xml:ns:xmpp-sasl".equals(p.getNamespaceURI()),
                    "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + token + "</auth>", step);
            if (!"success".equals(outcome.getLocalName())) {
                throw new AssertionError("SASL PLAIN for " + user.jidString() + " ended with " + outcome.getLocalName());
            }
            Reply restart = await(send("to='" + ProsodyServer.DOMAIN + "' xml:lang='en' xmpp:restart='true' xmlns:xmpp='"
                    + XBOSH + "'", "").reply());
            if (restart.payloads().stream().noneMatch(p -> is(p, STREAMS, "features"))) {
                poll(p -> is(p, STREAMS, "features"), "", step);
            }
        }
    }

    public static boolean is(Element e, String ns, String localName) {
        return localName.equals(e.getLocalName()) && ns.equals(e.getNamespaceURI());
    }

    // ---------------------------------------------------------------- below HttpClient

    /** What a socket-level exchange got back. */
    public record RawHttp(int status, String body) {}

    /** Writes the request body; may fail once the server has answered and closed. */
    @FunctionalInterface
    public interface BodyWriter {
        void write(OutputStream out) throws IOException;
    }

    /**
     * One HTTP/1.1 POST over a fresh socket: {@code headers} (CRLF-terminated lines, no blank line),
     * then the body from {@code writer} on another thread, while this thread reads the answer. A write
     * failure after the server answered is expected (it may close without reading everything) and ignored.
     */
    public static RawHttp exchange(URI uri, String headers, BodyWriter writer) throws IOException, InterruptedException {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                    + headers + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            Thread uploader = new Thread(() -> {
                try {
                    writer.write(out);
                    out.flush();
                } catch (IOException expected) {
                    // the server answered and closed before the whole body was sent
                }
            }, "raw-http-upload");
            uploader.setDaemon(true);
            uploader.start();
            RawHttp answer = readResponse(socket.getInputStream());
            uploader.join(TIMEOUT.toMillis());
            return answer;
        }
    }

    /**
     * Writes a complete POST of {@code xml} on a fresh socket and returns the socket without reading
     * the answer: the test later drops it ({@link #reset}), like a network blip under a held request.
     */
    public static Socket postAndKeepSocket(URI uri, String xml) throws IOException {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + uri.getRawPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                + "\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
        return socket;
    }

    /** Closes {@code socket} with a TCP RST (linger 0): whatever the server sends next is lost. */
    public static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    private static RawHttp readResponse(InputStream in) throws IOException {
        String statusLine = line(in);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        for (String h; !(h = line(in)).isEmpty(); ) {
            String lower = h.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("content-length:")) length = Long.parseLong(h.substring(15).trim());
            if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) chunked = true;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size; (size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) > 0; ) {
                body.write(in.readNBytes(size));
                line(in);
            }
        } else if (length >= 0) {
            body.write(in.readNBytes((int) length));
        }
        return new RawHttp(status, body.toString(StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) throw new IOException("EOF in HTTP head after: " + b.toString(StandardCharsets.ISO_8859_1));
            if (c != '\r') b.write(c);
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
