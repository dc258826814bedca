package boshcm.protocol.body;

import static boshcm.protocol.FuzzChecks.allocated;
import static boshcm.protocol.FuzzChecks.anyString;
import static boshcm.protocol.FuzzChecks.asXmlReadsIt;
import static boshcm.protocol.FuzzChecks.require;
import static boshcm.protocol.FuzzChecks.requireWellFormedElement;
import static boshcm.protocol.FuzzChecks.show;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

import boshcm.protocol.FuzzChecks;
import boshcm.protocol.body.ParseOutcome.Parsed;
import boshcm.protocol.body.ParseOutcome.Rejected;
import boshcm.protocol.error.Condition;
import boshcm.protocol.xml.XmlOutput;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamTokenizer;
import boshcm.protocol.xmpp.TokenizerOptions;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzing the client body parser (checklist S-1, S-2, S-3, B-6-3, B-6-5; docs/testing.md "Fuzzing").
 * Whatever the bytes, {@link BodyParser} returns a {@link ParseOutcome} (never throws), in bounded
 * time and allocation, and what it accepts is consistent: the payloads it wrote read back the same
 * through the parser again and through the upstream stream parser, and a body {@link BodyWriter} wrote
 * reads back with every attribute and payload as written.
 *
 * <p>Regression inputs: {@code src/test/resources/boshcm/protocol/body/BodyParserFuzzTestInputs/<method>/}.
 */
class BodyParserFuzzTest {

    /** Small limits, so that short inputs reach every one of them. */
    static final BodyLimits SMALL = new BodyLimits(1024, 5, 4, 64, 64, 3, 4);
    private static final BodyParser SMALL_PARSER = new BodyParser(SMALL);
    private static final BodyParser DEFAULT_PARSER = new BodyParser(BodyLimits.defaults());

    /**
     * Allocation allowed for one parse: a fixed part for the reader and its buffers, plus a multiple
     * of the input (decoded chars, the payload copies, the outcome). Far above what a parse takes,
     * far below what an expansion (entities, quadratic copying) would.
     */
    static final long ALLOCATION_BASE = 256 * 1024;
    static final long ALLOCATION_PER_BYTE = 64;
    /**
     * While fuzzing, Jazzer's comparison hooks allocate too (they copy the strings the parser compares),
     * so only a blow-up is caught there; the bound above holds in every build's regression run.
     */
    static final long FUZZING_ALLOCATION_FACTOR = FuzzChecks.fuzzing() ? 16 : 1;

    /** Arbitrary bytes as a request body, parsed with small limits and with the defaults. */
    @FuzzTest
    @Timeout(value = 10, threadMode = SEPARATE_THREAD)
    void anyBytes(byte[] input) {
        checkParse(SMALL_PARSER, input);
        checkParse(DEFAULT_PARSER, input);
    }

    /** A body {@link BodyWriter} wrote, with fuzzed attribute values and payload text, reads back as written. */
    @FuzzTest
    @Timeout(value = 10, threadMode = SEPARATE_THREAD)
    void writtenBodies(FuzzedDataProvider data) {
        long rid = data.consumeLong(1, ClientBody.MAX_RID);
        String sid = anyString(data, 40);
        int wait = data.consumeInt(0, 100_000);
        int hold = data.consumeInt(0, 1000);
        long ack = data.consumeLong(0, Long.MAX_VALUE);
        BoshVersion ver = new BoshVersion(data.consumeInt(0, 1_000_000), data.consumeInt(0, 1_000_000));
        String from = anyString(data, 30);
        String stream = anyString(data, 20);
        String xmppVersion = anyString(data, 8);
        boolean terminate = data.consumeBoolean();
        List<String[]> messages = new ArrayList<>();
        for (int i = data.consumeInt(0, 3); i > 0; i--) {
            messages.add(new String[] {anyString(data, 20), anyString(data, 200)});
        }

        ServerBody body = (terminate ? ServerBody.terminate(Condition.OTHER_REQUEST) : ServerBody.empty())
                .with(BodyAttribute.SID, sid).with(BodyAttribute.WAIT, Integer.toString(wait))
                .with(BodyAttribute.HOLD, Integer.toString(hold)).with(BodyAttribute.ACK, Long.toString(ack))
                .with(BodyAttribute.VER, ver.toString()).with(BodyAttribute.FROM, from)
                .with(BodyAttribute.STREAM, stream).with(BodyAttribute.XMPP_VERSION, xmppVersion)
                .withPayloads(messages.stream().map(m -> clientMessage(m[0], m[1])).toList());
        byte[] written = BodyWriter.write(body);
        requireWellFormedElement(written, "BodyWriter output");
        byte[] request = withRid(written, rid);

        ParseOutcome outcome = DEFAULT_PARSER.parse(request);
        require(outcome instanceof Parsed, () -> "a written body is refused: " + outcome + " for " + show(request));
        ClientBody read = ((Parsed) outcome).body();
        require(read.rid() == rid, () -> "rid " + read.rid());
        require(read.sid().equals(Optional.of(asXmlReadsIt(sid))), () -> "sid " + read.sid() + " for " + show(request));
        require(read.waitSeconds().equals(OptionalInt.of(Math.min(wait, 65535))), () -> "wait " + read.waitSeconds());
        require(read.hold().equals(OptionalInt.of(Math.min(hold, 255))), () -> "hold " + read.hold());
        require(read.ack().equals(OptionalLong.of(ack)), () -> "ack " + read.ack());
        require(read.ver().equals(Optional.of(ver)), () -> "ver " + read.ver());
        require(read.from().equals(Optional.of(asXmlReadsIt(from))), () -> "from " + read.from());
        require(read.stream().equals(Optional.of(asXmlReadsIt(stream))), () -> "stream " + read.stream());
        require(read.xmppVersion().equals(Optional.of(asXmlReadsIt(xmppVersion))),
                () -> "xmpp:version " + read.xmppVersion());
        require(read.isTerminate() == terminate, () -> "type " + read.type());
        require(read.payloads().size() == messages.size(), () -> "payloads " + read.payloads());
        for (int i = 0; i < messages.size(); i++) {
            String id = asXmlReadsIt(messages.get(i)[0]);
            String text = asXmlReadsIt(messages.get(i)[1]);
            XmlPayload p = read.payloads().get(i);
            byte[] expected = upstreamMessage(id, text);
            require(p.is(Namespaces.JABBER_CLIENT, "message") && p.attributes().equals(Map.of("id", id))
                            && java.util.Arrays.equals(p.bytes(), expected),
                    () -> "payload " + p + ", expected " + new String(expected, StandardCharsets.UTF_8));
        }
        checkParse(DEFAULT_PARSER, request);
    }

    /**
     * Parses {@code input} and checks the outcome. Every outcome: no exception, bounded allocation,
     * a rejection only as bad-request, or policy-violation exactly when the body is over the size limit.
     * A parsed body: within the limits; written out again it parses to the same body (the payload
     * bytes are a fixed point); and the upstream stream parser reads its payloads as the same elements.
     */
    static void checkParse(BodyParser parser, byte[] input) {
        BodyLimits limits = parser.limits();
        long before = allocated();
        ParseOutcome outcome = parser.parse(input);
        long allowed = (ALLOCATION_BASE + ALLOCATION_PER_BYTE * input.length) * FUZZING_ALLOCATION_FACTOR;
        if (allocated() - before > allowed) {
            // The first parse down a path also loads and initialises classes: measure a second one.
            long again = allocated();
            parser.parse(input);
            long used = allocated() - again;
            require(used <= allowed,
                    () -> "parsing " + input.length + " bytes allocated " + used + " bytes: " + show(input));
        }
        boolean oversize = input.length > limits.maxBodyBytes();
        if (outcome instanceof Rejected rejected) {
            require(rejected.reason() != null, () -> "a rejection without a reason");
            Condition expected = oversize ? Condition.POLICY_VIOLATION : Condition.BAD_REQUEST;
            require(rejected.condition() == expected,
                    () -> "rejected with " + rejected.condition() + " (" + rejected.reason() + "), oversize " + oversize
                            + ": " + show(input));
            return;
        }
        require(!oversize, () -> "an oversize body was parsed: " + show(input));
        ClientBody body = ((Parsed) outcome).body();
        require(body.payloads().size() <= limits.maxPayloads(), () -> body.payloads().size() + " payloads");
        byte[] again = ClientBodies.write(body);
        ParseOutcome reparsed = DEFAULT_PARSER.parse(again);
        require(reparsed instanceof Parsed p && p.body().equals(body),
                () -> "written out again, " + show(input) + " became " + show(again) + ", which parses to " + reparsed
                        + " instead of " + body);
        readUpstream(body.payloads(), input);
    }

    /** The payloads as the server reads them on a c2s stream: each one element, the same element. */
    private static void readUpstream(List<XmlPayload> payloads, byte[] input) {
        if (payloads.isEmpty()) {
            return;
        }
        StreamTokenizer tokenizer = new StreamTokenizer(TokenizerOptions.defaults());
        List<StreamEvent> events = new ArrayList<>(tokenizer.feed(ByteBuffer.wrap(
                ("<stream:stream xmlns='jabber:client' xmlns:stream='" + Namespaces.STREAMS + "' version='1.0'>")
                        .getBytes(StandardCharsets.UTF_8))));
        for (XmlPayload p : payloads) {
            events.addAll(tokenizer.feed(ByteBuffer.wrap(p.bytes())));
            if (p.is(Namespaces.SASL, "success")) {
                break; // the stream parser restarts after a SASL success (RFC 6120 §6.4.6)
            }
        }
        require(!events.isEmpty() && events.get(0) instanceof StreamEvent.Opened, () -> "no stream header: " + events);
        for (int i = 1; i < events.size(); i++) {
            XmlPayload sent = payloads.get(i - 1);
            StreamEvent e = events.get(i);
            require(e instanceof StreamEvent.Element el && el.payload().namespace().equals(sent.namespace())
                            && el.payload().localName().equals(sent.localName())
                            && el.payload().attributes().equals(sent.attributes()),
                    () -> "the server would read " + sent + " as " + e + "; body " + show(input));
        }
    }

    /** {@code <message xmlns='jabber:client' id='…'><body>…</body></message>}, as a server would send it. */
    private static XmlPayload clientMessage(String id, String text) {
        XmlOutput out = new XmlOutput(64);
        out.ascii("<message xmlns='jabber:client' id='").attributeValue(id).ascii("'><body>").text(text)
                .ascii("</body></message>");
        return new XmlPayload(Namespaces.JABBER_CLIENT, "message", Map.of("id", id), out.toByteArray());
    }

    /** The same message in upstream form, as the parser writes it (already read-back text). */
    private static byte[] upstreamMessage(String id, String text) {
        XmlOutput out = new XmlOutput(64);
        out.ascii("<message id='").attributeValue(id).ascii("'>");
        if (text.isEmpty()) {
            out.ascii("<body/>");
        } else {
            out.ascii("<body>").text(text).ascii("</body>");
        }
        return out.ascii("</message>").toByteArray();
    }

    /** {@code <body rid='…' …>}: the rid a client puts on a body like the ones BodyWriter writes. */
    private static byte[] withRid(byte[] written, long rid) {
        String head = "<body";
        byte[] attribute = (" rid='" + rid + "'").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[written.length + attribute.length];
        System.arraycopy(written, 0, out, 0, head.length());
        System.arraycopy(attribute, 0, out, head.length(), attribute.length);
        System.arraycopy(written, head.length(), out, head.length() + attribute.length, written.length - head.length());
        return out;
    }
}
