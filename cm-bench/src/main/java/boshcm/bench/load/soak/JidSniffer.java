package boshcm.bench.load.soak;

import java.nio.charset.StandardCharsets;

/**
 * Finds the JID the XMPP server bound for a c2s stream, in the bytes the server sends (RFC 6120 §7:
 * {@code <iq type='result'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>u1@bench.test/r</jid></bind></iq>}),
 * so that the fault proxy can cut the upstream connection of one given session. The stream is plain
 * (the soak's upstream has no TLS), and the bind result comes within the first few KiB: it looks at
 * no more than {@link #LIMIT} bytes, and at none once it has found the JID. Bytes may arrive split
 * anywhere, even inside a tag or a multi-byte character. Not thread-safe (one per connection, on its
 * event loop).
 */
final class JidSniffer {

    static final int LIMIT = 64 * 1024;
    private static final String OPEN = "<jid>";
    private static final String CLOSE = "</jid>";

    /** The bytes seen so far, one char per byte (ISO-8859-1), so that positions are byte positions. */
    private StringBuilder seen = new StringBuilder();
    private int searchFrom;
    private int valueStart = -1;
    private boolean done;

    /** Whether it has stopped looking (found, or past the limit). */
    boolean done() {
        return done;
    }

    /** Looks at {@code len} more bytes; returns the JID when this completes it, else null. */
    String feed(byte[] bytes, int off, int len) {
        if (done) {
            return null;
        }
        int take = Math.min(len, LIMIT - seen.length());
        seen.append(new String(bytes, off, take, StandardCharsets.ISO_8859_1));
        if (valueStart < 0) {
            int at = seen.indexOf(OPEN, searchFrom);
            if (at < 0) {
                searchFrom = Math.max(0, seen.length() - OPEN.length() + 1);
            } else {
                valueStart = at + OPEN.length();
                searchFrom = valueStart;
            }
        }
        if (valueStart >= 0) {
            int end = seen.indexOf(CLOSE, searchFrom);
            if (end >= 0) {
                done = true;
                String raw = new String(seen.substring(valueStart, end).getBytes(StandardCharsets.ISO_8859_1),
                        StandardCharsets.UTF_8);
                seen = null; // 5000 connections: keep nothing once done
                return unescape(raw.trim());
            }
            searchFrom = Math.max(valueStart, seen.length() - CLOSE.length() + 1);
        }
        if (seen.length() >= LIMIT) {
            done = true;
            seen = null;
        }
        return null;
    }

    /** The five predefined entities (a JID's text may hold &amp;amp; and the like). */
    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }
}
