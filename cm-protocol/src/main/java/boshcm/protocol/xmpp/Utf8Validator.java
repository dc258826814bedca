package boshcm.protocol.xmpp;

import java.nio.ByteBuffer;

/**
 * Cuts upstream input at UTF-8 character boundaries and checks it is UTF-8 (RFC 3629 §4: no overlong
 * forms, no surrogates, nothing above U+10FFFF; RFC 6120 §11.6: UTF-8 is the only encoding of a stream).
 * Aalto's non-blocking reader mishandles a character split across two chunks (fuzzing findings): some
 * invalid sequences go through unchecked or are reported a chunk later, and a valid four-byte character
 * in an attribute value can come out as another character. So Aalto is only ever given whole characters:
 * the bytes of a character a chunk ends inside wait here for the next chunk. Not thread-safe; one per
 * {@link StreamTokenizer}.
 */
final class Utf8Validator {

    private final byte[] carry = new byte[3];
    private int carried;

    /**
     * The next input for Aalto: the bytes carried from the chunk before, then {@code chunk} (whose
     * position moves to its limit), up to the first byte that cannot be UTF-8 or else up to the last
     * whole character; the rest of an unfinished character is carried to the next call. Sets
     * {@link #invalid()}.
     */
    ByteBuffer next(ByteBuffer chunk) {
        ByteBuffer in;
        if (carried == 0) {
            in = chunk.slice();
        } else {
            in = ByteBuffer.allocate(carried + chunk.remaining());
            in.put(carry, 0, carried).put(chunk.duplicate()).flip();
            carried = 0;
        }
        chunk.position(chunk.limit());
        int end = in.limit();
        int i = 0;
        invalid = false;
        while (i < end) {
            int b = in.get(i) & 0xFF;
            if (b < 0x80) {
                i++;
                continue;
            }
            int length;
            int lower = 0x80;
            int upper = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                length = 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                length = 3;
                lower = b == 0xE0 ? 0xA0 : 0x80;          // no overlong three-byte form
                upper = b == 0xED ? 0x9F : 0xBF;          // no surrogates
            } else if (b >= 0xF0 && b <= 0xF4) {
                length = 4;
                lower = b == 0xF0 ? 0x90 : 0x80;          // no overlong four-byte form
                upper = b == 0xF4 ? 0x8F : 0xBF;          // nothing above U+10FFFF
            } else {
                invalid = true;                           // a stray continuation byte, C0, C1, F5..FF
                break;
            }
            int k = 1;
            while (k < length && i + k < end) {
                int c = in.get(i + k) & 0xFF;
                if (c < (k == 1 ? lower : 0x80) || c > (k == 1 ? upper : 0xBF)) {
                    invalid = true;
                    break;
                }
                k++;
            }
            if (invalid) {
                break;
            }
            if (k < length) {                             // unfinished: wait for the rest
                carried = end - i;
                in.get(i, carry, 0, carried);
                break;
            }
            i += length;
        }
        in.limit(i);
        return in;
    }

    private boolean invalid;

    /** The last {@link #next} stopped at a byte that cannot be UTF-8. */
    boolean invalid() {
        return invalid;
    }

    /** A new stream starts (after TLS): nothing carries over. */
    void reset() {
        carried = 0;
        invalid = false;
    }
}
