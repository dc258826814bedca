package boshcm.protocol.sm;

import java.util.OptionalLong;

/**
 * XEP-0198 §4 sequence numbers, like the {@code h} of {@code <a xmlns='urn:xmpp:sm:3' h='4294967295'/>}:
 * an xs:unsignedInt that counts handled stanzas from zero and wraps from 2^32−1 back to 0 (checklist
 * SM-4). Values are held in a {@code long} in [0, 2^32−1]; every method here keeps them there.
 *
 * <p>Distances are taken modulo 2^32, so a window that crosses the wrap (last acknowledged 2^32−2,
 * sent 1) still has a size of 3.
 */
public final class SequenceNumber {

    /** 2^32: the count after 2^32−1 is 0 (§4). */
    public static final long MODULUS = 1L << 32;
    /** 2^32−1, the largest value of an xs:unsignedInt. */
    public static final long MAX = MODULUS - 1;

    private SequenceNumber() {}

    public static boolean isValid(long n) {
        return n >= 0 && n <= MAX;
    }

    /** {@code n + 1} modulo 2^32: 2^32−1 → 0. */
    public static long next(long n) {
        return (check(n) + 1) & MAX;
    }

    /** {@code n − 1} modulo 2^32: 0 → 2^32−1. */
    public static long previous(long n) {
        return (check(n) - 1) & MAX;
    }

    /** {@code n + k} modulo 2^32, for a count {@code k ≥ 0}. */
    public static long add(long n, long k) {
        if (k < 0) {
            throw new IllegalArgumentException("negative step " + k);
        }
        return (check(n) + k) & MAX;
    }

    /** {@code (to − from) mod 2^32}: how many stanzas an ack of {@code to} covers after one of {@code from} (§4). */
    public static long distance(long from, long to) {
        return (check(to) - check(from)) & MAX;
    }

    /**
     * Whether {@code h} lies in {@code [from, to]} going forward from {@code from} with wrap: an ack
     * that is neither behind the last one nor ahead of what was sent.
     */
    public static boolean within(long from, long h, long to) {
        return distance(from, h) <= distance(from, to);
    }

    /**
     * An {@code h} attribute value: an xs:unsignedInt in 0 … 2^32−1, written in decimal with an
     * optional {@code +} and leading zeros, surrounded by optional XML whitespace (XML Schema
     * whiteSpace="collapse"). Anything else, including a value of 2^32 or more, is empty.
     */
    public static OptionalLong parse(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isXmlSpace(value.charAt(start))) {
            start++;
        }
        while (end > start && isXmlSpace(value.charAt(end - 1))) {
            end--;
        }
        boolean negative = false;
        if (start < end && (value.charAt(start) == '+' || value.charAt(start) == '-')) {
            negative = value.charAt(start) == '-';
            start++;
        }
        if (start == end) {
            return OptionalLong.empty();
        }
        long n = 0;
        for (int i = start; i < end; i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
            n = n * 10 + (c - '0');
            if (n > MAX) {
                return OptionalLong.empty();
            }
        }
        if (negative && n != 0) {
            return OptionalLong.empty(); // xs:nonNegativeInteger allows "-0" and nothing else negative
        }
        return OptionalLong.of(n);
    }

    /** The decimal form used in {@code h} and {@code send-count}. */
    public static String toWire(long n) {
        return Long.toString(check(n));
    }

    private static long check(long n) {
        if (!isValid(n)) {
            throw new IllegalArgumentException("sequence number out of range: " + n);
        }
        return n;
    }

    private static boolean isXmlSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }
}
