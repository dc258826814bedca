package boshcm.bench.load.client;

import boshcm.bench.load.measure.LoopStats;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The load generator's I/O: a few Netty event loops (native epoll where available) that every
 * simulated session is pinned to, round robin, with all of its connections. Thousands of sessions
 * need no more threads than this: nothing here blocks, and a session's state is touched only by
 * its own loop. The runner talks to the loops only through {@link #onEachLoop}.
 */
public final class LoadClient implements AutoCloseable {

    private final MultiThreadIoEventLoopGroup group;
    private final List<LoopContext> loops = new ArrayList<>();
    private final boolean epoll;
    private int next;

    public LoadClient(int threads) {
        epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("load-loop", true), factory);
        Class<? extends SocketChannel> channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
        group.forEach(executor -> {
            EventLoop loop = (EventLoop) executor;
            Bootstrap bootstrap = new Bootstrap()
                    .group(loop)
                    .channel(channelType)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_KEEPALIVE, false)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
            loops.add(new LoopContext(loop, bootstrap));
        });
    }

    /** "epoll" or "nio". */
    public String transport() {
        return epoll ? "epoll" : "nio";
    }

    public List<LoopContext> loops() {
        return loops;
    }

    /** A session for {@code endpoint}, pinned to the next loop (round robin). Not started. */
    public ClientSession newSession(int index, Credentials credentials, Endpoint endpoint) {
        LoopContext ctx = loops.get(next++ % loops.size());
        if (endpoint instanceof BoshEndpoint bosh) {
            return new BoshClientSession(ctx, index, credentials, bosh);
        }
        return new TcpClientSession(ctx, index, credentials, (TcpEndpoint) endpoint);
    }

    /** Runs {@code task} on every loop and returns the results in loop order (happens-before included). */
    public <T> List<T> onEachLoop(java.util.function.Function<LoopContext, T> task) {
        List<Future<T>> futures = new ArrayList<>();
        for (LoopContext ctx : loops) {
            Callable<T> call = () -> task.apply(ctx);
            futures.add(ctx.loop.submit(call));
        }
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) {
            try {
                results.add(f.get(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("loop task failed", e);
            }
        }
        return results;
    }

    /** The sum of every loop's stats, taken on the loops. */
    public LoopStats stats() {
        LoopStats total = new LoopStats();
        for (LoopStats s : onEachLoop(ctx -> ctx.stats.copy())) {
            total.add(s);
        }
        return total;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
