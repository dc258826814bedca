package boshcm.protocol.xmpp;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.xml.PayloadSerializer;
import boshcm.protocol.xml.PayloadSerializer.Target;
import com.fasterxml.aalto.AsyncByteBufferFeeder;
import com.fasterxml.aalto.AsyncXMLStreamReader;
import com.fasterxml.aalto.UncheckedStreamException;
import com.fasterxml.aalto.stax.InputFactoryImpl;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;

/**
 * Turns the bytes of one upstream XMPP stream into {@link StreamEvent}s, incrementally, over Aalto's
 * non-blocking {@code AsyncXMLStreamReader}: bytes may arrive split at any offset, including inside a
 * multi-byte UTF-8 character. Not thread-safe: one instance per upstream connection, used on that
 * connection's event loop.
 *
 * <p>Each top-level element (depth 1 below {@code <stream:stream>}) is written out once, in client
 * form (see {@link boshcm.protocol.body.XmlPayload}). After a {@link StreamEvent.Malformed} or
 * {@link StreamEvent.Closed} the tokenizer yields nothing more.
 *
 * <p>Stream restarts (RFC 6120 §4.3.3, checklist U-5):
 * <ul>
 *   <li>After a SASL {@code <success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>} the tokenizer restarts
 *       itself at the exact byte after the element (RFC 6120 §6.4.6), so a new stream header that
 *       arrived in the same chunk is parsed by a fresh reader. A {@link #reset()} call made after such
 *       a success (before any other reset) is therefore ignored.</li>
 *   <li>After a TLS {@code <proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>} nothing more is read until
 *       {@link #reset()}: bytes that follow {@code <proceed/>} in the clear before the TLS handshake
 *       are dropped, never parsed as part of the secured stream (RFC 6120 §5.4.3.3).</li>
 * </ul>
 *
 * <p>This class is longer than the usual ~300 lines because the feature filter (U-6), the stream-error
 * and bind extraction and the restricted-XML checks all ride on the one serializer pass.
 */
public final class StreamTokenizer {

    private static final InputFactoryImpl FACTORY = newFactory();
    /** Bytes of earlier input kept to recognise declaration markup that Aalto rejects as a syntax error. */
    private static final int TAIL = 64;
    private static final String SASL_CB = "urn:xmpp:sasl-cb:0";
    /** The stream header nearly every server sends, as {@link #resumeHeader} builds it: shared, not kept per stream. */
    private static final byte[] USUAL_RESUME_HEADER =
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>".getBytes(StandardCharsets.UTF_8);

    private enum State { AWAIT_HEADER, OPEN, AWAIT_RESET, DONE }

    private enum Kind { FEATURES, ERROR, OTHER }

    private TokenizerOptions options;
    private final PayloadSerializer serializer = new PayloadSerializer(Target.CLIENT);
    private final Utf8Validator utf8 = new Utf8Validator();

    /** Null while {@link #hibernate hibernating}: the next feed builds one from {@link #resumeHeader}. */
    private AsyncXMLStreamReader<AsyncByteBufferFeeder> reader;
    /**
     * The open stream's root start tag with its namespace declarations and nothing else: fed to a new
     * reader, it puts that reader where the stream's top-level elements are parsed.
     */
    private byte[] resumeHeader;
    private State state;
    /** Stream offsets of the current reader: bytes fed before the current chunk, and in all. */
    private long fedBefore;
    private long fedTotal;
    /**
     * Where the current top-level element started, or where the last complete token at stream level
     * ended: input beyond it is what Aalto is buffering for an element or token not yet finished.
     */
    private long boundary;
    /** Depth below {@code <stream:stream>}: 1 while inside a top-level element's start tag. */
    private int depth;
    private boolean restartedAfterSuccess;
    /** Stream offset where the character data being read began; -1 outside character data. */
    private long charDataStart = -1;
    /** The slice being fed, for a look at the bytes of a text event. */
    private ByteBuffer feeding;
    private final byte[] tail = new byte[TAIL];
    private int tailLength;
    /** Stream offset where the last event Aalto reported ended: the token that fails starts after it. */
    private long lastEventEnd;
    /**
     * Where that token starts (its first byte that is not whitespace) once it has left the tail, and
     * whether it is declaration markup; -1 while it is still in the tail or not yet seen.
     */
    private long tokenAt = -1;
    private boolean tokenIsDeclaration;
    private List<StreamEvent> events;

    // The top-level element in progress.
    private Kind kind;
    /** Depth at which a subtree hidden from the client starts; 0 when none. */
    private int skipFrom;
    private int captureDepth;
    private final StringBuilder capture = new StringBuilder();
    private int mechanismMark;
    private boolean startTls;
    private boolean startTlsRequired;
    private boolean bind;
    private boolean sm;
    private boolean sasl2;
    private boolean inSaslMechanisms;
    private List<String> mechanisms;
    private String errorCondition;
    private boolean iqResult;
    private boolean inBind;
    private String boundJid;

    public StreamTokenizer(TokenizerOptions options) {
        this.options = options;
        newReader();
    }

    /** Consumes every remaining byte of {@code chunk}; the caller may reuse it after the call returns. */
    public List<StreamEvent> feed(ByteBuffer chunk) {
        if (!chunk.hasRemaining()) {
            return List.of();
        }
        if (state == State.DONE || state == State.AWAIT_RESET) {
            chunk.position(chunk.limit());
            return List.of();
        }
        // RFC 6120 §11.6: UTF-8 only, in whole characters (see Utf8Validator). Aalto's byte offsets are
        // only right for buffers that start at position 0, which next() returns.
        ByteBuffer slice = utf8.next(chunk);
        boolean invalid = utf8.invalid();
        while (slice != null && slice.hasRemaining()) {
            slice = feedSlice(slice);
        }
        if (invalid && (state == State.AWAIT_HEADER || state == State.OPEN)) {
            malformed("not-well-formed", "invalid UTF-8");
        }
        feeding = null;
        List<StreamEvent> out = events;
        events = null;
        return out == null ? List.of() : out;
    }

    /**
     * Starts over for a new stream on the same connection (RFC 6120 §4.3.3: after STARTTLS or SASL):
     * a fresh reader that expects a new {@code <stream:stream>}. Ignored once after a SASL success,
     * where the tokenizer has already restarted itself (see the class comment).
     */
    /**
     * Whether the client view of features hides {@code <sm/>} from now on: set per stream by the
     * session, which owns XEP-0198 upstream only when it can authenticate again (checklist SM-11 B).
     */
    public void hideSm(boolean hide) {
        if (options.hideSm() != hide) {
            options = new TokenizerOptions(options.maxStanzaBytes(), options.maxDepth(), options.maxAttributes(), hide);
        }
    }

    public void reset() {
        if (restartedAfterSuccess && state != State.AWAIT_RESET) {
            restartedAfterSuccess = false;
            return;
        }
        restartedAfterSuccess = false;
        utf8.reset();
        newReader();
    }

    /**
     * Lets go of the XML reader while the stream rests between top-level elements, with nothing but
     * whitespace (RFC 6120 §4.6.1 keepalives) fed after the last one: Aalto's reader keeps about 4 KB of
     * buffers and name table for as long as it lives, most of what an idle session's parser holds. The
     * next {@link #feed} builds a new reader and first feeds it {@link #resumeHeader}, which puts it at
     * the same place in the same namespace context; the whitespace dropped here means nothing. A no-op,
     * returning false, anywhere else (inside an element or a token, before the header, after the end).
     */
    public boolean hibernate() {
        if (reader == null || state != State.OPEN || depth != 0 || events != null
                || fedTotal - lastEventEnd > tailLength) {
            return false;
        }
        for (long p = lastEventEnd; p < fedTotal; p++) {
            if (!isWhitespaceByte(tail[(int) (tailLength - (fedTotal - p))])) {
                return false;
            }
        }
        try {
            reader.close();
        } catch (XMLStreamException e) {
            // nothing to release: the reader holds no stream
        }
        reader = null;
        if (capture.capacity() > 256) {
            capture.setLength(0);
            capture.trimToSize();
        }
        return true;
    }

    /** Whether {@link #hibernate} let go of the reader and no input has come since. */
    public boolean hibernating() {
        return reader == null;
    }

    /** A new reader, fed the stream's root start tag: the stream goes on from where it rested. */
    private void wake() throws XMLStreamException {
        reader = FACTORY.createAsyncForByteBuffer();
        reader.getInputFeeder().feedInput(ByteBuffer.wrap(resumeHeader));
        while (reader.next() != AsyncXMLStreamReader.EVENT_INCOMPLETE) {
            // START_DOCUMENT, then the root's START_ELEMENT: already reported for this stream
        }
        fedBefore = resumeHeader.length;
        fedTotal = resumeHeader.length;
        boundary = fedTotal;
        lastEventEnd = fedTotal;
        tailLength = 0;
        tokenAt = -1;
        charDataStart = -1;
    }

    /**
     * Feeds one slice and drains every event from it. Returns the rest of the slice when the stream
     * restarted inside it, else null.
     */
    private ByteBuffer feedSlice(ByteBuffer slice) {
        if (state == State.AWAIT_HEADER && fedTotal == 0) {
            // An XML declaration must come first in the entity (XML 1.0 §2.8), but a whitespace keepalive
            // may sit between <success/> and the restarted stream's <?xml?>: it belongs to neither.
            int skip = 0;
            while (skip < slice.limit() && isWhitespaceByte(slice.get(skip))) {
                skip++;
            }
            if (skip == slice.limit()) {
                return null;
            }
            slice = slice.position(skip).slice();
        }
        int length = slice.remaining();
        int restartAt = -1;
        try {
            if (reader == null) {
                wake();
            }
            fedBefore = fedTotal;
            fedTotal += length;
            feeding = slice;
            reader.getInputFeeder().feedInput(slice);
            restartAt = drain();
        } catch (XMLStreamException e) {
            malformed(classify(e, slice), String.valueOf(e.getMessage()));
        } catch (UncheckedStreamException e) {
            // Aalto finishes a text token lazily, so getTextCharacters() can fail with a wrapped error.
            XMLStreamException cause = e.getCause() instanceof XMLStreamException x ? x : new XMLStreamException(e);
            malformed(classify(cause, slice), String.valueOf(cause.getMessage()));
        }
        if (restartAt >= 0) {
            ByteBuffer rest = slice.duplicate();
            rest.limit(length).position(restartAt);
            restartedAfterSuccess = true;
            newReader();
            return rest.hasRemaining() ? rest.slice() : null;
        }
        if ((state == State.OPEN || state == State.AWAIT_HEADER) && fedTotal - boundary > options.maxStanzaBytes()) {
            // U-15: an element (or start tag, or any token) larger than allowed is still arriving.
            malformed("policy-violation", "more than " + options.maxStanzaBytes() + " bytes in one element");
        }
        rememberTail(slice, length);
        return null;
    }

    /** Handles events until Aalto needs input. Returns the in-slice offset to restart at, or -1. */
    private int drain() throws XMLStreamException {
        while (state == State.AWAIT_HEADER || state == State.OPEN) {
            int event = reader.next();
            if (event == AsyncXMLStreamReader.EVENT_INCOMPLETE) {
                return -1;
            }
            if (event != XMLStreamConstants.CHARACTERS && event != XMLStreamConstants.SPACE) {
                charDataStart = -1;
            }
            // Aalto puts the end of a start of document without an XML declaration past the first '<'.
            lastEventEnd = event == XMLStreamConstants.START_DOCUMENT && reader.getVersion() == null
                    ? reader.getLocationInfo().getStartingByteOffset() : reader.getLocationInfo().getEndingByteOffset();
            tokenAt = -1;
            switch (event) {
                case XMLStreamConstants.START_DOCUMENT:
                    checkDeclaration();
                    break;
                case XMLStreamConstants.START_ELEMENT:
                    if (state == State.AWAIT_HEADER) {
                        header();
                    } else {
                        startElement();
                    }
                    break;
                case XMLStreamConstants.END_ELEMENT:
                    if (depth == 0) {
                        emit(new StreamEvent.Closed());
                        state = State.DONE;
                    } else {
                        int restartAt = endElement();
                        if (restartAt >= 0) {
                            return restartAt;
                        }
                    }
                    break;
                case XMLStreamConstants.CHARACTERS:
                case XMLStreamConstants.SPACE:
                    text(true);
                    break;
                case XMLStreamConstants.CDATA:
                    text(false);
                    break;
                case XMLStreamConstants.DTD:
                    malformed("restricted-xml", "DTD"); // RFC 6120 §11.1
                    break;
                case XMLStreamConstants.COMMENT:
                    malformed("restricted-xml", "comment");
                    break;
                case XMLStreamConstants.PROCESSING_INSTRUCTION:
                    malformed("restricted-xml", "processing instruction " + reader.getPITarget());
                    break;
                case XMLStreamConstants.ENTITY_REFERENCE:
                    malformed("restricted-xml", "entity reference &" + reader.getLocalName() + ";");
                    break;
                default:
                    break; // END_DOCUMENT only comes after endOfInput(), which is never called
            }
        }
        return -1;
    }

    private void checkDeclaration() throws XMLStreamException {
        String version = reader.getVersion();
        String encoding = reader.getCharacterEncodingScheme();
        if (encoding != null && !encoding.equalsIgnoreCase("UTF-8")) {
            malformed("unsupported-encoding", "declared encoding " + encoding); // RFC 6120 §11.6
        } else if (version != null && !version.equals("1.0")) {
            malformed("not-well-formed", "XML version " + version); // RFC 6120 §11.2: XML 1.0
        }
        boundary = endOffset();
    }

    private void header() throws XMLStreamException {
        if (!Namespaces.STREAMS.equals(reader.getNamespaceURI()) || !"stream".equals(reader.getLocalName())) {
            // RFC 6120 §4.9.3.10
            malformed("invalid-namespace", "root {" + reader.getNamespaceURI() + "}" + reader.getLocalName());
            return;
        }
        String to = null;
        String from = null;
        String id = null;
        String lang = null;
        String version = null;
        for (int i = 0, n = reader.getAttributeCount(); i < n; i++) {
            String ns = reader.getAttributeNamespace(i);
            String name = reader.getAttributeLocalName(i);
            String value = reader.getAttributeValue(i);
            if (ns == null || ns.isEmpty()) {
                switch (name) {
                    case "to": to = value; break;
                    case "from": from = value; break;
                    case "id": id = value; break;
                    case "version": version = value; break;
                    default: break;
                }
            } else if (Namespaces.XML.equals(ns) && name.equals("lang")) {
                lang = value;
            }
        }
        resumeHeader = resumeHeader();
        state = State.OPEN;
        depth = 0;
        boundary = endOffset();
        emit(new StreamEvent.Opened(new StreamHeader(Optional.ofNullable(to), Optional.ofNullable(from),
                Optional.ofNullable(id), Optional.ofNullable(lang), Optional.ofNullable(version))));
    }

    /** The current start tag (the stream's root), reduced to its name and namespace declarations. */
    private byte[] resumeHeader() {
        StringBuilder b = new StringBuilder(96).append('<');
        String prefix = reader.getPrefix();
        if (prefix != null && !prefix.isEmpty()) {
            b.append(prefix).append(':');
        }
        b.append(reader.getLocalName());
        for (int i = 0, n = reader.getNamespaceCount(); i < n; i++) {
            String p = reader.getNamespacePrefix(i);
            b.append(" xmlns");
            if (p != null && !p.isEmpty()) {
                b.append(':').append(p);
            }
            b.append("='");
            String uri = Objects.requireNonNullElse(reader.getNamespaceURI(i), "");
            for (int c = 0; c < uri.length(); c++) {
                char ch = uri.charAt(c);
                switch (ch) {
                    case '&': b.append("&amp;"); break;
                    case '<': b.append("&lt;"); break;
                    case '\'': b.append("&apos;"); break;
                    default: b.append(ch); break;
                }
            }
            b.append('\'');
        }
        byte[] header = b.append('>').toString().getBytes(StandardCharsets.UTF_8);
        return Arrays.equals(header, USUAL_RESUME_HEADER) ? USUAL_RESUME_HEADER : header;
    }

    private void startElement() throws XMLStreamException {
        depth++;
        if (depth > options.maxDepth()) {
            malformed("policy-violation", "element depth over " + options.maxDepth());
            return;
        }
        if (reader.getAttributeCount() > options.maxAttributes()) {
            malformed("policy-violation", "more than " + options.maxAttributes() + " attributes");
            return;
        }
        String ns = reader.getNamespaceURI();
        String local = reader.getLocalName();
        if (depth == 1) {
            beginTopLevel(ns, local);
        }
        switch (kind) {
            case FEATURES:
                featureStart(ns, local);
                break;
            case ERROR:
                if (depth == 2 && errorCondition == null && Namespaces.XMPP_STREAMS.equals(ns) && !local.equals("text")) {
                    errorCondition = local; // RFC 6120 §4.9.2: the defined condition element
                }
                break;
            default:
                if (depth == 1) {
                    iqResult = Namespaces.JABBER_CLIENT.equals(ns) && local.equals("iq")
                            && "result".equals(reader.getAttributeValue(null, "type"));
                } else if (depth == 2) {
                    inBind = iqResult && Namespaces.BIND.equals(ns) && local.equals("bind");
                } else if (depth == 3 && inBind && Namespaces.BIND.equals(ns) && local.equals("jid")) {
                    startCapture(); // RFC 6120 §7.6.1: the bound full JID
                }
                break;
        }
        if (skipFrom == 0) {
            serializer.startElement(reader);
        }
    }

    private void beginTopLevel(String ns, String local) throws XMLStreamException {
        boundary = reader.getLocationInfo().getStartingByteOffset();
        skipFrom = 0;
        captureDepth = 0;
        boundJid = null;
        if (Namespaces.STREAMS.equals(ns) && local.equals("features")) {
            kind = Kind.FEATURES;
            startTls = false;
            startTlsRequired = false;
            bind = false;
            sm = false;
            sasl2 = false;
            inSaslMechanisms = false;
            mechanisms = new ArrayList<>(4);
        } else if (Namespaces.STREAMS.equals(ns) && local.equals("error")) {
            kind = Kind.ERROR;
            errorCondition = null;
        } else {
            kind = Kind.OTHER;
            iqResult = false;
            inBind = false;
        }
    }

    /** Records what the server offers and hides from the client what a browser must not see. */
    private void featureStart(String ns, String local) {
        if (skipFrom != 0) {
            if (depth == 3 && startTls && Namespaces.TLS.equals(ns) && local.equals("required")) {
                startTlsRequired = true; // RFC 6120 §5.3.1
            }
            return;
        }
        if (depth == 2) {
            inSaslMechanisms = false;
            if (Namespaces.TLS.equals(ns) && local.equals("starttls")) {
                startTls = true;
                skipFrom = depth; // X-2-5: no TLS over BOSH
            } else if (Namespaces.COMPRESS_FEATURE.equals(ns) && local.equals("compression")) {
                skipFrom = depth; // X-4-4: no stream compression over BOSH
            } else if (SASL_CB.equals(ns) && local.equals("sasl-channel-binding")) {
                skipFrom = depth; // U-6: XEP-0440; the browser cannot bind to the CM's TLS channel
            } else if (Namespaces.SM.equals(ns) && local.equals("sm")) {
                sm = true;
                if (options.hideSm()) {
                    skipFrom = depth; // managed SM: the CM owns XEP-0198 upstream
                }
            } else if (Namespaces.SASL.equals(ns) && local.equals("mechanisms")) {
                inSaslMechanisms = true;
            } else if (Namespaces.BIND.equals(ns) && local.equals("bind")) {
                bind = true;
            } else if (Namespaces.SASL2.equals(ns) && local.equals("authentication")) {
                sasl2 = true;
            }
            return;
        }
        if (Namespaces.SM.equals(ns) && local.equals("sm") && options.hideSm()) {
            skipFrom = depth; // also inside SASL2 <inline/>
        } else if ((Namespaces.SASL.equals(ns) || Namespaces.SASL2.equals(ns)) && local.equals("mechanism")) {
            mechanismMark = serializer.mark(); // decided at the end tag, once the name is known
            startCapture();
        }
    }

    private void startCapture() {
        captureDepth = depth;
        capture.setLength(0);
    }

    /** @param charData character data, where {@code ]]>} may not appear (XML 1.0 §2.4); else a CDATA section */
    private void text(boolean charData) throws XMLStreamException {
        if (charData && hasCdataEnd()) {
            malformed("not-well-formed", "']]>' in character data");
            return;
        }
        if (depth == 0) {
            if (!isWhitespace(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength())) {
                malformed("not-well-formed", "text at stream level");
            } else {
                boundary = endOffset(); // a whitespace keepalive
            }
            return;
        }
        if (skipFrom == 0) {
            serializer.characters(reader);
            if (serializer.size() > 2L * options.maxStanzaBytes()) {
                malformed("policy-violation", "element over " + options.maxStanzaBytes() + " bytes");
                return;
            }
        }
        if (captureDepth == depth) {
            capture.append(reader.getTextCharacters(), reader.getTextStart(), reader.getTextLength());
        }
    }

    /**
     * XML 1.0 §2.4: a literal {@code ]]>} may not appear in character data. Aalto misses some, at the start
     * of a text or split between two text events by a chunk boundary (fuzzing findings), so the raw bytes
     * of each text event are looked at, with the two before it when they belong to the same text.
     */
    private boolean hasCdataEnd() throws XMLStreamException {
        long start = reader.getLocationInfo().getStartingByteOffset();
        long end = Math.min(reader.getLocationInfo().getEndingByteOffset(), fedTotal);
        if (charDataStart < 0) {
            charDataStart = start;
        }
        for (long p = Math.max(Math.max(start - 2, charDataStart), fedBefore - tailLength); p + 2 < end; p++) {
            if (byteAt(p + 2, feeding) == '>' && byteAt(p + 1, feeding) == ']' && byteAt(p, feeding) == ']') {
                return true;
            }
        }
        return false;
    }

    /** Returns the in-slice offset to restart the stream at, or -1. */
    private int endElement() throws XMLStreamException {
        if (skipFrom != 0) {
            if (depth == skipFrom) {
                skipFrom = 0;
            }
            depth--;
            return -1;
        }
        XmlPayload payload = serializer.endElement();
        if (captureDepth == depth) {
            captureDepth = 0;
            String value = capture.toString().trim();
            if (kind == Kind.FEATURES) {
                if (depth == 3 && inSaslMechanisms) {
                    mechanisms.add(value);
                }
                if (value.endsWith("-PLUS")) {
                    serializer.truncate(mechanismMark); // U-6: channel binding cannot cross the CM
                }
            } else {
                boundJid = value;
            }
        }
        depth--;
        if (payload == null) {
            return -1;
        }
        long end = endOffset();
        if (end - boundary > options.maxStanzaBytes()) {
            malformed("policy-violation", "element of " + (end - boundary) + " bytes"); // U-15
            return -1;
        }
        boundary = end;
        switch (kind) {
            case FEATURES:
                emit(new StreamEvent.Features(payload,
                        new FeatureSet(startTls, startTlsRequired, mechanisms, bind, sm, sasl2)));
                break;
            case ERROR:
                emit(new StreamEvent.StreamError(payload,
                        errorCondition == null ? "undefined-condition" : errorCondition));
                break;
            default:
                emit(new StreamEvent.Element(payload, Optional.ofNullable(boundJid)));
                if (payload.is(Namespaces.SASL, "success")) {
                    return (int) (end - fedBefore); // RFC 6120 §6.4.6: the stream restarts here
                }
                if (payload.is(Namespaces.TLS, "proceed")) {
                    state = State.AWAIT_RESET; // RFC 6120 §5.4.3.3: TLS negotiation comes next
                }
                break;
        }
        return -1;
    }

    /** Stream offset of the byte after the current event (exact: slices are fed from position 0). */
    private long endOffset() throws XMLStreamException {
        return reader.getLocationInfo().getEndingByteOffset();
    }

    private void emit(StreamEvent event) {
        if (events == null) {
            events = new ArrayList<>(4);
        }
        events.add(event);
    }

    private void malformed(String condition, String reason) {
        emit(new StreamEvent.Malformed(condition, reason));
        state = State.DONE;
    }

    /**
     * Aalto reports some restricted XML as a plain syntax error: a DOCTYPE with an internal subset, or
     * inside the stream; an entity reference inside an attribute value. Tell those apart from other
     * not-well-formed input (RFC 6120 §11.1 restricted-xml, §11.6 unsupported-encoding) by the token that
     * failed, the same way however the input was split into chunks (fuzzing findings: declaration markup
     * anywhere in the chunk used to count, after the error too; then the bytes before the error, whose
     * offset Aalto places differently for some splits).
     */
    private String classify(XMLStreamException e, ByteBuffer slice) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Unsupported encoding")) {
            return "unsupported-encoding";
        }
        if (message.contains("ENTITY_REFERENCE") || failedInDeclaration(slice)) {
            return "restricted-xml";
        }
        return "not-well-formed";
    }

    /**
     * Whether the token Aalto failed in, the first one after the last event it reported, is declaration
     * markup: {@code <!} and a capital letter ({@code <!DOCTYPE}, {@code <!ENTITY}...). Only the token's
     * first three bytes count, and Aalto has read them whenever it fails in such a token (it fails at the
     * letter at the earliest), so the answer is the same however the input was split. Neither the error
     * offset Aalto reports nor anything after the token's start does: Aalto places errors differently for
     * some splits.
     */
    private boolean failedInDeclaration(ByteBuffer slice) {
        if (tokenAt >= 0) {
            return tokenIsDeclaration;
        }
        for (long p = Math.max(lastEventEnd, fedBefore - tailLength); p < fedTotal; p++) {
            if (!isWhitespaceByte((byte) byteAt(p, slice))) {
                return p + 2 < fedTotal && isDeclarationStart(p, slice);
            }
        }
        return false;
    }

    private boolean isDeclarationStart(long p, ByteBuffer slice) {
        if (byteAt(p, slice) != '<' || byteAt(p + 1, slice) != '!') {
            return false;
        }
        int c = byteAt(p + 2, slice);
        return c >= 'A' && c <= 'Z';
    }

    /** The byte at stream offset {@code offset}: in the slice being fed, or in the tail kept from before it. */
    private int byteAt(long offset, ByteBuffer slice) {
        return offset >= fedBefore ? slice.get((int) (offset - fedBefore))
                : tail[(int) (tailLength - (fedBefore - offset))];
    }

    private void rememberTail(ByteBuffer slice, int length) {
        // The bytes about to leave the tail: the start of the token after the last event may be among them.
        long from = fedBefore - tailLength;
        long to = fedTotal - Math.min(TAIL, tailLength + length);
        for (long p = Math.max(from, lastEventEnd); tokenAt < 0 && p < to; p++) {
            if (!isWhitespaceByte((byte) byteAt(p, slice))) {
                tokenAt = p;
                tokenIsDeclaration = p + 2 < fedTotal && isDeclarationStart(p, slice);
            }
        }
        int keep = Math.min(TAIL, length);
        int fromOld = Math.min(TAIL - keep, tailLength);
        System.arraycopy(tail, tailLength - fromOld, tail, 0, fromOld);
        for (int i = 0; i < keep; i++) {
            tail[fromOld + i] = slice.get(length - keep + i);
        }
        tailLength = fromOld + keep;
    }

    private void newReader() {
        if (reader != null) {
            try {
                reader.close();
            } catch (XMLStreamException e) {
                // nothing to release: the reader holds no stream
            }
        }
        reader = FACTORY.createAsyncForByteBuffer();
        state = State.AWAIT_HEADER;
        fedBefore = 0;
        fedTotal = 0;
        boundary = 0;
        depth = 0;
        skipFrom = 0;
        captureDepth = 0;
        tailLength = 0;
        charDataStart = -1;
        lastEventEnd = 0;
        tokenAt = -1;
        serializer.reset();
    }

    private static boolean isWhitespaceByte(byte b) {
        return b == ' ' || b == '\n' || b == '\t' || b == '\r';
    }

    private static boolean isWhitespace(char[] c, int start, int length) {
        for (int i = start; i < start + length; i++) {
            char ch = c[i];
            if (ch != ' ' && ch != '\n' && ch != '\t' && ch != '\r') {
                return false;
            }
        }
        return true;
    }

    private static InputFactoryImpl newFactory() {
        InputFactoryImpl f = new InputFactoryImpl();
        // RFC 6120 §11.1: no DTDs and no entities; Aalto then reports them as events we refuse.
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        return f;
    }
}
