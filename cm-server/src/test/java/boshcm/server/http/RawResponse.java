package boshcm.server.http;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A minimal HTTP/1.x response reader for tests that need to see the bytes Jetty sent. */
record RawResponse(String version, int status, Map<String, List<String>> headers, byte[] body) {

    String header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null ? null : String.join(", ", values);
    }

    boolean has(String name) {
        return headers.containsKey(name.toLowerCase(Locale.ROOT));
    }

    String text() {
        return new String(body, StandardCharsets.UTF_8);
    }

    static RawResponse parse(ByteBuffer buffer) throws IOException {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return read(new java.io.ByteArrayInputStream(bytes));
    }

    static RawResponse parse(String raw) throws IOException {
        return read(new java.io.ByteArrayInputStream(raw.getBytes(StandardCharsets.ISO_8859_1)));
    }

    /** Reads one response: status line, headers, then exactly Content-Length bytes (chunked is refused). */
    static RawResponse read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null) {
            throw new EOFException("connection closed before a response");
        }
        String[] parts = statusLine.split(" ", 3);
        Map<String, List<String>> headers = new TreeMap<>();
        String l;
        while ((l = line(in)) != null && !l.isEmpty()) {
            int colon = l.indexOf(':');
            headers.computeIfAbsent(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(l.substring(colon + 1).trim());
        }
        byte[] body = new byte[0];
        List<String> length = headers.get("content-length");
        if (length != null) {
            body = in.readNBytes(Integer.parseInt(length.get(0)));
        }
        return new RawResponse(parts[0], Integer.parseInt(parts[1]), headers, body);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] b = out.toByteArray();
                int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, n, StandardCharsets.ISO_8859_1);
            }
            out.write(c);
        }
        return out.size() == 0 ? null : out.toString(StandardCharsets.ISO_8859_1);
    }
}
