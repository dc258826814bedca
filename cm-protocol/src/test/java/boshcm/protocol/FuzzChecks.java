package boshcm.protocol;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.ctc.wstx.stax.WstxInputFactory;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.function.Supplier;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * What the fuzz tests ({@code *FuzzTest}, docs/testing.md "Fuzzing") share: invariant checks that fail
 * with an {@link AssertionError} (a finding), strings with the characters XML cares about, and the
 * allocation meter behind the "bounded allocation" checks.
 */
public final class FuzzChecks {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** A strict, namespace-aware reader with no DTD support: what a browser or server would demand. */
    private static final WstxInputFactory STRICT = strictFactory();

    /** Characters XML and our escaping care about, including ones XML 1.0 forbids (checklist S-3). */
    private static final String SPECIAL = "\u0000\t\n\r<>&'\"]\u007f\u0085\u00a0\u2028\ud800\udc00\ufffe\uffff\ufffd\u00e9\u4e2d";

    private FuzzChecks() {}

    /** A finding unless {@code condition} holds. */
    public static void require(boolean condition, Supplier<String> what) {
        if (!condition) {
            throw new AssertionError(what.get());
        }
    }

    /** Jazzer is fuzzing, not replaying inputs: {@code JAZZER_FUZZ} set to true, 1 or yes, as Jazzer reads it. */
    public static boolean fuzzing() {
        String v = System.getenv("JAZZER_FUZZ");
        if (v == null) {
            v = System.getProperty("JAZZER_FUZZ");
        }
        return v != null && (v.equalsIgnoreCase("true") || v.equals("1") || v.equalsIgnoreCase("yes"));
    }

    /** Bytes allocated by the current thread so far (HotSpot's per-thread counter). */
    public static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Checks that {@code xml} is one namespace-well-formed XML element with nothing RFC 6120 §11.1
     * forbids (no DTD, comment, processing instruction or entity reference), as a browser or an
     * XMPP server would read it.
     */
    public static void requireWellFormedElement(byte[] xml, String what) {
        XMLStreamReader r = null;
        try {
            r = STRICT.createXMLStreamReader(new ByteArrayInputStream(xml), "UTF-8");
            int roots = 0;
            int depth = 0;
            while (r.hasNext()) {
                int event = r.next();
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT:
                        if (depth++ == 0) {
                            roots++;
                        }
                        break;
                    case XMLStreamConstants.END_ELEMENT:
                        depth--;
                        break;
                    case XMLStreamConstants.DTD:
                    case XMLStreamConstants.COMMENT:
                    case XMLStreamConstants.PROCESSING_INSTRUCTION:
                    case XMLStreamConstants.ENTITY_REFERENCE:
                        throw new AssertionError(what + ": restricted XML (event " + event + ") in " + show(xml));
                    default:
                        break;
                }
            }
            int n = roots;
            require(n == 1, () -> what + ": " + n + " root elements in " + show(xml));
        } catch (XMLStreamException e) {
            throw new AssertionError(what + " is not well-formed: " + e.getMessage() + " in " + show(xml), e);
        } finally {
            if (r != null) {
                try {
                    r.close();
                } catch (XMLStreamException ignored) {
                    // in memory
                }
            }
        }
    }

    /**
     * A string of up to {@code maxLength} UTF-16 units: mostly printable ASCII, with the characters
     * in {@link #SPECIAL} and any other code unit (lone surrogates included) mixed in.
     */
    public static String anyString(FuzzedDataProvider data, int maxLength) {
        int length = data.consumeInt(0, maxLength);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length && data.remainingBytes() > 0; i++) {
            int kind = data.consumeInt(0, 7);
            if (kind < 5) {
                s.append((char) data.consumeInt(0x20, 0x7e));
            } else if (kind < 7) {
                s.append(SPECIAL.charAt(data.consumeInt(0, SPECIAL.length() - 1)));
            } else {
                s.append(data.consumeChar());
            }
        }
        return s.toString();
    }

    /**
     * {@code s} as it reads back after our XML writer ({@code XmlOutput}) and a parser: each character
     * XML 1.0 §2.2 forbids (C0 controls other than tab, LF and CR, U+FFFE, U+FFFF, lone surrogates)
     * becomes U+FFFD; everything else is kept.
     */
    public static String asXmlReadsIt(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c) || c == '\ufffe' || c == '\uffff'
                    || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
                out.append('\ufffd');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Bytes for a failure message: as text when short UTF-8, else hex, clipped. */
    public static String show(byte[] b) {
        String text = new String(b, StandardCharsets.UTF_8);
        String shown = text.length() <= 600 ? text : text.substring(0, 600) + "...";
        return "[" + b.length + " bytes] " + shown.replaceAll("[\\p{Cc}&&[^\\n\\t]]", "?")
                + (b.length <= 120 ? " hex " + HexFormat.of().formatHex(b) : "");
    }

    private static WstxInputFactory strictFactory() {
        WstxInputFactory f = new WstxInputFactory();
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        return f;
    }
}
