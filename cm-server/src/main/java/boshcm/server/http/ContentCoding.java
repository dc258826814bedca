package boshcm.server.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Request {@code Content-Encoding} handling (XEP-0124 §7.2 {@code accept}, checklist B-7.2-9): the
 * codings the CM advertises are decoded, in memory, with the body limit applied to the decoded
 * bytes so that a small compressed body cannot inflate without bound.
 */
final class ContentCoding {

    /** The header value cannot be honoured (an unsupported or unadvertised coding). */
    static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String coding) {
            super(coding, null, false, false);
        }
    }

    /** The decoded body would exceed the limit. */
    static final class TooLarge extends Exception {
        private static final long serialVersionUID = 1L;

        TooLarge() {
            super("decoded body over limit", null, false, false);
        }
    }

    private final Set<String> accepted;

    /** {@code accept} as the session policy advertises it, like {@code gzip}. */
    ContentCoding(String accept) {
        this.accepted = Set.copyOf(Arrays.stream(accept.toLowerCase(Locale.ROOT).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList());
    }

    /**
     * Whether {@code contentEncoding} needs gzip decoding; false for none or {@code identity}.
     *
     * @throws Unsupported for any other coding, or gzip when it is not advertised
     */
    boolean needsGunzip(String contentEncoding) throws Unsupported {
        if (contentEncoding == null) {
            return false;
        }
        boolean gzip = false;
        for (String part : contentEncoding.split(",")) {
            String coding = part.trim().toLowerCase(Locale.ROOT);
            if (coding.isEmpty() || coding.equals("identity")) {
                continue;
            }
            if ((coding.equals("gzip") || coding.equals("x-gzip")) && accepted.contains("gzip") && !gzip) {
                gzip = true;
                continue;
            }
            throw new Unsupported(coding);
        }
        return gzip;
    }

    /** Decodes a gzip body, reading at most {@code limit} + 1 decoded bytes. */
    static byte[] gunzip(byte[] in, int length, int limit) throws IOException, TooLarge {
        try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(in, 0, length), 8192)) {
            byte[] out = new byte[Math.min(limit, Math.max(1024, length * 4)) + 1];
            int n = 0;
            while (true) {
                if (n == out.length) {
                    if (out.length > limit) {
                        throw new TooLarge();
                    }
                    out = Arrays.copyOf(out, (int) Math.min((long) limit + 1, (long) out.length * 2));
                }
                int r = gz.read(out, n, out.length - n);
                if (r < 0) {
                    break;
                }
                n += r;
                if (n > limit) {
                    throw new TooLarge();
                }
            }
            return Arrays.copyOf(out, n);
        }
    }
}
