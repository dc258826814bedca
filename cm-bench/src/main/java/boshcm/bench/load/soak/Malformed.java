package boshcm.bench.load.soak;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The malformed requests of the soak: raw HTTP/1.1 POSTs, each on a fresh connection with
 * {@code Connection: close}, and the answers docs/security.md documents for them (XEP-0124 §17.2
 * binding conditions as {@code <body type='terminate' condition='…'/>} with HTTP 200, or an HTTP
 * status). None of them names a live session, so no soak session is harmed by them; what they must
 * not do is leak memory or descriptors, which the samples show.
 */
public final class Malformed {

    static final String HTTPBIND = "http://jabber.org/protocol/httpbind";
    /** Declared by {@link Kind#OVERSIZED}: far over boshcm's default {@code http.max-body-bytes} (256k). */
    static final long OVERSIZED_LENGTH = 4L << 20;
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final int TIMEOUT_MS = 15_000;

    /** One kind of malformed request, and the answer expected. */
    public enum Kind {
        /** Random bytes, often not UTF-8, never XML (B-6-3, S-3). */
        GARBAGE("random bytes", 200, "bad-request"),
        /** A billion-laughs DTD (S-2): refused without expanding anything. */
        ENTITIES("billion laughs", 200, "bad-request"),
        /** 1000-deep nesting (S-2, {@code xml.max-depth} 32). */
        DEEP("1000-deep nesting", 200, "bad-request"),
        /** A well-formed request for a sid that does not exist (B-17.1-1). */
        UNKNOWN_SID("unknown sid", 200, "item-not-found"),
        /** A declared Content-Length of 4 MiB, and no body (S-1): 413 before reading. */
        OVERSIZED("Content-Length 4 MiB", 413, null);

        final String label;
        final int status;
        final String condition;

        Kind(String label, int status, String condition) {
            this.label = label;
            this.status = status;
            this.condition = condition;
        }

        /** What the documentation says comes back: "413" or "terminate bad-request". */
        public String expected() {
            return condition == null ? "HTTP " + status : "terminate " + condition;
        }

        public String label() {
            return label;
        }
    }

    /** What came back: the status (0 if none), the body's {@code type} and {@code condition}, or the I/O failure. */
    public record Answer(int status, String type, String condition, String failure) {

        /** Whether this is what {@code kind} should get. */
        public boolean matches(Kind kind) {
            if (failure != null || status != kind.status) {
                return false;
            }
            return kind.condition == null || ("terminate".equals(type) && kind.condition.equals(condition));
        }

        public String describe() {
            if (failure != null) {
                return failure;
            }
            return "HTTP " + status + (type == null ? "" : " " + type) + (condition == null ? "" : " " + condition);
        }
    }

    private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.[01] (\\d{3})");
    private static final Pattern BODY_TAG = Pattern.compile("<body\\b[^>]*>");
    private static final Pattern TYPE = Pattern.compile("\\btype=['\"]([^'\"]*)['\"]");
    private static final Pattern CONDITION = Pattern.compile("\\bcondition=['\"]([^'\"]*)['\"]");

    /** Parses a whole HTTP response (status line, headers, body) as read from the socket. */
    public static Answer parse(byte[] response, int length) {
        String text = new String(response, 0, length, StandardCharsets.ISO_8859_1);
        Matcher status = STATUS.matcher(text);
        if (!status.find()) {
            return new Answer(0, null, null, length == 0 ? "no answer (connection closed)" : "not HTTP: "
                    + text.substring(0, Math.min(40, text.length())));
        }
        int code = Integer.parseInt(status.group(1));
        int headersEnd = text.indexOf("\r\n\r\n");
        String body = headersEnd < 0 ? "" : text.substring(headersEnd + 4);
        Matcher tag = BODY_TAG.matcher(body);
        if (!tag.find()) {
            return new Answer(code, null, null, null);
        }
        String start = tag.group();
        Matcher type = TYPE.matcher(start);
        Matcher condition = CONDITION.matcher(start);
        return new Answer(code, type.find() ? type.group(1) : null, condition.find() ? condition.group(1) : null, null);
    }

    /** The bytes of one request of {@code kind}: request line, headers, body. */
    static byte[] request(Kind kind, String hostHeader, String path, String domain, Random random) {
        byte[] body = switch (kind) {
            case GARBAGE -> {
                byte[] b = new byte[1 + random.nextInt(2048)];
                random.nextBytes(b);
                if (b[0] == '<') {
                    b[0] = 0; // never even the start of a tag
                }
                yield b;
            }
            case ENTITIES -> ("<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
                    + "<!ENTITY lol1 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
                    + "<!ENTITY lol2 '&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;'>"
                    + "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>]>"
                    + "<body rid='" + (1 + random.nextInt(1 << 20)) + "' to='" + domain + "' xmlns='" + HTTPBIND
                    + "'><message xmlns='jabber:client'><body>&lol3;</body></message></body>")
                    .getBytes(StandardCharsets.UTF_8);
            case DEEP -> ("<body rid='" + (1 + random.nextInt(1 << 20)) + "' to='" + domain + "' xmlns='" + HTTPBIND + "'>"
                    + "<a>".repeat(1000) + "</a>".repeat(1000) + "</body>").getBytes(StandardCharsets.UTF_8);
            case UNKNOWN_SID -> ("<body rid='" + (1 + random.nextInt(1 << 20)) + "' sid='soak-" + Long.toHexString(random.nextLong())
                    + "' xmlns='" + HTTPBIND + "'/>").getBytes(StandardCharsets.UTF_8);
            case OVERSIZED -> new byte[0];
        };
        long declared = kind == Kind.OVERSIZED ? OVERSIZED_LENGTH : body.length;
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + hostHeader + "\r\nContent-Type: text/xml; charset=utf-8\r\n"
                + "Content-Length: " + declared + "\r\nConnection: close\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    /** Sends one request of {@code kind} and reads the answer until the server closes (blocking). */
    static Answer send(Kind kind, InetSocketAddress address, String path, String domain, Random random) {
        String host = address.getHostString() + ":" + address.getPort();
        try (Socket socket = new Socket()) {
            socket.connect(address, TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write(request(kind, host, path, domain, random));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int n;
            while (answer.size() < MAX_ANSWER_BYTES && (n = in.read(buffer)) >= 0) {
                answer.write(buffer, 0, n);
            }
            byte[] bytes = answer.toByteArray();
            return parse(bytes, bytes.length);
        } catch (IOException e) {
            return new Answer(0, null, null, e.toString());
        }
    }

    /** Counts per kind: sent, answered as documented, and a few samples of other answers. Thread-safe. */
    public static final class Tally {
        private final Map<Kind, long[]> counts = new EnumMap<>(Kind.class);
        private final List<String> samples = new ArrayList<>();

        public synchronized void record(Kind kind, Answer answer) {
            long[] c = counts.computeIfAbsent(kind, k -> new long[2]);
            c[0]++;
            if (answer.matches(kind)) {
                c[1]++;
            } else if (samples.size() < 10) {
                samples.add(kind.label + ": " + answer.describe() + " (expected " + kind.expected() + ")");
            }
        }

        public synchronized long sent(Kind kind) {
            return counts.getOrDefault(kind, new long[2])[0];
        }

        public synchronized long asDocumented(Kind kind) {
            return counts.getOrDefault(kind, new long[2])[1];
        }

        public synchronized long sent() {
            return counts.values().stream().mapToLong(c -> c[0]).sum();
        }

        public synchronized long unexpected() {
            return counts.values().stream().mapToLong(c -> c[0] - c[1]).sum();
        }

        public synchronized List<String> samples() {
            return List.copyOf(samples);
        }
    }
}
