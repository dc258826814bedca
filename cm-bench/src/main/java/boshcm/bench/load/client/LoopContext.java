package boshcm.bench.load.client;

import boshcm.bench.load.measure.LoopStats;
import boshcm.bench.load.xml.BoshResponseReader;
import boshcm.bench.load.xml.StanzaReader;
import boshcm.bench.load.xml.XmlScanner;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;

/**
 * What the sessions pinned to one client event loop share: the loop, a parser and scratch buffer
 * (safe to share because only this loop's thread uses them), the loop's {@link LoopStats}, and a
 * bootstrap that registers new connections on this same loop (Netty's proxy example: a session and
 * all its channels on one thread, no locks).
 */
public final class LoopContext {

    final EventLoop loop;
    final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    final Bootstrap bootstrap;
    final XmlScanner scanner = new XmlScanner();
    final StanzaReader stanzaReader = new StanzaReader();
    final BoshResponseReader boshReader = new BoshResponseReader(scanner, stanzaReader);
    public final LoopStats stats = new LoopStats();
    private byte[] scratch = new byte[8192];

    LoopContext(EventLoop loop, Bootstrap bootstrap) {
        this.loop = loop;
        this.bootstrap = bootstrap;
    }

    public EventLoop loop() {
        return loop;
    }

    /** The readable bytes of {@code buf}, copied to the start of the loop's scratch array (valid until the next call). */
    byte[] bytesOf(ByteBuf buf) {
        int n = buf.readableBytes();
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        buf.getBytes(buf.readerIndex(), scratch, 0, n);
        return scratch;
    }
}
