package boshcm.protocol.body;

import boshcm.protocol.body.ParseOutcome.Parsed;
import boshcm.protocol.body.ParseOutcome.Rejected;
import boshcm.protocol.error.Condition;
import boshcm.protocol.xml.PayloadSerializer;
import boshcm.protocol.xml.PayloadSerializer.Target;
import com.ctc.wstx.api.WstxInputProperties;
import com.ctc.wstx.exc.WstxLazyException;
import com.ctc.wstx.stax.WstxInputFactory;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Parses one complete HTTP request body into a {@link ClientBody} with a hardened StAX reader
 * (Woodstox, instantiated explicitly): no DTD, no entity expansion, bounded depth, attributes and
 * text (checklist B-6-3, S-2, S-3). Thread-safe; one instance serves every request.
 *
 * <p>Payload children are written out once, here, in upstream form (see {@link XmlPayload}).
 *
 * <p>Every malformed or hostile input is {@link Rejected} with {@link Condition#BAD_REQUEST}, including
 * exceeded depth, attribute, text and payload-count limits (S-2); only a body over
 * {@link BodyLimits#maxBodyBytes()} is a {@link Condition#POLICY_VIOLATION} (S-1).
 */
public final class BodyParser {

    /** XEP-0124 §7.1: {@code wait} is an xs:unsignedShort and {@code hold} an xs:unsignedByte (B-7.1-4: clamp). */
    private static final int MAX_WAIT = 65535;
    private static final int MAX_HOLD = 255;

    private final BodyLimits limits;
    /** Woodstox factories are thread-safe once configured. */
    private final WstxInputFactory factory;

    public BodyParser(BodyLimits limits) {
        this.limits = limits;
        this.factory = newFactory(limits);
    }

    public BodyLimits limits() {
        return limits;
    }

    /** Parses {@code bytes[offset .. offset+length)} as a UTF-8 {@code <body/>} document. */
    public ParseOutcome parse(byte[] bytes, int offset, int length) {
        if (length <= 0) {
            return bad(null, "empty body");
        }
        if (length > limits.maxBodyBytes()) {
            // S-1: answer the session the body names, if its start tag can be read.
            return new Rejected(Optional.ofNullable(peekSid(bytes, offset, length)), Condition.POLICY_VIOLATION,
                    length + " bytes over the " + limits.maxBodyBytes() + " byte limit");
        }
        int first = bytes[offset] & 0xFF;
        if (first == 0x00 || first == 0xFE || first == 0xFF) {
            return bad(null, "not UTF-8 (UTF-16/32 byte order mark or NUL)"); // B-7.2-12: UTF-8 only
        }
        return new Run(bytes, offset, length).parse();
    }

    public ParseOutcome parse(byte[] bytes) {
        return parse(bytes, 0, bytes.length);
    }

    /** One parse; holds the state of a single call so that {@link BodyParser} stays thread-safe. */
    private final class Run {
        private final byte[] bytes;
        private final int offset;
        private final int length;
        private String sid;

        Run(byte[] bytes, int offset, int length) {
            this.bytes = bytes;
            this.offset = offset;
            this.length = length;
        }

        ParseOutcome parse() {
            XMLStreamReader r = null;
            try {
                r = factory.createXMLStreamReader(new ByteArrayInputStream(bytes, offset, length), "UTF-8");
                return read(r);
            } catch (XMLStreamException | WstxLazyException e) {
                // not well-formed, invalid UTF-8, a forbidden character, an undeclared entity, a Woodstox limit.
                // Woodstox decodes ahead in blocks, so a bad byte can fail the parse before the start tag is seen.
                return bad(sid != null ? sid : peekSid(bytes, offset, length), String.valueOf(e.getMessage()));
            } finally {
                close(r);
            }
        }

        private ParseOutcome read(XMLStreamReader r) throws XMLStreamException {
            String declared = r.getCharacterEncodingScheme();
            if (declared != null && !declared.equalsIgnoreCase("UTF-8")) {
                return bad(null, "declared encoding " + declared); // B-7.2-12
            }
            String version = r.getVersion();
            if (version != null && !version.equals("1.0")) {
                return bad(null, "XML version " + version); // XML 1.1 allows characters XML 1.0 forbids (S-3)
            }
            // Made at the first payload: an empty poll, the commonest request, needs none (about 700 bytes).
            PayloadSerializer serializer = null;
            List<XmlPayload> payloads = new ArrayList<>();
            Fields body = null;
            int depth = 0;
            long textRun = 0;
            while (r.hasNext()) {
                int event = r.next();
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT: {
                        depth++;
                        textRun = 0;
                        if (r.getNamespaceCount() > limits.maxNamespaces()) {
                            return bad(sid, "more than " + limits.maxNamespaces() + " namespace declarations");
                        }
                        if (depth == 1) {
                            if (!Namespaces.HTTPBIND.equals(r.getNamespaceURI()) || !"body".equals(r.getLocalName())) {
                                return bad(null, "root {" + r.getNamespaceURI() + "}" + r.getLocalName()); // XEP-0124 §6
                            }
                            sid = attribute(r, "", "sid");
                            body = new Fields();
                            String problem = readAttributes(r, body);
                            if (problem != null) {
                                return bad(sid, problem);
                            }
                            break;
                        }
                        if (depth > limits.maxDepth()) {
                            return bad(sid, "element depth over " + limits.maxDepth()); // S-2
                        }
                        String ns = r.getNamespaceURI();
                        if (Namespaces.STREAMS.equals(ns)) {
                            return bad(sid, "stream-level element " + r.getLocalName()); // X-3-3: the CM owns framing
                        }
                        if (depth == 2) {
                            if (Namespaces.TLS.equals(ns)) {
                                return bad(sid, "TLS negotiation over BOSH"); // X-2-5
                            }
                            if (payloads.size() >= limits.maxPayloads()) {
                                return bad(sid, "more than " + limits.maxPayloads() + " payloads");
                            }
                        }
                        if (serializer == null) {
                            serializer = new PayloadSerializer(Target.UPSTREAM, Math.min(length + 64, 8192));
                        }
                        serializer.startElement(r);
                        break;
                    }
                    case XMLStreamConstants.END_ELEMENT:
                        textRun = 0;
                        if (depth-- > 1) {
                            XmlPayload payload = serializer.endElement();
                            if (payload != null) {
                                payloads.add(payload);
                            }
                        }
                        break;
                    case XMLStreamConstants.CHARACTERS:
                    case XMLStreamConstants.CDATA:
                    case XMLStreamConstants.SPACE:
                        if (depth >= 2) {
                            textRun += r.getTextLength();
                            if (textRun > limits.maxTextBytes()) {
                                return bad(sid, "text over " + limits.maxTextBytes() + " chars"); // S-2
                            }
                            serializer.characters(r);
                        } else if (!isWhitespace(r)) {
                            // B-6-4: whitespace between payloads is tolerated, character data is not
                            return bad(sid, depth == 1 ? "text directly inside <body/>" : "text outside <body/>");
                        }
                        break;
                    case XMLStreamConstants.DTD:
                        return bad(sid, "DTD"); // B-6-3, S-2: refused before any entity could be used
                    case XMLStreamConstants.COMMENT:
                        return bad(sid, "comment"); // B-6-3
                    case XMLStreamConstants.PROCESSING_INSTRUCTION:
                        return bad(sid, "processing instruction " + r.getPITarget()); // B-6-3
                    case XMLStreamConstants.ENTITY_REFERENCE:
                        return bad(sid, "entity reference &" + r.getLocalName() + ";"); // B-6-3
                    default:
                        break; // END_DOCUMENT
                }
            }
            // Woodstox itself refuses a second root element and non-whitespace text after </body>.
            return body == null ? bad(null, "no root element") : new Parsed(body.build(payloads));
        }
    }

    /**
     * Reads and checks the {@code <body/>} attributes (XEP-0124 §7.1, §9, §10, §13, §15, §16; XEP-0206
     * §4, §5), by namespace URI and local name, never by prefix (X-5-3). Returns a problem, or null.
     */
    private static String readAttributes(XMLStreamReader r, Fields b) {
        boolean ridSeen = false;
        for (int i = 0, n = r.getAttributeCount(); i < n; i++) {
            String ns = r.getAttributeNamespace(i);
            String name = r.getAttributeLocalName(i);
            String value = r.getAttributeValue(i);
            if (ns == null || ns.isEmpty()) {
                switch (name) {
                    case "rid": {
                        long rid = digits(value); // B-6-5, B-14.1-1: a positive integer below 2^53
                        if (rid < 1 || rid > ClientBody.MAX_RID) {
                            return "rid '" + clip(value) + "'";
                        }
                        b.rid = rid;
                        ridSeen = true;
                        break;
                    }
                    case "sid":
                        b.sid = Optional.of(value);
                        break;
                    case "type":
                        if (!value.equals("terminate")) {
                            return "type '" + clip(value) + "'"; // §13: a client only ever terminates
                        }
                        b.type = BodyType.TERMINATE;
                        break;
                    case "ack": {
                        long ack = digits(value);
                        if (ack < 0) {
                            return "ack '" + clip(value) + "'";
                        }
                        b.ack = OptionalLong.of(ack);
                        break;
                    }
                    case "pause": {
                        long pause = digits(value);
                        if (pause < 0) {
                            return "pause '" + clip(value) + "'";
                        }
                        b.pause = OptionalInt.of((int) Math.min(pause, Integer.MAX_VALUE));
                        break;
                    }
                    case "wait": {
                        long wait = digits(value);
                        if (wait < 0) {
                            return "wait '" + clip(value) + "'"; // B-7.1-4
                        }
                        b.wait = OptionalInt.of((int) Math.min(wait, MAX_WAIT));
                        break;
                    }
                    case "hold": {
                        long hold = digits(value);
                        if (hold < 0) {
                            return "hold '" + clip(value) + "'"; // B-7.1-4
                        }
                        b.hold = OptionalInt.of((int) Math.min(hold, MAX_HOLD));
                        break;
                    }
                    case "ver":
                        try {
                            b.ver = Optional.of(BoshVersion.parse(value)); // B-7.1-2
                        } catch (IllegalArgumentException e) {
                            return "ver '" + clip(value) + "'";
                        }
                        break;
                    case "key":
                        b.key = Optional.of(value);
                        break;
                    case "newkey":
                        b.newKey = Optional.of(value);
                        break;
                    case "stream":
                        b.stream = Optional.of(value);
                        break;
                    case "to":
                        b.to = Optional.of(value);
                        break;
                    case "from":
                        b.from = Optional.of(value);
                        break;
                    case "route":
                        b.route = Optional.of(value);
                        break;
                    case "content":
                        b.content = Optional.of(value);
                        break;
                    default:
                        break; // unknown attributes are ignored
                }
            } else if (Namespaces.XBOSH.equals(ns)) {
                if (name.equals("restart")) {
                    // X-5-3: xs:boolean, so "1" and "0" too
                    if (value.equals("true") || value.equals("1")) {
                        b.restart = true;
                    } else if (value.equals("false") || value.equals("0")) {
                        b.restart = false;
                    } else {
                        return "xmpp:restart '" + clip(value) + "'";
                    }
                } else if (name.equals("version")) {
                    b.xmppVersion = Optional.of(value);
                }
            } else if (Namespaces.XML.equals(ns) && name.equals("lang")) {
                b.lang = Optional.of(value);
            }
        }
        return ridSeen ? null : "no rid"; // B-6-5
    }

    /**
     * The value of a string of ASCII digits, saturating at Long.MAX_VALUE however long it is; -1 if
     * the string is empty or has anything but digits (no sign, no spaces, no exponent).
     */
    static long digits(String s) {
        int n = s.length();
        if (n == 0) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            if (v > (Long.MAX_VALUE - (c - '0')) / 10) {
                v = Long.MAX_VALUE; // keep scanning: a later non-digit still makes it invalid
            } else {
                v = v * 10 + (c - '0'); // exact up to Long.MAX_VALUE itself (a fuzzing finding: it saturated 9 early)
            }
        }
        return v;
    }

    private static String clip(String s) {
        return s.length() <= 32 ? s : s.substring(0, 32) + "...";
    }

    private static String attribute(XMLStreamReader r, String ns, String name) {
        for (int i = 0, n = r.getAttributeCount(); i < n; i++) {
            String ans = r.getAttributeNamespace(i);
            if ((ans == null || ans.equals(ns)) && r.getAttributeLocalName(i).equals(name)) {
                return r.getAttributeValue(i);
            }
        }
        return null;
    }

    private static boolean isWhitespace(XMLStreamReader r) {
        char[] c = r.getTextCharacters();
        for (int i = r.getTextStart(), end = i + r.getTextLength(); i < end; i++) {
            if (c[i] != ' ' && c[i] != '\n' && c[i] != '\t' && c[i] != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * The {@code sid} of the root start tag, if it is an httpbind {@code <body>}: parses only the bytes
     * up to the first {@code >} after the first element's {@code <}, so that whatever follows (too
     * much input, a bad byte) does not matter.
     */
    private String peekSid(byte[] bytes, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i + 1 < end && !(bytes[i] == '<' && bytes[i + 1] != '?' && bytes[i + 1] != '!')) {
            i++;
        }
        while (i < end && bytes[i] != '>') {
            i++;
        }
        if (i >= end) {
            return null;
        }
        XMLStreamReader r = null;
        try {
            r = factory.createXMLStreamReader(new ByteArrayInputStream(bytes, offset, i + 1 - offset), "UTF-8");
            while (r.hasNext()) {
                int event = r.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    boolean body = Namespaces.HTTPBIND.equals(r.getNamespaceURI()) && "body".equals(r.getLocalName());
                    return body ? attribute(r, "", "sid") : null;
                }
                if (event == XMLStreamConstants.DTD) {
                    return null;
                }
            }
            return null;
        } catch (XMLStreamException | WstxLazyException e) {
            return null;
        } finally {
            close(r);
        }
    }

    /** The attributes of one {@code <body/>}, as they are read. */
    private static final class Fields {
        long rid;
        Optional<String> sid = Optional.empty();
        BodyType type = BodyType.NONE;
        OptionalLong ack = OptionalLong.empty();
        OptionalInt pause = OptionalInt.empty();
        boolean restart;
        Optional<String> key = Optional.empty();
        Optional<String> newKey = Optional.empty();
        Optional<String> stream = Optional.empty();
        Optional<String> to = Optional.empty();
        Optional<String> from = Optional.empty();
        Optional<String> route = Optional.empty();
        Optional<String> lang = Optional.empty();
        Optional<BoshVersion> ver = Optional.empty();
        OptionalInt wait = OptionalInt.empty();
        OptionalInt hold = OptionalInt.empty();
        Optional<String> content = Optional.empty();
        Optional<String> xmppVersion = Optional.empty();

        ClientBody build(List<XmlPayload> payloads) {
            return new ClientBody(rid, sid, type, ack, pause, restart, key, newKey, stream, to, from, route, lang,
                    ver, wait, hold, content, xmppVersion, payloads);
        }
    }

    private static Rejected bad(String sid, String reason) {
        return new Rejected(Optional.ofNullable(sid), Condition.BAD_REQUEST, reason);
    }

    private static void close(XMLStreamReader r) {
        if (r != null) {
            try {
                r.close();
            } catch (XMLStreamException e) {
                // an in-memory source: nothing to release
            }
        }
    }

    private static WstxInputFactory newFactory(BodyLimits limits) {
        WstxInputFactory f = new WstxInputFactory();
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_VALIDATING, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        // S-2: no DTD processing, no external anything. A DOCTYPE is still reported (as a DTD event,
        // which is refused) but its internal subset is never processed, so no entity is ever declared.
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        // Replacement ON on purpose: with it off, Woodstox silently drops an undeclared "&foo;" inside an
        // attribute value (the value reads as empty). With it on and no DTD, nothing can be expanded and
        // every reference other than the five predefined ones fails as "Undeclared general entity"
        // (B-6-3: refuse, expand nothing), in text and attribute values alike.
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
        f.setProperty(WstxInputProperties.P_MAX_ENTITY_DEPTH, 1);
        f.setProperty(WstxInputProperties.P_MAX_ENTITY_COUNT, 1);
        // Errors from next(), not lazily from getText().
        f.setProperty(WstxInputProperties.P_LAZY_PARSING, false);
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_DEPTH, limits.maxDepth());
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTES_PER_ELEMENT, limits.maxAttributes());
        f.setProperty(WstxInputProperties.P_MAX_ATTRIBUTE_SIZE, limits.maxAttributeBytes());
        f.setProperty(WstxInputProperties.P_MAX_TEXT_LENGTH, limits.maxTextBytes());
        f.setProperty(WstxInputProperties.P_MAX_CHARACTERS, (long) limits.maxBodyBytes());
        f.setProperty(WstxInputProperties.P_MAX_ELEMENT_COUNT, (long) limits.maxBodyBytes() / 3);
        return f;
    }
}
