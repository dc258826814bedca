package boshcm.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.it.FaultProxy.Cut;
import boshcm.it.FaultProxy.Direction;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link FaultProxy} on loopback, between two sockets of the test: the test's "server" is a plain
 * {@link ServerSocket}. Every read has a timeout; nothing sleeps.
 */
class FaultProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final int READ_TIMEOUT_MS = 5_000;

    private ServerSocket target;
    private FaultProxy proxy;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        target.setSoTimeout(READ_TIMEOUT_MS);
        proxy = new FaultProxy("127.0.0.1", target.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        for (Socket s : sockets) {
            s.close();
        }
        target.close();
    }

    /** A connection through the proxy: the client's socket and the socket the target accepted. */
    private record Pair(Socket client, Socket server) {}

    private Pair connect() throws IOException {
        Socket client = track(new Socket(InetAddress.getLoopbackAddress(), proxy.port()));
        Socket server = track(target.accept());
        return new Pair(client, server);
    }

    private Socket track(Socket s) throws SocketException {
        s.setSoTimeout(READ_TIMEOUT_MS);
        sockets.add(s);
        return s;
    }

    private static byte[] readExactly(Socket s, int n) throws IOException {
        byte[] got = s.getInputStream().readNBytes(n);
        assertThat(got).as("bytes before end of stream").hasSize(n);
        return got;
    }

    private static void write(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String read(Socket s, int n) throws IOException {
        return new String(readExactly(s, n), StandardCharsets.US_ASCII);
    }

    private static void assertReset(Socket s) {
        assertThatThrownBy(() -> s.getInputStream().read()).as("read after a reset")
                .isInstanceOf(SocketException.class).hasMessageContaining("reset");
    }

    @Test
    void relaysBytesBothWaysUnchangedIncludingAOneMebibyteBurst() throws Exception {
        Pair p = connect();
        write(p.client(), "<stream:stream>");
        assertThat(read(p.server(), 15)).isEqualTo("<stream:stream>");
        write(p.server(), "<features/>");
        assertThat(read(p.client(), 11)).isEqualTo("<features/>");

        byte[] up = new byte[1 << 20];
        byte[] down = new byte[1 << 20];
        new Random(1).nextBytes(up);
        new Random(2).nextBytes(down);
        // Both bursts at once, each written on its own thread: the proxy must not stall either way.
        CompletableFuture<Void> writeUp = CompletableFuture.runAsync(() -> writeAll(p.client(), up));
        CompletableFuture<Void> writeDown = CompletableFuture.runAsync(() -> writeAll(p.server(), down));
        CompletableFuture<byte[]> readUp = CompletableFuture.supplyAsync(() -> readAll(p.server(), up.length));
        byte[] gotDown = readExactly(p.client(), down.length);
        assertThat(readUp.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(up);
        assertThat(gotDown).isEqualTo(down);
        writeUp.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        writeDown.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        // The proxy counts a chunk after writing it, so the peer can read it first: wait for the count.
        proxy.awaitBytes(Direction.TO_SERVER, 15 + up.length, WAIT);
        proxy.awaitBytes(Direction.TO_CLIENT, 11 + down.length, WAIT);
        assertThat(proxy.bytes(Direction.TO_SERVER)).isEqualTo(15 + up.length);
        assertThat(proxy.bytes(Direction.TO_CLIENT)).isEqualTo(11 + down.length);
        assertThat(proxy.accepted()).isEqualTo(1);
        assertThat(proxy.active()).isEqualTo(1);
    }

    @Test
    void halfCloseIsPassedOnAndTheOtherDirectionGoesOn() throws Exception {
        Pair p = connect();
        p.client().shutdownOutput();
        assertThat(p.server().getInputStream().read()).as("the client's FIN reaches the server").isEqualTo(-1);
        write(p.server(), "late");
        assertThat(read(p.client(), 4)).isEqualTo("late");
        p.server().close();
        assertThat(p.client().getInputStream().read()).isEqualTo(-1);
        proxy.awaitActive(0, WAIT);
    }

    @Test
    void cleanCutDeliversWhatWasForwardedThenEndOfStreamOnBothEnds() throws Exception {
        Pair p = connect();
        write(p.client(), "hello");
        write(p.server(), "world");
        proxy.awaitBytes(Direction.TO_SERVER, 5, WAIT);
        proxy.awaitBytes(Direction.TO_CLIENT, 5, WAIT);

        proxy.cutAll(Cut.CLEAN);

        assertThat(read(p.server(), 5)).isEqualTo("hello");
        assertThat(p.server().getInputStream().read()).as("server sees FIN").isEqualTo(-1);
        assertThat(read(p.client(), 5)).isEqualTo("world");
        assertThat(p.client().getInputStream().read()).as("client sees FIN").isEqualTo(-1);
        // Data sent after the cut is read and dropped (no RST for unread data), and the connection
        // ends when both peers close.
        write(p.client(), "after");
        proxy.awaitDropped(Direction.TO_SERVER, 5, WAIT);
        p.client().close();
        p.server().close();
        proxy.awaitActive(0, WAIT);
        assertThat(proxy.bytes(Direction.TO_SERVER)).isEqualTo(5);
    }

    @Test
    void resetCutGivesConnectionResetOnBothEnds() throws Exception {
        Pair p = connect();
        write(p.client(), "x");
        assertThat(read(p.server(), 1)).isEqualTo("x");

        proxy.cutAll(Cut.RESET);

        assertReset(p.client());
        assertReset(p.server());
        assertThat(proxy.active()).isZero();
    }

    @Test
    void blackholeStopsDataBothWaysButKeepsTheConnectionOpen() throws Exception {
        Pair p = connect();
        write(p.client(), "a");
        assertThat(read(p.server(), 1)).isEqualTo("a");

        proxy.cutAll(Cut.BLACKHOLE);
        write(p.client(), "up");
        write(p.server(), "down");
        proxy.awaitDropped(Direction.TO_SERVER, 2, WAIT);
        proxy.awaitDropped(Direction.TO_CLIENT, 4, WAIT);

        // The proxy dropped what it read and forwards nothing else, so nothing can be in flight.
        assertThat(p.server().getInputStream().available()).isZero();
        assertThat(p.client().getInputStream().available()).isZero();
        assertThat(proxy.bytes(Direction.TO_SERVER)).isEqualTo(1);
        assertThat(proxy.bytes(Direction.TO_CLIENT)).isZero();
        assertThat(proxy.active()).isEqualTo(1);
        write(p.client(), "still writable");

        // Still open: a reset now gives both ends a reset, not the end of stream a closed socket would.
        proxy.cutAll(Cut.RESET);
        assertReset(p.client());
        assertReset(p.server());
    }

    @Test
    void pauseRefusesNewConnectionsAndResumeAcceptsOnTheSamePort() throws Exception {
        Pair before = connect();
        proxy.pause();

        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), proxy.port()).close())
                .isInstanceOf(ConnectException.class).hasMessageContaining("refused");
        write(before.client(), "open");
        assertThat(read(before.server(), 4)).as("open connections are not touched").isEqualTo("open");

        proxy.resume();
        Pair after = connect();
        write(after.client(), "again");
        assertThat(read(after.server(), 5)).isEqualTo("again");
        assertThat(proxy.accepted()).isEqualTo(2);
    }

    @Test
    void refuseNextResetsThatManyConnectionsBeforeTheTargetIsContacted() throws Exception {
        proxy.refuseNext(1);
        Socket refused = track(new Socket(InetAddress.getLoopbackAddress(), proxy.port()));
        assertReset(refused);
        assertThat(proxy.refused()).isEqualTo(1);

        Pair p = connect();
        write(p.client(), "ok");
        assertThat(read(p.server(), 2)).isEqualTo("ok");
        assertThat(proxy.accepted()).as("the target saw only the second connection").isEqualTo(1);
    }

    @Test
    void cutAfterBytesForwardsExactlyThatManyThenCuts() throws Exception {
        Pair p = connect();
        String stanza = "<message to='a@b'><body>half of this</body></message>";
        proxy.cutAfterBytes(Direction.TO_CLIENT, 20, Cut.CLEAN);

        write(p.server(), stanza);

        assertThat(read(p.client(), 20)).isEqualTo(stanza.substring(0, 20));
        assertThat(p.client().getInputStream().read()).as("end of stream in mid-stanza").isEqualTo(-1);
        assertThat(p.server().getInputStream().read()).isEqualTo(-1);
        assertThat(proxy.bytes(Direction.TO_CLIENT)).isEqualTo(20);
    }

    @Test
    void cutAfterBytesCountsAcrossWritesAndCanReset() throws Exception {
        Pair p = connect();
        proxy.cutAfterBytes(Direction.TO_SERVER, 7, Cut.RESET);

        write(p.client(), "abcd");
        assertThat(read(p.server(), 4)).isEqualTo("abcd");
        write(p.client(), "efghij");

        assertThat(read(p.server(), 3)).isEqualTo("efg");
        assertReset(p.server());
        assertReset(p.client());
        assertThat(proxy.bytes(Direction.TO_SERVER)).isEqualTo(7);
    }

    @Test
    void awaitConnectionsFailsAfterItsTimeout() throws Exception {
        connect();
        proxy.awaitConnections(1, WAIT);
        assertThatThrownBy(() -> proxy.awaitConnections(2, Duration.ofMillis(50)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("accepted 1 connections, not 2");
    }

    @Test
    void closeEndsEveryConnectionAndThreadAndStopsListening() throws Exception {
        Pair open = connect();
        Pair blackholed = connect();
        write(blackholed.client(), "x");
        proxy.awaitBytes(Direction.TO_SERVER, 1, WAIT);
        blackholed.server().getInputStream().read();
        proxy.cutAll(Cut.BLACKHOLE);
        Pair afterCut = connect(); // opened after the cut: relayed as usual
        proxy.pause();
        proxy.resume();
        proxy.awaitConnections(3, WAIT);
        String prefix = "FaultProxy-" + proxy.port() + "-";
        assertThat(proxyThreads(prefix)).as("the acceptor and two per connection").hasSize(7);

        proxy.close();

        assertThat(proxyThreads(prefix)).as("threads left").isEmpty();
        for (Pair p : List.of(open, blackholed, afterCut)) {
            assertClosed(p.client());
            assertClosed(p.server());
        }
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), proxy.port()).close())
                .isInstanceOf(ConnectException.class);
        proxy.close(); // idempotent
    }

    /** End of stream or a reset: the proxy's side of the socket is gone. */
    private static void assertClosed(Socket s) {
        try {
            InputStream in = s.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
        } catch (IOException e) {
            assertThat(e).isInstanceOf(SocketException.class).hasMessageContaining("reset");
        }
    }

    private static List<String> proxyThreads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive).map(Thread::getName).filter(n -> n.startsWith(prefix)).toList();
    }

    private static void writeAll(Socket s, byte[] bytes) {
        try {
            s.getOutputStream().write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] readAll(Socket s, int n) {
        try {
            return readExactly(s, n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
