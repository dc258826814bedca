package boshcm.bench.load.xml;

import java.nio.charset.StandardCharsets;

/**
 * A tag-level pull scanner over bytes of XML written by a trusted server, like
 * {@code <message from='a@x/r' type='chat'><body>7 1234</body></message>}: it returns start tags,
 * end tags and text as offsets into the caller's array, and allocates nothing unless asked for a
 * {@link #string}. Not a validating parser: it assumes well-formed input (the servers under test
 * wrote it), does not resolve namespaces (names are compared by local name) and skips XML
 * declarations, processing instructions and comments.
 *
 * <p>Why not the protocol module's parsers: {@code BodyParser} validates client requests (it
 * requires a {@code rid} and refuses server attributes) and {@code StreamTokenizer} re-serialises
 * every element to a String; the load generator only needs a few fields per stanza, and must cost
 * the same for every transport it drives.
 *
 * <p>Not thread-safe; one instance per event loop (or per use).
 */
public final class XmlScanner {

    /** {@link #next()}: no complete token left before the end of the input. */
    public static final int INCOMPLETE = 0;
    /** {@link #next()}: a start tag like {@code <iq type='result'>}. */
    public static final int START = 1;
    /** {@link #next()}: an empty-element tag like {@code <bind/>} (no END follows). */
    public static final int EMPTY = 2;
    /** {@link #next()}: an end tag like {@code </iq>}. */
    public static final int END = 3;
    /** {@link #next()}: character data (entities not decoded; see {@link #string}). */
    public static final int TEXT = 4;

    private byte[] buf;
    private int pos;
    private int end;

    private int tokenStart;
    private int nameStart;
    private int nameEnd;
    private int attrStart;
    private int attrEnd;
    private int textStart;
    private int textEnd;
    private int valueStart;
    private int valueEnd;

    /** Scans {@code bytes[from .. to)}. */
    public void reset(byte[] bytes, int from, int to) {
        buf = bytes;
        pos = from;
        end = to;
    }

    /** The offset the next token starts at (everything before it has been consumed). */
    public int position() {
        return pos;
    }

    /** The offset the last returned token started at. */
    public int tokenStart() {
        return tokenStart;
    }

    public byte[] buffer() {
        return buf;
    }

    /**
     * Advances to the next token and returns its kind, or {@link #INCOMPLETE} (position unchanged)
     * when the rest of the input holds no complete token. Text runs to the next {@code <} or to the
     * end of the input.
     */
    public int next() {
        while (pos < end) {
            tokenStart = pos;
            if (buf[pos] != '<') {
                int lt = indexOf((byte) '<', pos, end);
                textStart = pos;
                textEnd = lt < 0 ? end : lt;
                pos = textEnd;
                return TEXT;
            }
            if (pos + 1 >= end) {
                return INCOMPLETE;
            }
            byte second = buf[pos + 1];
            if (second == '?') {
                int close = indexOf2((byte) '?', (byte) '>', pos + 2);
                if (close < 0) {
                    return INCOMPLETE;
                }
                pos = close + 2;
                continue;
            }
            if (second == '!') {
                if (startsWith(pos, CDATA_OPEN)) {
                    int close = indexOf3(']', ']', '>', pos + CDATA_OPEN.length);
                    if (close < 0) {
                        return INCOMPLETE;
                    }
                    textStart = pos + CDATA_OPEN.length;
                    textEnd = close;
                    pos = close + 3;
                    return TEXT;
                }
                int close = indexOf3('-', '-', '>', pos + 2);
                if (close < 0) {
                    return INCOMPLETE;
                }
                pos = close + 3;
                continue;
            }
            int gt = tagEnd(pos + 1);
            if (gt < 0) {
                return INCOMPLETE;
            }
            if (second == '/') {
                nameStart = pos + 2;
                nameEnd = nameEndFrom(nameStart, gt);
                pos = gt + 1;
                return END;
            }
            nameStart = pos + 1;
            nameEnd = nameEndFrom(nameStart, gt);
            boolean empty = buf[gt - 1] == '/';
            attrStart = nameEnd;
            attrEnd = empty ? gt - 1 : gt;
            pos = gt + 1;
            return empty ? EMPTY : START;
        }
        return INCOMPLETE;
    }

    /** Whether the last tag's local name (after any prefix) is {@code name} (ASCII). */
    public boolean localNameIs(String name) {
        int colon = indexOf((byte) ':', nameStart, nameEnd);
        int from = colon < 0 ? nameStart : colon + 1;
        return regionEquals(from, nameEnd, name);
    }

    /** The last tag's qualified name, like {@code stream:features}. Allocates. */
    public String qualifiedName() {
        return new String(buf, nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
    }

    /**
     * Finds attribute {@code name} (qualified, like {@code type} or {@code xml:lang}) on the last
     * start tag. On success {@link #valueStart()}/{@link #valueEnd()} delimit its raw value.
     */
    public boolean attribute(String name) {
        int i = attrStart;
        while (i < attrEnd) {
            while (i < attrEnd && isSpace(buf[i])) {
                i++;
            }
            int keyStart = i;
            while (i < attrEnd && buf[i] != '=' && !isSpace(buf[i])) {
                i++;
            }
            int keyEnd = i;
            while (i < attrEnd && buf[i] != '\'' && buf[i] != '"') {
                i++;
            }
            if (i >= attrEnd) {
                return false;
            }
            byte quote = buf[i];
            int vStart = i + 1;
            int vEnd = indexOf(quote, vStart, attrEnd);
            if (vEnd < 0) {
                return false;
            }
            if (regionEquals(keyStart, keyEnd, name)) {
                valueStart = vStart;
                valueEnd = vEnd;
                return true;
            }
            i = vEnd + 1;
        }
        return false;
    }

    /** The value of attribute {@code name}, entities decoded, or null. Allocates. */
    public String attributeValue(String name) {
        return attribute(name) ? string(valueStart, valueEnd) : null;
    }

    /** Whether attribute {@code name} is present with exactly {@code value} (ASCII, no entities). */
    public boolean attributeIs(String name, String value) {
        return attribute(name) && regionEquals(valueStart, valueEnd, value);
    }

    public int valueStart() {
        return valueStart;
    }

    public int valueEnd() {
        return valueEnd;
    }

    public int textStart() {
        return textStart;
    }

    public int textEnd() {
        return textEnd;
    }

    /** The last text token, entities decoded. Allocates. */
    public String text() {
        return string(textStart, textEnd);
    }

    /**
     * Skips to the end of the element whose start tag was just returned; returns false if the
     * input ends first. After an {@link #EMPTY} tag there is nothing to skip.
     */
    public boolean skipElement() {
        int depth = 1;
        while (depth > 0) {
            switch (next()) {
                case START -> depth++;
                case END -> depth--;
                case INCOMPLETE -> {
                    return false;
                }
                default -> { }
            }
        }
        return true;
    }

    /** {@code bytes[from .. to)} as UTF-8 with the five predefined entities and character references decoded. */
    public String string(int from, int to) {
        if (indexOf((byte) '&', from, to) < 0) {
            return new String(buf, from, to - from, StandardCharsets.UTF_8);
        }
        String raw = new String(buf, from, to - from, StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            int semi = c == '&' ? raw.indexOf(';', i) : -1;
            if (semi < 0) {
                out.append(c);
                i++;
                continue;
            }
            String entity = raw.substring(i + 1, semi);
            switch (entity) {
                case "amp" -> out.append('&');
                case "lt" -> out.append('<');
                case "gt" -> out.append('>');
                case "apos" -> out.append('\'');
                case "quot" -> out.append('"');
                default -> {
                    if (entity.startsWith("#x")) {
                        out.appendCodePoint(Integer.parseInt(entity.substring(2), 16));
                    } else if (entity.startsWith("#")) {
                        out.appendCodePoint(Integer.parseInt(entity.substring(1)));
                    } else {
                        out.append(raw, i, semi + 1);
                    }
                }
            }
            i = semi + 1;
        }
        return out.toString();
    }

    /**
     * The unsigned decimal number starting at {@code from} (after any spaces) and ending at the first
     * non-digit before {@code to}; -1 when there is no digit there. {@link #numberEnd} says where it ended.
     */
    public long number(int from, int to) {
        int i = from;
        while (i < to && isSpace(buf[i])) {
            i++;
        }
        long v = 0;
        int digitsFrom = i;
        while (i < to && buf[i] >= '0' && buf[i] <= '9') {
            v = v * 10 + (buf[i] - '0');
            i++;
        }
        numberEnd = i;
        return i == digitsFrom ? -1 : v;
    }

    private int numberEnd;

    /** Where the last {@link #number} ended. */
    public int numberEnd() {
        return numberEnd;
    }

    private static final byte[] CDATA_OPEN = "<![CDATA[".getBytes(StandardCharsets.US_ASCII);

    /** The offset of the {@code >} closing the tag whose name starts at {@code from}, skipping quoted values; -1 if none. */
    private int tagEnd(int from) {
        byte quote = 0;
        for (int i = from; i < end; i++) {
            byte b = buf[i];
            if (quote != 0) {
                if (b == quote) {
                    quote = 0;
                }
            } else if (b == '\'' || b == '"') {
                quote = b;
            } else if (b == '>') {
                return i;
            }
        }
        return -1;
    }

    private int nameEndFrom(int from, int limit) {
        int i = from;
        while (i < limit && !isSpace(buf[i]) && buf[i] != '/' && buf[i] != '>') {
            i++;
        }
        return i;
    }

    private boolean regionEquals(int from, int to, String ascii) {
        int n = to - from;
        if (n != ascii.length()) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (buf[from + k] != ascii.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private boolean startsWith(int at, byte[] prefix) {
        if (at + prefix.length > end) {
            return false;
        }
        for (int k = 0; k < prefix.length; k++) {
            if (buf[at + k] != prefix[k]) {
                return false;
            }
        }
        return true;
    }

    private int indexOf(byte b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private int indexOf2(byte a, byte b, int from) {
        for (int i = from; i + 1 < end; i++) {
            if (buf[i] == a && buf[i + 1] == b) {
                return i;
            }
        }
        return -1;
    }

    private int indexOf3(char a, char b, char c, int from) {
        for (int i = from; i + 2 < end; i++) {
            if (buf[i] == a && buf[i + 1] == b && buf[i + 2] == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }
}
