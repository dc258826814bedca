package boshcm.bench.load.soak;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The soak's fault proxy, in a JVM of its own ({@code java -cp cm-bench.jar
 * boshcm.bench.load.soak.FaultProxyMain <target host> <target port>}): a TCP relay between boshcm
 * and Prosody's c2s port that can reset the upstream connection of one given session. It holds two
 * descriptors per upstream connection, which is why it is not in the load generator: with 5000
 * sessions the generator's own BOSH connections and these would not fit in one process's limit of
 * open files (docs/benchmarks.md, "Soak test").
 *
 * <p>Netty (epoll), one event loop, both legs of a connection on it; each leg reads its next chunk
 * only once the previous one is written to the other leg, so nothing is buffered beyond one chunk.
 * A close on one leg closes the other after what was written (a logout passes through as a clean
 * close). The bytes from the server are scanned for the bound JID ({@link JidSniffer}).
 *
 * <p>It prints {@code listening <port>} once it accepts, then answers commands, one per line, on
 * standard input: {@code cut <jid>} resets both legs of that session's connection ({@code SO_LINGER}
 * 0, then close: an RST each way) and answers {@code cut <jid> ok}, or {@code cut <jid> unknown} when
 * no open connection bound that JID; {@code stats} answers
 * {@code stats accepted=… active=… cut=…}. It exits when standard input closes.
 */
public final class FaultProxyMain {

    private final InetSocketAddress target;
    private final MultiThreadIoEventLoopGroup group;
    private final Class<? extends SocketChannel> channelType;
    private final Class<? extends ServerSocketChannel> serverType;
    private final Map<String, Link> byJid = new ConcurrentHashMap<>();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong active = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();
    private Channel listener;

    FaultProxyMain(InetSocketAddress target) {
        this.target = target;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("fault-proxy", true), factory);
        this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        this.serverType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: FaultProxyMain <target host> <target port>");
            System.exit(2);
        }
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        FaultProxyMain proxy = new FaultProxyMain(new InetSocketAddress(args[0], Integer.parseInt(args[1])));
        int port = proxy.start();
        out.println("listening " + port);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            out.println(proxy.command(line.trim()));
        }
        proxy.close();
        System.exit(0);
    }

    /** Binds 127.0.0.1 on a free port and returns it. */
    int start() throws InterruptedException {
        ServerBootstrap b = new ServerBootstrap().group(group).channel(serverType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Front(new Link(ch)));
                    }
                });
        listener = b.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** One control command; returns the answer line. */
    String command(String line) {
        if (line.equals("stats")) {
            return "stats accepted=" + accepted.get() + " active=" + active.get() + " cut=" + cut.get();
        }
        if (line.startsWith("cut ")) {
            String jid = line.substring(4).trim();
            Link link = byJid.get(jid);
            if (link == null) {
                return "cut " + jid + " unknown";
            }
            try {
                link.front.eventLoop().submit(link::reset).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                return "cut " + jid + " failed " + e;
            }
            cut.incrementAndGet();
            return "cut " + jid + " ok";
        }
        return "error unknown command: " + line;
    }

    void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** One relayed connection: the leg from boshcm and the leg to the server. Touched on its event loop. */
    private final class Link {
        final Channel front;
        Channel back;
        final JidSniffer sniffer = new JidSniffer();
        String jid;
        boolean counted;

        Link(Channel front) {
            this.front = front;
        }

        /** An RST on both legs. */
        void reset() {
            for (Channel c : new Channel[] {front, back}) {
                if (c != null && c.isOpen()) {
                    c.config().setOption(ChannelOption.SO_LINGER, 0);
                    c.close();
                }
            }
        }

        void sniff(ByteBuf buf) {
            if (sniffer.done()) {
                return;
            }
            byte[] bytes = new byte[buf.readableBytes()];
            buf.getBytes(buf.readerIndex(), bytes);
            String found = sniffer.feed(bytes, 0, bytes.length);
            if (found != null) {
                jid = found;
                byJid.put(found, this);
            }
        }

        void closed() {
            if (counted) {
                counted = false;
                active.decrementAndGet();
            }
            if (jid != null) {
                byJid.remove(jid, this);
            }
        }
    }

    /** The leg from boshcm. */
    private final class Front extends ChannelInboundHandlerAdapter {
        private final Link link;

        Front(Link link) {
            this.link = link;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.incrementAndGet();
            active.incrementAndGet();
            link.counted = true;
            Channel front = ctx.channel();
            Bootstrap b = new Bootstrap().group(front.eventLoop()).channel(channelType)
                    .option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .handler(new Back(link));
            b.connect(target).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    link.back = f.channel();
                    if (!front.isOpen()) {
                        f.channel().close();
                        return;
                    }
                    front.read();
                } else {
                    front.config().setOption(ChannelOption.SO_LINGER, 0);
                    front.close();
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel back = link.back;
            if (back == null || !back.isActive()) {
                ReferenceCountUtil.release(msg);
                return;
            }
            relay(ctx, back, msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            link.closed();
            closeOnFlush(link.back);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The leg to the server. */
    private final class Back extends ChannelInboundHandlerAdapter {
        private final Link link;

        Back(Link link) {
            this.link = link;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            link.sniff((ByteBuf) msg);
            relay(ctx, link.front, msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            link.closed();
            closeOnFlush(link.front);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Writes {@code msg} to the other leg and reads the next one only once it is written (backpressure). */
    private static void relay(ChannelHandlerContext ctx, Channel to, Object msg) {
        to.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                ctx.channel().read();
            } else {
                f.channel().close();
            }
        });
    }

    private static void closeOnFlush(Channel c) {
        if (c != null && c.isActive()) {
            c.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
