package boshcm.protocol.xmpp;

import java.nio.ByteBuffer;

/**
 * Checks that a byte stream is UTF-8 (RFC 3629 §4: no overlong forms, no surrogates, nothing above
 * U+10FFFF), chunk by chunk, with a character allowed to be split across chunks. RFC 6120 §11.6 makes
 * UTF-8 the only encoding of a stream. Aalto checks it too, but its non-blocking reader lets some
 * sequences split across two chunks through unchecked (one inside a processing instruction was never
 * reported) or reports them a chunk later (fuzzing findings), so the stream parser checks first.
 * Not thread-safe; one per {@link StreamTokenizer}.
 */
final class Utf8Validator {

    /** Continuation bytes still expected for the character in progress. */
    private int needed;
    /** Bounds of the next continuation byte (RFC 3629 §4 narrows the first one after some lead bytes). */
    private int lower = 0x80;
    private int upper = 0xBF;

    /**
     * The offset in {@code chunk} (from its position) of the first byte that cannot be UTF-8, or -1 if
     * there is none; a character left unfinished at the end is fine. Does not move the position.
     */
    int firstInvalid(ByteBuffer chunk) {
        int start = chunk.position();
        int end = chunk.limit();
        for (int i = start; i < end; i++) {
            int b = chunk.get(i) & 0xFF;
            if (needed == 0) {
                if (b < 0x80) {
                    continue;
                }
                if (b >= 0xC2 && b <= 0xDF) {
                    expect(1, 0x80, 0xBF);
                } else if (b == 0xE0) {
                    expect(2, 0xA0, 0xBF);                 // no overlong three-byte form
                } else if (b == 0xED) {
                    expect(2, 0x80, 0x9F);                 // no surrogates
                } else if (b >= 0xE1 && b <= 0xEF) {
                    expect(2, 0x80, 0xBF);
                } else if (b == 0xF0) {
                    expect(3, 0x90, 0xBF);                 // no overlong four-byte form
                } else if (b >= 0xF1 && b <= 0xF3) {
                    expect(3, 0x80, 0xBF);
                } else if (b == 0xF4) {
                    expect(3, 0x80, 0x8F);                 // nothing above U+10FFFF
                } else {
                    return i - start;                      // a stray continuation byte, C0, C1, F5..FF
                }
            } else if (b >= lower && b <= upper) {
                needed--;
                lower = 0x80;
                upper = 0xBF;
            } else {
                return i - start;
            }
        }
        return -1;
    }

    /** A new stream starts (after TLS): nothing carries over. */
    void reset() {
        needed = 0;
        lower = 0x80;
        upper = 0xBF;
    }

    private void expect(int continuations, int firstLower, int firstUpper) {
        needed = continuations;
        lower = firstLower;
        upper = firstUpper;
    }
}
