package boshcm.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * A TCP proxy of the tests' own that can break its connections on demand: it sits between boshcm and
 * the real XMPP server ({@code DedicatedCm.inFrontOf(prosody, proxy)}) and relays bytes both ways
 * unchanged (TLS included, it never looks inside) until the test cuts them.
 *
 * <p>Listens on 127.0.0.1 and an ephemeral port; each accepted connection gets its own connection to
 * the target. Blocking sockets, {@code TCP_NODELAY} on both legs, one thread per direction per
 * connection with a 16 KiB buffer (at most one chunk in flight: no buffering beyond it, so a slow
 * reader slows the writer down), plus one accepting thread. Every method can be called from any thread
 * at any time. A half-close is passed on (a FIN from one side becomes a FIN to the other); a reset or
 * a failed write resets both sides.
 *
 * <p>Faults: {@link #cutAll(Cut)} for the connections open now, {@link #cutAfterBytes} for a cut in
 * the middle of the traffic (exactly after the n-th byte), {@link #pause()}/{@link #resume()} for a
 * server that cannot be reached for a while (connections refused), {@link #refuseNext(int)} for
 * connections that are accepted and reset at once. The counters and the bounded {@code await*}
 * methods tell a test, without sleeping, what went through.
 *
 * <p>A chunk the proxy is writing at the very moment of a {@link #cutAll} call may still reach its
 * peer; what arrives after the call does not. {@link #cutAfterBytes} has no such window.
 */
public final class FaultProxy implements AutoCloseable {

    /** How {@link #cutAll} breaks a connection. */
    public enum Cut {
        /**
         * A FIN to both peers (after what was already forwarded); whatever they still send is read and
         * dropped until they close, so no RST follows. Both peers read end-of-stream.
         */
        CLEAN,
        /** An RST to both peers ({@code SO_LINGER} 0, then close): both read "connection reset". */
        RESET,
        /**
         * Nothing is forwarded any more, either way, and nothing is closed: a peer that went silent.
         * The proxy stops reading (after dropping at most one chunk each way), so TCP flow control
         * eventually blocks a writer. A later {@code cutAll(CLEAN)} or {@code cutAll(RESET)} applies.
         */
        BLACKHOLE
    }

    /** A direction of traffic through the proxy. */
    public enum Direction {
        /** From the connecting side (boshcm) to the target (the XMPP server). */
        TO_SERVER,
        /** From the target back to the connecting side. */
        TO_CLIENT
    }

    private static final int CHUNK = 16 * 1024;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    private final InetSocketAddress target;
    private final int port;
    private final String name;

    /** Guards every field below and each {@link Link}'s state; socket calls are made outside it. */
    private final Object lock = new Object();
    private ServerSocket listener;
    private Thread acceptor;
    private boolean closed;
    private int refuseNext;
    private int accepted;
    private int refused;
    private final List<Link> links = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final Map<Direction, Long> forwarded = new EnumMap<>(Map.of(Direction.TO_SERVER, 0L, Direction.TO_CLIENT, 0L));
    private final Map<Direction, Long> dropped = new EnumMap<>(Map.of(Direction.TO_SERVER, 0L, Direction.TO_CLIENT, 0L));
    private final Map<Direction, Trigger> triggers = new EnumMap<>(Direction.class);

    /** A proxy to {@code targetHost:targetPort}, already accepting. */
    public FaultProxy(String targetHost, int targetPort) throws IOException {
        this.target = new InetSocketAddress(targetHost, targetPort);
        ServerSocket first = bind(0);
        this.port = first.getLocalPort();
        this.name = "FaultProxy-" + port;
        synchronized (lock) {
            startAccepting(first);
        }
    }

    /** A proxy to the c2s port boshcm would use for {@code server} ({@link BoshTarget#upstreamPort}). */
    public static FaultProxy inFrontOf(XmppServer server) throws IOException {
        return new FaultProxy(server.host(), BoshTarget.upstreamPort(server));
    }

    /** Where the proxy listens: 127.0.0.1 and its port (the same across {@link #pause}/{@link #resume}). */
    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    public int port() {
        return port;
    }

    public InetSocketAddress target() {
        return target;
    }

    // ---- faults ----

    /** Breaks every connection open now (new ones are not affected). */
    public void cutAll(Cut how) {
        List<Link> now;
        synchronized (lock) {
            now = List.copyOf(links);
        }
        now.forEach(link -> link.cut(how));
    }

    /**
     * Once {@code n} more bytes have gone in {@code direction} (counted from this call, over all
     * connections), forwards exactly those and then does {@code cutAll(how)}: with {@code n} inside
     * a stanza the peer gets half of it. {@code n = 0} cuts when the next byte arrives, forwarding
     * none. Replaces an earlier trigger for the same direction; fires once.
     */
    public void cutAfterBytes(Direction direction, long n, Cut how) {
        if (n < 0) {
            throw new IllegalArgumentException("n < 0: " + n);
        }
        synchronized (lock) {
            triggers.put(direction, new Trigger(n, how));
        }
    }

    /**
     * Stops listening: connecting now fails with "connection refused" (an unreachable server) until
     * {@link #resume()}. Connections already open are not touched. Returns once no new connection can
     * be relayed.
     */
    public void pause() {
        ServerSocket old;
        Thread oldAcceptor;
        synchronized (lock) {
            checkOpen();
            old = listener;
            oldAcceptor = acceptor;
            listener = null;
            acceptor = null;
        }
        if (old != null) {
            closeQuietly(old);
            join(oldAcceptor, JOIN_TIMEOUT);
        }
    }

    /** Listens again, on the same port. */
    public void resume() throws IOException {
        synchronized (lock) {
            checkOpen();
            if (listener == null) {
                startAccepting(bind(port));
            }
        }
    }

    /**
     * The next {@code n} connections are accepted and reset at once, before any byte is relayed (the
     * connecting side sees its connect succeed, then a reset). For a refused connect use {@link #pause}.
     */
    public void refuseNext(int n) {
        synchronized (lock) {
            refuseNext = n;
        }
    }

    // ---- counters and waits ----

    /** Connections accepted and relayed to the target (refused ones are not counted). */
    public int accepted() {
        synchronized (lock) {
            return accepted;
        }
    }

    /** Connections accepted and reset because of {@link #refuseNext}. */
    public int refused() {
        synchronized (lock) {
            return refused;
        }
    }

    /** Relayed connections with a socket still open (blackholed and half-closed ones included). */
    public int active() {
        synchronized (lock) {
            return links.size();
        }
    }

    /** Bytes forwarded in {@code direction} since the proxy started. */
    public long bytes(Direction direction) {
        synchronized (lock) {
            return forwarded.get(direction);
        }
    }

    /** Bytes read in {@code direction} and not forwarded (blackholed, or sent after a clean cut). */
    public long dropped(Direction direction) {
        synchronized (lock) {
            return dropped.get(direction);
        }
    }

    /** Waits until at least {@code n} connections were {@link #accepted()}; AssertionError after {@code timeout}. */
    public void awaitConnections(int n, Duration timeout) throws InterruptedException {
        await(() -> accepted >= n, timeout, () -> "accepted " + accepted + " connections, not " + n);
    }

    /** Waits until exactly {@code n} connections are {@link #active()}. */
    public void awaitActive(int n, Duration timeout) throws InterruptedException {
        await(() -> links.size() == n, timeout, () -> links.size() + " connections active, not " + n);
    }

    /** Waits until at least {@code n} bytes in all were forwarded in {@code direction}. */
    public void awaitBytes(Direction direction, long n, Duration timeout) throws InterruptedException {
        await(() -> forwarded.get(direction) >= n, timeout, () -> forwarded.get(direction) + " bytes " + direction + ", not " + n);
    }

    /** Waits until at least {@code n} bytes in all were {@link #dropped} in {@code direction}. */
    public void awaitDropped(Direction direction, long n, Duration timeout) throws InterruptedException {
        await(() -> dropped.get(direction) >= n, timeout, () -> dropped.get(direction) + " bytes dropped " + direction + ", not " + n);
    }

    private void await(BooleanSupplier condition, Duration timeout, Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!condition.getAsBoolean()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + ": " + state.get() + " after " + timeout);
                }
                lock.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /**
     * Stops listening, closes every socket and waits for every thread of the proxy to end
     * (IllegalStateException if one does not within 5 s). Idempotent.
     */
    @Override
    public void close() {
        ServerSocket old;
        List<Link> open;
        List<Thread> all;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            old = listener;
            listener = null;
            open = List.copyOf(links);
            open.forEach(link -> link.state = State.CLOSED);
            links.clear();
            all = List.copyOf(threads);
            lock.notifyAll();
        }
        closeQuietly(old);
        for (Link link : open) {
            closeQuietly(link.client);
            closeQuietly(link.server);
        }
        long deadline = System.nanoTime() + JOIN_TIMEOUT.toNanos();
        List<String> alive = new ArrayList<>();
        for (Thread t : all) {
            join(t, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (t.isAlive()) {
                alive.add(t.getName());
            }
        }
        if (!alive.isEmpty()) {
            throw new IllegalStateException(name + ": threads still running after close: " + alive);
        }
    }

    @Override
    public String toString() {
        return name + " -> " + target.getHostString() + ":" + target.getPort();
    }

    // ---- accepting ----

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
            return s;
        } catch (IOException e) {
            closeQuietly(s);
            throw e;
        }
    }

    /** Caller holds the lock. */
    private void startAccepting(ServerSocket s) {
        listener = s;
        acceptor = new Thread(() -> acceptLoop(s), name + "-accept");
        startThread(acceptor);
    }

    /** Caller holds the lock. */
    private void startThread(Thread t) {
        threads.removeIf(old -> !old.isAlive());
        threads.add(t);
        t.setDaemon(true);
        t.start();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is closed");
        }
    }

    private void acceptLoop(ServerSocket s) {
        while (true) {
            Socket client;
            try {
                client = s.accept();
            } catch (IOException e) {
                return; // closed by pause() or close()
            }
            boolean refuse;
            synchronized (lock) {
                if (closed || listener != s) {
                    reset(client);
                    return;
                }
                refuse = refuseNext > 0;
                if (refuse) {
                    refuseNext--;
                    refused++;
                    lock.notifyAll();
                }
            }
            if (refuse) {
                reset(client);
                continue;
            }
            Socket server = new Socket();
            try {
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(target, CONNECT_TIMEOUT_MS);
            } catch (IOException e) {
                System.err.println("[" + name + "] cannot reach " + target + ": " + e + "; resetting the client");
                reset(client);
                closeQuietly(server);
                continue;
            }
            synchronized (lock) {
                if (closed) {
                    reset(client);
                    reset(server);
                    return;
                }
                accepted++;
                Link link = new Link(accepted, client, server);
                links.add(link);
                startThread(new Thread(() -> link.pump(Direction.TO_SERVER), name + "-" + link.id + "-to-server"));
                startThread(new Thread(() -> link.pump(Direction.TO_CLIENT), name + "-" + link.id + "-to-client"));
                lock.notifyAll();
            }
        }
    }

    // ---- relaying ----

    private enum State { OPEN, BLACKHOLED, DRAINING, CLOSED }

    /** A {@link #cutAfterBytes} in waiting. Guarded by the lock. */
    private static final class Trigger {
        long remaining;
        final Cut how;

        Trigger(long remaining, Cut how) {
            this.remaining = remaining;
            this.how = how;
        }
    }

    /** One relayed connection: the accepted socket, the socket to the target, and their state. */
    private final class Link {
        final int id;
        final Socket client;
        final Socket server;
        /** Guarded by the proxy's lock, like the two below. */
        State state = State.OPEN;
        /** End-of-stream (or a read failure once no longer open) seen on the socket of each direction's source. */
        final Map<Direction, Boolean> ended = new EnumMap<>(Map.of(Direction.TO_SERVER, false, Direction.TO_CLIENT, false));

        Link(int id, Socket client, Socket server) {
            this.id = id;
            this.client = client;
            this.server = server;
        }

        Socket source(Direction d) {
            return d == Direction.TO_SERVER ? client : server;
        }

        Socket sink(Direction d) {
            return d == Direction.TO_SERVER ? server : client;
        }

        void pump(Direction d) {
            byte[] buffer = new byte[CHUNK];
            InputStream in;
            OutputStream out;
            try {
                in = source(d).getInputStream();
                out = sink(d).getOutputStream();
            } catch (IOException e) {
                fail();
                return;
            }
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (IOException e) {
                    if (!readFailed(d)) {
                        return;
                    }
                    continue;
                }
                if (n < 0) {
                    if (!ended(d)) {
                        return;
                    }
                    continue;
                }
                int pass;
                Cut cutAfter = null;
                synchronized (lock) {
                    if (state != State.OPEN) {
                        dropped.merge(d, (long) n, Long::sum);
                        lock.notifyAll();
                        if (!awaitNotBlackholed()) {
                            return;
                        }
                        continue;
                    }
                    pass = n;
                    Trigger trigger = triggers.get(d);
                    if (trigger != null && trigger.remaining <= n) {
                        pass = (int) trigger.remaining;
                        cutAfter = trigger.how;
                        triggers.remove(d);
                    } else if (trigger != null) {
                        trigger.remaining -= n;
                    }
                }
                try {
                    if (pass > 0) {
                        out.write(buffer, 0, pass);
                    }
                } catch (IOException e) {
                    if (!writeFailed()) {
                        return;
                    }
                    continue;
                }
                synchronized (lock) {
                    forwarded.merge(d, (long) pass, Long::sum);
                    if (pass < n) {
                        dropped.merge(d, (long) (n - pass), Long::sum);
                    }
                    lock.notifyAll();
                }
                if (cutAfter != null) {
                    cutAll(cutAfter);
                }
            }
        }

        /**
         * Blackholed: waits until cut otherwise. True to go on reading (draining), false to stop.
         * Caller holds the lock.
         */
        boolean awaitNotBlackholed() {
            while (state == State.BLACKHOLED) {
                try {
                    lock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return state == State.DRAINING;
        }

        /** End-of-stream from {@code d}'s source. True to go on reading (never: that side is done). */
        boolean ended(Direction d) {
            boolean passOn;
            boolean both;
            synchronized (lock) {
                if (state == State.CLOSED) {
                    return false;
                }
                ended.put(d, true);
                passOn = state == State.OPEN;
                both = ended.get(Direction.TO_SERVER) && ended.get(Direction.TO_CLIENT);
            }
            if (passOn) {
                shutdownOutputQuietly(sink(d));
            }
            if (both) {
                finish(false);
            }
            return false;
        }

        /** A read from {@code d}'s source failed (a reset, usually). True to go on reading. */
        boolean readFailed(Direction d) {
            State now;
            synchronized (lock) {
                now = state;
            }
            if (now == State.OPEN) {
                finish(true); // pass the reset on
                return false;
            }
            return ended(d);
        }

        /** A write failed: open, the sink is gone and both sides are reset; cut, the reader goes on draining. */
        boolean writeFailed() {
            State now;
            synchronized (lock) {
                now = state;
            }
            if (now == State.OPEN) {
                finish(true);
                return false;
            }
            return now != State.CLOSED;
        }

        void fail() {
            finish(true);
        }

        void cut(Cut how) {
            synchronized (lock) {
                if (state == State.CLOSED) {
                    return;
                }
                switch (how) {
                    case BLACKHOLE -> {
                        if (state == State.OPEN) {
                            state = State.BLACKHOLED;
                        }
                        lock.notifyAll();
                        return;
                    }
                    case CLEAN -> {
                        if (state == State.DRAINING) {
                            return;
                        }
                        state = State.DRAINING;
                        lock.notifyAll();
                    }
                    case RESET -> {
                        // finish() below
                    }
                }
            }
            if (how == Cut.RESET) {
                finish(true);
                return;
            }
            shutdownOutputQuietly(client);
            shutdownOutputQuietly(server);
            boolean both;
            synchronized (lock) {
                both = ended.get(Direction.TO_SERVER) && ended.get(Direction.TO_CLIENT);
            }
            if (both) {
                finish(false);
            }
        }

        /** Closes both sockets (with an RST if {@code reset}) unless already closed. */
        void finish(boolean reset) {
            synchronized (lock) {
                if (state == State.CLOSED) {
                    return;
                }
                state = State.CLOSED;
                links.remove(this);
                lock.notifyAll();
            }
            if (reset) {
                reset(client);
                reset(server);
            } else {
                closeQuietly(client);
                closeQuietly(server);
            }
        }
    }

    // ---- socket helpers ----

    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        closeQuietly(s);
    }

    private static void shutdownOutputQuietly(Socket s) {
        try {
            s.shutdownOutput();
        } catch (IOException ignored) {
            // already shut or closed
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }

    private static void join(Thread t, Duration timeout) {
        if (t == null) {
            return;
        }
        try {
            t.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
