package boshcm.bench.load.xml;

import io.netty.buffer.ByteBuf;

/**
 * Cuts the bytes of a c2s XMPP stream (RFC 6120 §4) into top-level elements as they arrive, and
 * hands each complete one to a {@link StanzaReader}. The stream header may come again on the same
 * connection (a restart after SASL success, RFC 6120 §6.4.6). Bytes are copied once into a buffer
 * owned by the framer, which grows to the largest element seen and is reused. Not thread-safe: one
 * per connection, used on its event loop.
 */
public final class StreamFramer {

    /** What the framer reports besides stanzas. */
    public interface Events extends StanzaListener {
        /** A {@code <stream:stream>} header. */
        void onStreamOpened();

        /** {@code </stream:stream>}. */
        void onStreamClosed();
    }

    private final XmlScanner scanner;
    private final StanzaReader reader;
    private byte[] buf = new byte[1024];
    private int start;
    private int end;

    public StreamFramer(XmlScanner scanner, StanzaReader reader) {
        this.scanner = scanner;
        this.reader = reader;
    }

    /** Appends (reads) every readable byte of {@code in}. */
    public void append(ByteBuf in) {
        int length = in.readableBytes();
        ensureRoom(length);
        in.readBytes(buf, end, length);
        end += length;
    }

    public void append(byte[] bytes) {
        ensureRoom(bytes.length);
        System.arraycopy(bytes, 0, buf, end, bytes.length);
        end += bytes.length;
    }

    private void ensureRoom(int length) {
        if (end + length > buf.length) {
            int live = end - start;
            if (live + length > buf.length) {
                byte[] bigger = new byte[Math.max(buf.length * 2, live + length)];
                System.arraycopy(buf, start, bigger, 0, live);
                buf = bigger;
            } else {
                System.arraycopy(buf, start, buf, 0, live);
            }
            start = 0;
            end = live;
        }
    }

    /**
     * Delivers every complete top-level element in the buffer, in order, and keeps any incomplete
     * rest for the next call. A partly received element is scanned again from its start next time;
     * stanzas here are small, so that costs less than keeping a resumable state.
     */
    public void drain(Events events) {
        while (start < end) {
            scanner.reset(buf, start, end);
            int kind = scanner.next();
            switch (kind) {
                case XmlScanner.INCOMPLETE -> {
                    compact();
                    return;
                }
                case XmlScanner.TEXT -> start = scanner.position(); // whitespace keepalive between stanzas
                case XmlScanner.END -> {
                    start = scanner.position();
                    events.onStreamClosed();
                }
                case XmlScanner.START, XmlScanner.EMPTY -> {
                    if (kind == XmlScanner.START && scanner.localNameIs("stream")) {
                        start = scanner.position();
                        events.onStreamOpened();
                        break;
                    }
                    int elementStart = scanner.tokenStart();
                    if (kind == XmlScanner.START && !scanner.skipElement()) {
                        compact();
                        return; // the element's end has not arrived yet
                    }
                    int elementEnd = scanner.position();
                    start = elementEnd;
                    scanner.reset(buf, elementStart, elementEnd);
                    reader.read(scanner, scanner.next(), events);
                }
                default -> throw new IllegalStateException("token " + kind);
            }
        }
        start = 0;
        end = 0;
    }

    private void compact() {
        if (start > 0 && start == end) {
            start = 0;
            end = 0;
        }
    }

    /** Bytes received but not yet part of a complete element. */
    public int pending() {
        return end - start;
    }
}
