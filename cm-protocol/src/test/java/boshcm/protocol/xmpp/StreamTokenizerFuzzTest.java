package boshcm.protocol.xmpp;

import static boshcm.protocol.FuzzChecks.require;
import static boshcm.protocol.FuzzChecks.requireWellFormedElement;
import static boshcm.protocol.FuzzChecks.show;
import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

import boshcm.protocol.body.XmlPayload;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzing the upstream stream parser (checklist S-2, S-3, U-5, U-14, U-15; docs/testing.md "Fuzzing"):
 * arbitrary bytes, split into chunks at arbitrary offsets, give {@link StreamEvent}s or one
 * {@link StreamEvent.Malformed} (never an exception), and the same events however they are split (the
 * stream-error reason text aside, which is for logs; invalid UTF-8 included, see {@link Utf8Validator}),
 * and the same when the tokenizer {@link StreamTokenizer#hibernate hibernates} between chunks.
 * What reaches the browser is well-formed, namespace-self-contained XML without restricted constructs,
 * within the size limit.
 *
 * <p>Regression inputs: {@code src/test/resources/boshcm/protocol/xmpp/StreamTokenizerFuzzTestInputs/<method>/}.
 */
class StreamTokenizerFuzzTest {

    /** Input the fuzzer's bytes follow, so that it starts inside a stream as often as before one. */
    private static final byte[][] PREFIXES = {
        new byte[0],
        StreamTokenizerTest.utf8("<?xml version='1.0'?>"),
        StreamTokenizerTest.utf8(StreamTokenizerTest.HEADER),
        StreamTokenizerTest.utf8(StreamTokenizerTest.HEADER + StreamTokenizerTest.FEATURES + StreamTokenizerTest.SUCCESS),
    };

    @FuzzTest
    @Timeout(value = 10, threadMode = SEPARATE_THREAD)
    void anyChunks(FuzzedDataProvider data) {
        TokenizerOptions options = new TokenizerOptions(10_000, data.consumeInt(2, 8), data.consumeInt(1, 8),
                data.consumeBoolean());
        byte[] prefix = PREFIXES[data.consumeInt(0, PREFIXES.length - 1)];
        int[] sizes = new int[data.consumeInt(1, 12)];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = data.consumeInt(1, 300);
        }
        byte[] rest = data.consumeRemainingAsBytes();
        byte[] input = Arrays.copyOf(prefix, prefix.length + rest.length);
        System.arraycopy(rest, 0, input, prefix.length, rest.length);

        List<StreamEvent> whole = tokenize(options, input, new int[] {Math.max(1, input.length)}, false);
        List<StreamEvent> chunked = tokenize(options, input, sizes, true);
        require(same(chunked, whole), () -> "split " + Arrays.toString(sizes)
                + " gives " + chunked + " but in one piece " + whole + ": " + show(input));
        if (input.length <= 1024) {
            List<StreamEvent> bytewise = tokenize(options, input, new int[] {1}, false);
            require(same(bytewise, whole), () -> "byte by byte gives " + bytewise
                    + " but in one piece " + whole + ": " + show(input));
        }
    }

    /**
     * Feeds {@code input} in chunks of {@code sizes} (repeated), checking every event as it comes; with
     * {@code hibernate}, the tokenizer is asked to {@link StreamTokenizer#hibernate} after every chunk.
     */
    static List<StreamEvent> tokenize(TokenizerOptions options, byte[] input, int[] sizes, boolean hibernate) {
        StreamTokenizer tokenizer = new StreamTokenizer(options);
        List<StreamEvent> events = new ArrayList<>();
        int pos = 0;
        for (int i = 0; pos < input.length; i++) {
            int n = Math.min(sizes[i % sizes.length], input.length - pos);
            ByteBuffer chunk = ByteBuffer.wrap(input, pos, n);
            List<StreamEvent> out = tokenizer.feed(chunk);
            require(!chunk.hasRemaining(), () -> "a chunk was not consumed");
            for (StreamEvent e : out) {
                require(events.isEmpty() || !terminal(events.get(events.size() - 1)),
                        () -> "an event after the end: " + e + " after " + events + ": " + show(input));
                check(e, options, input);
                events.add(e);
            }
            pos += n;
            if (hibernate) {
                tokenizer.hibernate();
            }
        }
        return events;
    }

    private static void check(StreamEvent e, TokenizerOptions options, byte[] input) {
        XmlPayload payload = null;
        if (e instanceof StreamEvent.Element el) {
            payload = el.payload();
        } else if (e instanceof StreamEvent.Features f) {
            payload = f.clientView();
        } else if (e instanceof StreamEvent.StreamError se) {
            payload = se.clientView();
            require(se.condition() != null && !se.condition().isEmpty(), () -> "a stream error without a condition");
        } else if (e instanceof StreamEvent.Malformed m) {
            require(List.of("not-well-formed", "restricted-xml", "unsupported-encoding", "policy-violation", "invalid-namespace")
                    .contains(m.streamErrorCondition()), () -> "stream error condition " + m);
        }
        if (payload != null) {
            XmlPayload p = payload;
            require(p.size() <= 2L * options.maxStanzaBytes() + 64, () -> "a " + p.size() + "-byte payload");
            requireWellFormedElement(p.bytes(), "what the browser gets from " + show(input));
        }
    }

    private static boolean terminal(StreamEvent e) {
        return e instanceof StreamEvent.Malformed || e instanceof StreamEvent.Closed;
    }

    /** The same events, the reason of a Malformed left out (it quotes the parser, for the logs). */
    static boolean same(List<StreamEvent> a, List<StreamEvent> b) {
        return comparable(a).equals(comparable(b));
    }

    /** The events with the reason of a Malformed left out: it quotes the parser, for the logs. */
    private static List<StreamEvent> comparable(List<StreamEvent> events) {
        return events.stream().map(e -> e instanceof StreamEvent.Malformed m
                ? new StreamEvent.Malformed(m.streamErrorCondition(), "") : e).toList();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
