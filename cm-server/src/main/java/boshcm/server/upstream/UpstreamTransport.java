package boshcm.server.upstream;

import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.nio.NioIoHandle;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty I/O transport for upstream streams: NIO everywhere, or native epoll on Linux when its
 * jar is present and loads. The epoll classes are looked up by name because the epoll artifact is a
 * runtime-only dependency.
 *
 * <p>The event loop group belongs to whoever creates it (the composition root): sessions are pinned
 * to its loops, and {@link NettyUpstreamConnector} registers each upstream channel on the loop it is
 * given. Shut the group down after closing the connector.
 */
public final class UpstreamTransport {

    private static final String EPOLL = "io.netty.channel.epoll.";

    private UpstreamTransport() {}

    /**
     * A group of {@code threads} event loops (0 = Netty's default, twice the cores), on epoll when
     * {@code preferNative} and epoll is available, otherwise NIO.
     */
    public static MultiThreadIoEventLoopGroup newEventLoopGroup(int threads, boolean preferNative) {
        IoHandlerFactory factory = preferNative && epollAvailable() ? epollFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("bosh-loop", true), factory);
    }

    /** Whether the native epoll transport can be used here. */
    public static boolean epollAvailable() {
        try {
            return (Boolean) Class.forName(EPOLL + "Epoll").getMethod("isAvailable").invoke(null);
        } catch (ReflectiveOperationException | LinkageError e) {
            return false;
        }
    }

    static ChannelFactory<? extends SocketChannel> socketChannelFactory(EventLoop loop) {
        return new ReflectiveChannelFactory<>(socketChannelType(loop));
    }

    static Class<? extends SocketChannel> socketChannelType(EventLoop loop) {
        return isEpoll(loop) ? epollClass("EpollSocketChannel", SocketChannel.class) : NioSocketChannel.class;
    }

    static Class<? extends DatagramChannel> datagramChannelType(EventLoop loop) {
        return isEpoll(loop) ? epollClass("EpollDatagramChannel", DatagramChannel.class) : NioDatagramChannel.class;
    }

    private static boolean isEpoll(EventLoop loop) {
        if (!(loop instanceof IoEventLoop) || ((IoEventLoop) loop).isCompatible(NioIoHandle.class)) {
            return false;
        }
        try {
            Class<? extends IoHandle> handle = epollClass("EpollIoHandle", IoHandle.class);
            return ((IoEventLoop) loop).isCompatible(handle);
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static IoHandlerFactory epollFactory() {
        try {
            return (IoHandlerFactory) Class.forName(EPOLL + "EpollIoHandler").getMethod("newFactory").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("epoll reported available but cannot be created", e);
        }
    }

    private static <T> Class<? extends T> epollClass(String simpleName, Class<T> type) {
        try {
            return Class.forName(EPOLL + simpleName).asSubclass(type);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalStateException("epoll transport class missing: " + simpleName, e);
        }
    }
}
