package boshcm.bench.load.xml;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark message:
 * {@code <message to='u2@bench.test/r' type='chat' xmlns='jabber:client'><body>17 81234567890123</body></message>},
 * whose body holds the sender's sequence number and the {@link System#nanoTime()} at which it was
 * handed to the sending session; the receiver runs in the same process, so the two clocks are one. Each sender writes the
 * fixed part once ({@link #prefix}) and only the two numbers per message.
 */
public final class ChatFormat {

    private static final byte[] SUFFIX = "</body></message>".getBytes(StandardCharsets.US_ASCII);

    private ChatFormat() {}

    /** {@code <message to='…' type='chat' xmlns='jabber:client'><body>}, for one receiver. */
    public static byte[] prefix(String toFullJid) {
        return ("<message to='" + escape(toFullJid) + "' type='chat' xmlns='jabber:client'><body>")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Writes one whole message: {@code prefix}, the two numbers, the suffix. */
    public static void write(ByteBuf out, byte[] prefix, long seq, long sentNanos) {
        out.writeBytes(prefix);
        writeDecimal(out, seq);
        out.writeByte(' ');
        writeDecimal(out, sentNanos);
        out.writeBytes(SUFFIX);
    }

    /** The most bytes {@link #write} adds for a given prefix. */
    public static int maxLength(byte[] prefix) {
        return prefix.length + 20 + 1 + 20 + SUFFIX.length;
    }

    /** Writes a non-negative number in ASCII decimal without allocating. */
    public static void writeDecimal(ByteBuf out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative: " + value);
        }
        if (value == 0) {
            out.writeByte('0');
            return;
        }
        long divisor = 1;
        while (value / divisor >= 10) {
            divisor *= 10;
        }
        while (divisor > 0) {
            out.writeByte((int) ('0' + (value / divisor) % 10));
            divisor /= 10;
        }
    }

    /** Escapes the characters that may not appear in a single-quoted attribute value. */
    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace("'", "&apos;").replace("\"", "&quot;");
    }
}
