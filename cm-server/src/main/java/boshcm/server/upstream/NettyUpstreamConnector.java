package boshcm.server.upstream;

import boshcm.protocol.session.UpstreamTarget;
import boshcm.protocol.xmpp.StreamHeader;
import boshcm.server.logging.SessionMdc;
import boshcm.server.upstream.UpstreamResolver.Candidate;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.resolver.NoopAddressResolverGroup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens upstream c2s streams with Netty. Each stream's channel is registered on the event loop the
 * session gives, so the session, its channel and every listener callback share one thread.
 *
 * <p>Usage, from the composition root:
 * <pre>{@code
 * var group = UpstreamTransport.newEventLoopGroup(0, true);       // owned by the caller
 * var connector = new NettyUpstreamConnector(UpstreamSettings.defaults());
 * UpstreamConnection c = connector.open(group.next(), UpstreamTarget.domain("example.com"), header, listener);
 * ...
 * connector.close();                                               // DNS resolvers
 * group.shutdownGracefully();
 * }</pre>
 *
 * <p>Candidates from {@link UpstreamResolver} are tried in order, each address of each host in turn,
 * until one accepts TCP (RFC 6120 §3.2.1); the whole attempt, TLS and stream headers included,
 * is bounded by {@link UpstreamSettings#connectTimeout()}.
 */
public final class NettyUpstreamConnector implements UpstreamConnector, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NettyUpstreamConnector.class);
    /** Socket reads per batch: with buffers of at most 64 KiB, 256 KiB per batch at most. */
    static final int MAX_READS_PER_BATCH = 4;
    /** Netty's default adaptive buffer sizes (64 B to 64 KiB), with {@link #MAX_READS_PER_BATCH}. */
    private static final RecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator().maxMessagesPerRead(MAX_READS_PER_BATCH);
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 128 * 1024);
    /** The pipeline is built by {@link NettyUpstreamConnection#attach} once TCP is up. */
    private static final ChannelInitializer<Channel> EMPTY = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
        }
    };

    private final UpstreamSettings settings;
    private final UpstreamTls tls;
    private final UpstreamResolver resolver;
    private final UpstreamMetrics metrics;

    /** Without meters. @throws IllegalArgumentException when the configured trust store cannot be loaded */
    public NettyUpstreamConnector(UpstreamSettings settings) {
        this(settings, UpstreamMetrics.none());
    }

    /** @throws IllegalArgumentException when the configured trust store cannot be loaded */
    public NettyUpstreamConnector(UpstreamSettings settings, UpstreamMetrics metrics) {
        this.settings = settings;
        this.tls = UpstreamTls.from(settings);
        this.resolver = new UpstreamResolver(settings);
        this.metrics = metrics;
    }

    /**
     * {@inheritDoc}
     *
     * <p>The connection's log lines carry the MDC {@code sid} of the caller: a session opens its
     * streams while its own work runs, with its sid set (see {@code SessionDriver}).
     */
    @Override
    public UpstreamConnection open(EventLoop loop, UpstreamTarget target, StreamHeader header, boolean hideSm,
                                   UpstreamListener listener) {
        NettyUpstreamConnection connection = new NettyUpstreamConnection(loop, target, header, hideSm, listener, settings, tls,
                SessionMdc.current(), metrics);
        if (loop.inEventLoop()) {
            begin(loop, target, connection);
        } else {
            loop.execute(() -> begin(loop, target, connection));
        }
        return connection;
    }

    private void begin(EventLoop loop, UpstreamTarget target, NettyUpstreamConnection connection) {
        connection.start();
        resolver.candidates(loop, target).whenComplete((candidates, error) -> loop.execute(() -> connection.withSid(() -> {
            if (connection.isDone()) {
                return;
            }
            if (error != null) {
                connection.fail(UpstreamFailure.DNS, "cannot resolve " + target.domain() + ": " + Reasons.describe(unwrap(error)));
                return;
            }
            LOG.debug("upstream {}: candidates {}", target.domain(), candidates);
            new Attempt(loop, target.domain(), connection, candidates,
                    settings.fixedUpstream().isEmpty() && target.routeHost().isEmpty()).next();
        })));
    }

    /** Stops the DNS resolvers. Open connections are not touched; they end with their sessions or loops. */
    @Override
    public void close() {
        resolver.close();
    }

    /**
     * Addresses a client's DNS must not steer the CM to (checklist S-6): loopback, unspecified and
     * "this network" (0.0.0.0/8), link-local, private (RFC 1918), shared (RFC 6598), IETF protocol
     * assignments (192.0.0.0/24), benchmarking (198.18.0.0/15), reserved and broadcast (240.0.0.0/4),
     * site-local and unique-local IPv6 (RFC 4193), discard-only IPv6 (100::/64), multicast; and IPv6
     * addresses that carry one of those IPv4 addresses (NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4
     * 2002::/16, IPv4-compatible ::/96), which a gateway would deliver to it. IPv4-mapped IPv6
     * addresses arrive here as IPv4 already ({@link InetAddress#getByAddress}).
     */
    static boolean isInternal(InetAddress a) {
        if (a.isLoopbackAddress() || a.isAnyLocalAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return true;
        }
        byte[] b = a.getAddress();
        if (b.length == 4) {
            return internalV4(b, 0);
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if ((b0 & 0xfe) == 0xfc) {
            return true;                                                  // fc00::/7
        }
        if (b0 == 0x01 && b1 == 0 && allZero(b, 2, 8)) {
            return true;                                                  // 100::/64
        }
        if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            boolean wellKnown = allZero(b, 4, 12);                        // 64:ff9b::/96
            boolean local = (b[4] & 0xff) == 0 && (b[5] & 0xff) == 1;     // 64:ff9b:1::/48
            return (wellKnown || local) && internalV4(b, 12);
        }
        if (b0 == 0x20 && b1 == 0x02) {
            return internalV4(b, 2);                                      // 2002:V4ADDR::/48
        }
        if (allZero(b, 0, 12)) {
            return internalV4(b, 12);                                     // ::a.b.c.d
        }
        return false;
    }

    /** The IPv4 address at {@code b[at..at+4)} is internal (see {@link #isInternal}). */
    private static boolean internalV4(byte[] b, int at) {
        int o0 = b[at] & 0xff;
        int o1 = b[at + 1] & 0xff;
        int o2 = b[at + 2] & 0xff;
        return o0 == 0 || o0 == 10 || o0 == 127 || o0 >= 224                          // this network, private, loopback, multicast, reserved
                || (o0 == 100 && (o1 & 0xc0) == 64)                                   // 100.64.0.0/10
                || (o0 == 169 && o1 == 254)                                           // 169.254.0.0/16
                || (o0 == 172 && (o1 & 0xf0) == 16)                                   // 172.16.0.0/12
                || (o0 == 192 && o1 == 168)                                           // 192.168.0.0/16
                || (o0 == 192 && o1 == 0 && o2 == 0)                                  // 192.0.0.0/24
                || (o0 == 198 && (o1 & 0xfe) == 18);                                  // 198.18.0.0/15
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** Walks the candidates and their addresses, on the connection's loop, until one connects. */
    private final class Attempt {
        private final EventLoop loop;
        private final String domain;
        private final NettyUpstreamConnection connection;
        private final Deque<Candidate> candidates;
        private Deque<InetAddress> addresses = new ArrayDeque<>();
        private @Nullable Candidate current;
        private String lastError = "no address";
        private UpstreamFailure lastFailure = UpstreamFailure.DNS;
        /** The candidates came from DNS for the client's domain, not from the operator's configuration. */
        private final boolean fromDns;

        Attempt(EventLoop loop, String domain, NettyUpstreamConnection connection, List<Candidate> candidates,
                boolean fromDns) {
            this.fromDns = fromDns;
            this.loop = loop;
            this.domain = domain;
            this.connection = connection;
            this.candidates = new ArrayDeque<>(candidates);
        }

        void next() {
            if (connection.isDone()) {
                return;
            }
            Candidate candidate = current;
            InetAddress address = addresses.poll();
            if (candidate != null && address != null) {
                if (fromDns && !settings.allowPrivateAddresses() && isInternal(address)) {
                    // S-6: never let a client's domain aim the CM at the operator's own network.
                    lastError = candidate.host() + " resolves to internal address " + address.getHostAddress()
                            + " (set upstream.allow-private-addresses to allow)";
                    lastFailure = UpstreamFailure.BLOCKED;
                    LOG.info("upstream {}: {}", domain, lastError);
                    next();
                    return;
                }
                connect(candidate, address);
                return;
            }
            Candidate nextCandidate = candidates.poll();
            if (nextCandidate == null) {
                connection.fail(lastFailure, "cannot connect to " + domain + ": " + lastError);
                return;
            }
            current = nextCandidate;
            resolver.addresses(loop, nextCandidate.host()).whenComplete((found, error) -> loop.execute(() -> connection.withSid(() -> {
                if (error != null) {
                    lastError = nextCandidate.host() + ": " + Reasons.describe(unwrap(error));
                    lastFailure = UpstreamFailure.DNS;
                    LOG.debug("upstream {}: {}", domain, lastError);
                } else {
                    addresses = new ArrayDeque<>(found);
                }
                next();
            })));
        }

        private void connect(Candidate candidate, InetAddress address) {
            InetSocketAddress remote = new InetSocketAddress(address, candidate.port());
            LOG.debug("upstream {}: connecting to {} at {}", domain, candidate, remote);
            long connectStart = System.nanoTime();
            ChannelFuture connect = new Bootstrap()
                    .group(loop)
                    .channelFactory(UpstreamTransport.socketChannelFactory(loop))
                    .resolver(NoopAddressResolverGroup.INSTANCE)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connection.remainingMillis()))
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, true)
                    .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                    // At most this many socket reads before their events reach the session, which may
                    // then stop reading (U-15 backpressure): bounds what one batch adds to its buffer.
                    .option(ChannelOption.RCVBUF_ALLOCATOR, READS)
                    .handler(EMPTY)
                    .connect(remote);
            connection.connecting(connect.channel());
            connect.addListener((ChannelFutureListener) f -> connection.withSid(() -> {
                if (f.isSuccess()) {
                    if (connection.isDone()) {
                        f.channel().close();
                    } else {
                        metrics.tcpConnected(System.nanoTime() - connectStart);
                        connection.attach(f.channel(), candidate.directTls());
                    }
                    return;
                }
                lastError = remote + ": " + Reasons.describe(f.cause());
                lastFailure = UpstreamFailure.of(f.cause(), UpstreamFailure.OTHER);
                LOG.debug("upstream {}: {}", domain, lastError);
                next();
            }));
        }
    }
}
