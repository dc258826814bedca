package boshcm.protocol.xml;

import java.util.Arrays;

/**
 * A growable UTF-8 byte buffer that writes XML markup, escaped character data like
 * {@code a &lt; b &amp;&amp; c} and single-quoted attribute values like {@code 'it&apos;s'}.
 * Not thread-safe; meant to be reused.
 *
 * <p>Escaping follows XML 1.0 §2.4 and §3.3.3: in text {@code < > &} become entity references and
 * {@code \r} becomes {@code &#13;} (a literal CR would be normalised away by the reader); in attribute
 * values {@code < &} and the {@code '} quote become references, and {@code \t \n \r} become character
 * references so that attribute-value normalisation gives them back unchanged.
 *
 * <p>Characters XML 1.0 §2.2 does not allow (C0 controls other than tab, LF and CR; U+FFFE, U+FFFF;
 * unpaired surrogates) cannot be made legal by escaping (checklist S-3), so they are written as
 * U+FFFD. Parsers in front of this class already refuse them; this is the last line of defence for
 * strings the CM builds itself.
 */
public final class XmlOutput {

    /** Escaping rule for {@link #put}: none (names, namespace-free markup), text, or attribute value. */
    static final int RAW = 0;
    static final int TEXT = 1;
    static final int ATTRIBUTE = 2;

    /** Largest number of bytes one UTF-16 code unit (or a surrogate pair) can turn into: {@code &apos;}. */
    private static final int MAX_BYTES_PER_UNIT = 6;
    /** Characters encoded per capacity check, so that a large text does not over-allocate 6x at once. */
    private static final int SEGMENT = 1024;

    private byte[] buf;
    private int size;
    /** A high surrogate that ended the previous {@link #text} call; Aalto may split text anywhere. */
    private char pendingHigh;

    public XmlOutput(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    /** Bytes written so far. */
    public int size() {
        return size;
    }

    /** Forgets everything written after {@code newSize} (a value {@link #size()} returned earlier). */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IllegalArgumentException("truncate to " + newSize + " of " + size);
        }
        size = newSize;
        pendingHigh = 0;
    }

    /** Empties the buffer; if it grew past {@code retainCapacity}, lets the large array go. */
    public void clear(int retainCapacity) {
        size = 0;
        pendingHigh = 0;
        if (buf.length > retainCapacity) {
            buf = new byte[retainCapacity];
        }
    }

    /** A copy of the bytes written. */
    public byte[] toByteArray() {
        flushPendingHigh();
        return Arrays.copyOf(buf, size);
    }

    /**
     * The bytes written, without copying when the buffer is exactly full (a writer that sized the
     * buffer up front gets its array back).
     */
    public byte[] toByteArrayExact() {
        flushPendingHigh();
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }

    public XmlOutput ascii(char c) {
        flushPendingHigh();
        ensure(1);
        buf[size++] = (byte) c;
        return this;
    }

    /** Markup the caller knows to be ASCII and in need of no escaping, like {@code </} or {@code ='}. */
    public XmlOutput ascii(String s) {
        flushPendingHigh();
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
        return this;
    }

    public XmlOutput bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public XmlOutput bytes(byte[] b, int off, int len) {
        flushPendingHigh();
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    /** An XML name (element or attribute, possibly {@code prefix:local}); names need no escaping. */
    public XmlOutput name(String s) {
        return chars(s, RAW);
    }

    /** An attribute value, escaped for a single-quoted attribute; the quotes are not written. */
    public XmlOutput attributeValue(String s) {
        return chars(s, ATTRIBUTE);
    }

    /** Character data, escaped. */
    public XmlOutput text(String s) {
        return chars(s, TEXT);
    }

    /**
     * Character data from a parser's buffer, escaped. A surrogate pair split across two calls is
     * joined.
     */
    public XmlOutput text(char[] c, int off, int len) {
        int i = off;
        int end = off + len;
        if (pendingHigh != 0 && i < end) {
            char high = pendingHigh;
            pendingHigh = 0;
            ensure(MAX_BYTES_PER_UNIT);
            if (Character.isLowSurrogate(c[i])) {
                size = put(Character.toCodePoint(high, c[i]), buf, size, TEXT);
                i++;
            } else {
                size = put(0xFFFD, buf, size, TEXT);
            }
        }
        while (i < end) {
            int segEnd = Math.min(end, i + SEGMENT);
            ensure((segEnd - i) * MAX_BYTES_PER_UNIT);
            byte[] b = buf;
            int pos = size;
            while (i < segEnd) {
                char ch = c[i++];
                if (ch < 0x80 && ch >= 0x20 && ch != '<' && ch != '>' && ch != '&') {
                    b[pos++] = (byte) ch; // the common case, kept branch-light
                } else if (Character.isHighSurrogate(ch)) {
                    if (i < end && Character.isLowSurrogate(c[i])) {
                        if (i == segEnd) {
                            segEnd++; // keep the pair together; capacity has room for 6 more bytes
                        }
                        pos = put(Character.toCodePoint(ch, c[i++]), b, pos, TEXT);
                    } else if (i == end) {
                        pendingHigh = ch;
                    } else {
                        pos = put(0xFFFD, b, pos, TEXT);
                    }
                } else {
                    pos = put(ch, b, pos, TEXT);
                }
            }
            size = pos;
        }
        return this;
    }

    private XmlOutput chars(String s, int mode) {
        flushPendingHigh();
        int n = s.length();
        int i = 0;
        while (i < n) {
            int segEnd = Math.min(n, i + SEGMENT);
            ensure((segEnd - i + 1) * MAX_BYTES_PER_UNIT);
            int pos = size;
            while (i < segEnd) {
                char ch = s.charAt(i++);
                if (Character.isHighSurrogate(ch) && i < n && Character.isLowSurrogate(s.charAt(i))) {
                    pos = put(Character.toCodePoint(ch, s.charAt(i++)), buf, pos, mode);
                } else {
                    pos = put(ch, buf, pos, mode);
                }
            }
            size = pos;
        }
        return this;
    }

    /**
     * The number of bytes {@link #attributeValue(String)} writes for {@code s}: lets a writer size its
     * output exactly once.
     */
    public static int attributeValueLength(String s) {
        return encodedLength(s, ATTRIBUTE);
    }

    /** The number of bytes {@link #name(String)} writes for {@code s}. */
    public static int nameLength(String s) {
        return encodedLength(s, RAW);
    }

    private static int encodedLength(String s, int mode) {
        int n = s.length();
        int len = 0;
        for (int i = 0; i < n; i++) {
            char ch = s.charAt(i);
            if (Character.isHighSurrogate(ch) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                len += 4;
                i++;
            } else {
                len += put(ch, null, 0, mode);
            }
        }
        return len;
    }

    /**
     * Encodes one code point at {@code dst[pos]} and returns the position after it; with a null
     * {@code dst}, only counts (returns {@code pos} plus the length). The single place where escaping
     * and UTF-8 encoding are decided.
     */
    static int put(int cp, byte[] dst, int pos, int mode) {
        if (cp < 0x80) {
            String ref = null;
            if (cp < 0x20) {
                if (cp == '\t') {
                    ref = mode == ATTRIBUTE ? "&#9;" : null;
                } else if (cp == '\n') {
                    ref = mode == ATTRIBUTE ? "&#10;" : null;
                } else if (cp == '\r') {
                    ref = mode == RAW ? null : "&#13;";
                } else {
                    return put(0xFFFD, dst, pos, mode); // XML 1.0 §2.2 forbids other C0 controls
                }
            } else if (mode != RAW) {
                if (cp == '<') {
                    ref = "&lt;";
                } else if (cp == '&') {
                    ref = "&amp;";
                } else if (cp == '>' && mode == TEXT) {
                    ref = "&gt;";
                } else if (cp == '\'' && mode == ATTRIBUTE) {
                    ref = "&apos;";
                }
            }
            if (ref == null) {
                if (dst != null) {
                    dst[pos] = (byte) cp;
                }
                return pos + 1;
            }
            if (dst != null) {
                for (int k = 0; k < ref.length(); k++) {
                    dst[pos + k] = (byte) ref.charAt(k);
                }
            }
            return pos + ref.length();
        }
        if (cp < 0x800) {
            if (dst != null) {
                dst[pos] = (byte) (0xC0 | (cp >> 6));
                dst[pos + 1] = (byte) (0x80 | (cp & 0x3F));
            }
            return pos + 2;
        }
        if (cp < 0x10000) {
            if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE || cp == 0xFFFF) {
                cp = 0xFFFD; // unpaired surrogate or a non-character XML forbids
            }
            if (dst != null) {
                dst[pos] = (byte) (0xE0 | (cp >> 12));
                dst[pos + 1] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                dst[pos + 2] = (byte) (0x80 | (cp & 0x3F));
            }
            return pos + 3;
        }
        if (dst != null) {
            dst[pos] = (byte) (0xF0 | (cp >> 18));
            dst[pos + 1] = (byte) (0x80 | ((cp >> 12) & 0x3F));
            dst[pos + 2] = (byte) (0x80 | ((cp >> 6) & 0x3F));
            dst[pos + 3] = (byte) (0x80 | (cp & 0x3F));
        }
        return pos + 4;
    }

    private void flushPendingHigh() {
        if (pendingHigh != 0) {
            pendingHigh = 0;
            ensure(3);
            size = put(0xFFFD, buf, size, TEXT);
        }
    }

    private void ensure(int extra) {
        int needed = size + extra;
        if (needed > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(needed, buf.length + (buf.length >> 1)));
        }
    }
}
