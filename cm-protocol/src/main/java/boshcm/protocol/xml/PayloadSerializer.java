package boshcm.protocol.xml;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;

/**
 * Writes payload elements read with StAX into UTF-8 bytes, once, in the form their destination needs;
 * shared by {@code BodyParser} (Woodstox) and {@code StreamTokenizer} (Aalto's async reader). Push
 * style: the caller forwards each {@code START_ELEMENT}, text and {@code END_ELEMENT} of a payload and
 * gets an {@link XmlPayload} back when the payload's top element closes. Not thread-safe; reusable.
 *
 * <p>Namespaces are resolved by URI, never by input prefix. The serializer keeps a stack of the
 * bindings in effect in its <em>output</em> and declares a prefix only where the output binding
 * differs from what the element needs, so every payload is namespace-self-contained whatever its
 * ancestors in the input declared (checklist U-12, B-6-6). The {@code xml:} prefix is never declared.
 * Namespace declarations an element carries in the input for prefixes it does not itself use are
 * kept too (other than for jabber:client, httpbind and streams, which the target form owns), because
 * such a prefix may be referenced from content (QName values).
 *
 * <p>Empty elements are written self-closed ({@code <presence/>}); CDATA sections are written as escaped
 * text. {@link #size()} is exact at every step, so callers can stop an oversized payload early.
 */
public final class PayloadSerializer {

    /** Where the bytes go, which decides the form of jabber:client and streams elements. */
    public enum Target {
        /**
         * Toward the XMPP server, inside a stream whose default namespace is jabber:client (RFC 6120
         * §4.8.3). Elements in the httpbind namespace are taken as jabber:client (XEP-0206 §2 note,
         * checklist X-2-4); jabber:client elements are written unprefixed, and a top-level one carries
         * no xmlns because the stream header's default namespace covers it (U-12).
         */
        UPSTREAM(Namespaces.JABBER_CLIENT),
        /**
         * Toward the browser, inside {@code <body xmlns='http://jabber.org/protocol/httpbind'>}: a
         * jabber:client element gets an explicit {@code xmlns='jabber:client'} (XEP-0206 §2, checklist
         * X-2-3), and streams elements are written as {@code stream:} with {@code xmlns:stream}
         * declared on the element (XEP-0206 §2, X-2-2).
         */
        CLIENT(Namespaces.HTTPBIND);

        private final String contextDefaultNamespace;

        Target(String contextDefaultNamespace) {
            this.contextDefaultNamespace = contextDefaultNamespace;
        }

        /** The default namespace in scope where the payload is inserted. */
        public String contextDefaultNamespace() {
            return contextDefaultNamespace;
        }
    }

    private static final String STREAM_PREFIX = "stream";
    /** A payload buffer that grew beyond this is dropped after use rather than kept per connection. */
    private static final int RETAINED_CAPACITY = 16 * 1024;

    private final Target target;
    private final XmlOutput out;
    private final int retainedCapacity;

    // Output namespace bindings: entries [nsStart[d] .. nsCount) were declared by the element at depth d.
    // The stacks start small and double as needed: one serializer lives as long as its upstream stream,
    // and most stanzas are a few levels deep with a namespace or two.
    private String[] nsPrefix = new String[4];
    private String[] nsUri = new String[4];
    private int nsCount;

    // Open elements, by depth (1 = the payload's top element).
    private int depth;
    private int[] nsStart = new int[4];
    private String[] elemPrefix = new String[4];
    private String[] elemLocal = new String[4];
    /** The last start tag is still missing its {@code >} (so an empty element can self-close). */
    private boolean startTagOpen;

    private String topNamespace;
    private String topLocal;
    /** The top element's unprefixed attributes as name, value pairs; scratch, reused for every payload. */
    private String[] topPairs = new String[10];
    private int topPairCount;

    /** Per start tag scratch: the prefix chosen for each namespaced attribute. */
    private String[] attrPrefix = new String[8];

    public PayloadSerializer(Target target) {
        this(target, 512);
    }

    public PayloadSerializer(Target target, int initialCapacity) {
        this.target = target;
        this.out = new XmlOutput(initialCapacity);
        this.retainedCapacity = Math.max(RETAINED_CAPACITY, initialCapacity);
        reset();
    }

    public Target target() {
        return target;
    }

    /** Depth of the current element within the payload; 0 between payloads. */
    public int depth() {
        return depth;
    }

    /** Bytes written for the payload in progress. */
    public int size() {
        return out.size();
    }

    /** Forgets any payload in progress. */
    public void reset() {
        out.clear(retainedCapacity);
        depth = 0;
        nsCount = 0;
        startTagOpen = false;
        topNamespace = null;
        topLocal = null;
        Arrays.fill(topPairs, 0, 2 * topPairCount, null);
        topPairCount = 0;
        // The context the payload is written into: only the default namespace is known to be bound.
        push("", target.contextDefaultNamespace());
    }

    /**
     * Writes the start tag of the element {@code reader} is positioned on ({@code START_ELEMENT}).
     * The first call begins a payload.
     */
    public void startElement(XMLStreamReader reader) {
        closeStartTag();
        String uri = nonNull(reader.getNamespaceURI());
        String local = reader.getLocalName();
        if (target == Target.UPSTREAM && Namespaces.HTTPBIND.equals(uri)) {
            uri = Namespaces.JABBER_CLIENT; // XEP-0206 §2: a stanza written without xmlns inside <body/>
        }
        String prefix;
        if (Namespaces.JABBER_CLIENT.equals(uri)) {
            prefix = ""; // RFC 6120 §4.8.3 / XEP-0206 §2: stanzas unprefixed, in the default namespace
        } else if (Namespaces.STREAMS.equals(uri)) {
            prefix = STREAM_PREFIX; // RFC 6120 §4.8.5: stream elements use the stream: prefix
        } else if (Namespaces.XML.equals(uri)) {
            prefix = "xml";
        } else {
            prefix = nonNull(reader.getPrefix());
        }

        depth++;
        if (depth == nsStart.length) {
            nsStart = Arrays.copyOf(nsStart, depth * 2);
            elemPrefix = Arrays.copyOf(elemPrefix, depth * 2);
            elemLocal = Arrays.copyOf(elemLocal, depth * 2);
        }
        nsStart[depth] = nsCount;
        elemPrefix[depth] = prefix;
        elemLocal[depth] = local;

        out.ascii('<');
        writeQName(prefix, local);
        bind(prefix, uri); // cannot conflict: it is the first binding on this element

        // Declarations the input element made for prefixes it may use in content.
        int nsDecls = reader.getNamespaceCount();
        for (int i = 0; i < nsDecls; i++) {
            String p = nonNull(reader.getNamespacePrefix(i));
            String u = nonNull(reader.getNamespaceURI(i));
            if (!p.isEmpty() && !u.isEmpty() && !Namespaces.JABBER_CLIENT.equals(u)
                    && !Namespaces.HTTPBIND.equals(u) && !Namespaces.STREAMS.equals(u)) {
                bind(p, u); // on conflict with the element's own prefix, the element wins
            }
        }

        int attrs = reader.getAttributeCount();
        if (attrs > attrPrefix.length) {
            attrPrefix = new String[Math.max(attrs, attrPrefix.length * 2)];
        }
        for (int i = 0; i < attrs; i++) {
            String au = nonNull(reader.getAttributeNamespace(i));
            if (au.isEmpty()) {
                attrPrefix[i] = "";
            } else if (Namespaces.XML.equals(au)) {
                attrPrefix[i] = "xml";
            } else {
                String p = nonNull(reader.getAttributePrefix(i));
                if (p.isEmpty() || !bind(p, au)) {
                    p = freshPrefix(au);
                }
                attrPrefix[i] = p;
            }
        }
        boolean top = depth == 1;
        if (top) {
            topNamespace = uri;
            topLocal = local;
            if (2 * attrs > topPairs.length) {
                topPairs = new String[2 * attrs];
            }
        }
        for (int i = 0; i < attrs; i++) {
            String value = reader.getAttributeValue(i);
            String aLocal = reader.getAttributeLocalName(i);
            out.ascii(' ');
            writeQName(attrPrefix[i], aLocal);
            out.ascii("='").attributeValue(value).ascii('\'');
            if (top && attrPrefix[i].isEmpty()) {
                topPairs[2 * topPairCount] = aLocal;
                topPairs[2 * topPairCount + 1] = value;
                topPairCount++;
            }
        }
        startTagOpen = true;
    }

    /**
     * Writes the character data of the event {@code reader} is positioned on (CHARACTERS, CDATA or
     * SPACE), escaped.
     */
    public void characters(XMLStreamReader reader) {
        characters(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
    }

    /** Writes character data, escaped; inside an element only. */
    public void characters(char[] text, int start, int length) {
        if (depth == 0) {
            throw new IllegalStateException("text outside a payload element");
        }
        if (length == 0) {
            return;
        }
        closeStartTag();
        out.text(text, start, length);
    }

    /**
     * Writes the end tag of the current element. Returns the finished payload when this closes the
     * top element, otherwise null.
     */
    public XmlPayload endElement() {
        if (depth == 0) {
            throw new IllegalStateException("no open element");
        }
        if (startTagOpen) {
            out.ascii("/>");
            startTagOpen = false;
        } else {
            out.ascii("</");
            writeQName(elemPrefix[depth], elemLocal[depth]);
            out.ascii('>');
        }
        nsCount = nsStart[depth];
        depth--;
        if (depth > 0) {
            return null;
        }
        XmlPayload payload = new XmlPayload(topNamespace, topLocal, attributeMap(topPairs, topPairCount),
                out.toByteArray());
        reset();
        return payload;
    }

    /**
     * A point the output can be cut back to with {@link #truncate(int)}: taken before an element's
     * start tag, and used after its end tag to drop that element (a feature filter decides on an
     * element only once it has seen its text, like a {@code <mechanism>} ending in {@code -PLUS}).
     */
    public int mark() {
        closeStartTag();
        return out.size();
    }

    /** Drops everything written since {@link #mark()}; only at the depth the mark was taken at. */
    public void truncate(int mark) {
        out.truncate(mark);
    }

    private void closeStartTag() {
        if (startTagOpen) {
            out.ascii('>');
            startTagOpen = false;
        }
    }

    private void writeQName(String prefix, String local) {
        if (!prefix.isEmpty()) {
            out.name(prefix).ascii(':');
        }
        out.name(local);
    }

    /**
     * Makes {@code prefix} mean {@code uri} on the current element, declaring it if the output
     * binding differs. Returns false if the current element already bound the prefix to another URI.
     */
    private boolean bind(String prefix, String uri) {
        if (prefix.equals("xml")) {
            return Namespaces.XML.equals(uri); // XML Namespaces §3: bound by definition, never declared
        }
        for (int i = nsCount - 1; i >= 0; i--) {
            if (nsPrefix[i].equals(prefix)) {
                if (nsUri[i].equals(uri)) {
                    return true;
                }
                if (i >= nsStart[depth]) {
                    return false;
                }
                break;
            }
        }
        push(prefix, uri);
        if (prefix.isEmpty()) {
            out.ascii(" xmlns='");
        } else {
            out.ascii(" xmlns:").name(prefix).ascii("='");
        }
        out.attributeValue(uri).ascii('\'');
        return true;
    }

    /** A prefix not yet bound on this element, for an attribute whose own prefix is taken. */
    private String freshPrefix(String uri) {
        for (int n = 0; ; n++) {
            String p = "ns" + n;
            if (bind(p, uri)) {
                return p;
            }
        }
    }

    private void push(String prefix, String uri) {
        if (nsCount == nsPrefix.length) {
            nsPrefix = Arrays.copyOf(nsPrefix, nsCount * 2);
            nsUri = Arrays.copyOf(nsUri, nsCount * 2);
        }
        nsPrefix[nsCount] = prefix;
        nsUri[nsCount] = uri;
        nsCount++;
    }

    /**
     * An immutable map of {@code count} name, value pairs. Stanzas carry a handful of attributes, so the
     * usual sizes go straight into {@code Map.of}: a third of the bytes of a HashMap copied with
     * {@code Map.copyOf}, once per payload (docs/benchmarks.md). Names are unique in well-formed XML;
     * should a parser let a repeated one through, the last value wins, as it always did.
     */
    static Map<String, String> attributeMap(String[] p, int count) {
        for (int i = 1; i < count; i++) {
            for (int j = 0; j < i; j++) {
                if (p[2 * i].equals(p[2 * j])) {
                    return viaHashMap(p, count);
                }
            }
        }
        switch (count) {
            case 0: return Map.of();
            case 1: return Map.of(p[0], p[1]);
            case 2: return Map.of(p[0], p[1], p[2], p[3]);
            case 3: return Map.of(p[0], p[1], p[2], p[3], p[4], p[5]);
            case 4: return Map.of(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]);
            case 5: return Map.of(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]);
            default: return viaHashMap(p, count);
        }
    }

    private static Map<String, String> viaHashMap(String[] p, int count) {
        Map<String, String> m = new HashMap<>(count * 2);
        for (int i = 0; i < count; i++) {
            m.put(p[2 * i], p[2 * i + 1]);
        }
        return Map.copyOf(m);
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /** True for the StAX events whose text {@link #characters(XMLStreamReader)} writes. */
    public static boolean isText(int event) {
        return event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA
                || event == XMLStreamConstants.SPACE;
    }
}
