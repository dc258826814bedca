package boshcm.protocol.session;

import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The streams of one BOSH session (XEP-0124 §16 #multi) and whose turn it is to fill a response.
 * Open streams are kept in the order they were opened; a session without multi-streams has one.
 * Streams with something for the browser wait in turn order: a response carries one stream's payloads
 * (§16 #multi-transmit: "A &lt;body/&gt; element MUST NOT contain different payloads for different
 * streams"), and a stream that still has more after its batch goes to the back. Names of streams
 * closed lately are remembered so that payloads naming them can be dropped rather than treated as an
 * error, as §16 allows. Not thread-safe; owned by its {@link BoshSession}.
 */
final class SessionStreams {

    private final Supplier<String> names;
    private final int remembered;
    private final LinkedHashMap<String, SessionStream> open = new LinkedHashMap<>();
    /**
     * The values of {@code open}, as an immutable list rebuilt when a stream opens or closes: read
     * several times per event, it then allocates nothing (docs/benchmarks.md).
     */
    private List<SessionStream> all = List.of();
    private final ArrayDeque<SessionStream> ready = new ArrayDeque<>(2);
    private final ArrayDeque<String> recentlyClosed = new ArrayDeque<>(2);
    private SessionStream first;
    private int opened;

    /**
     * @param names      the source of stream names (opaque, unpredictable, unique: §16 #multi-discover)
     * @param remembered how many closed stream names to remember
     */
    SessionStreams(Supplier<String> names, int remembered) {
        this.names = names;
        this.remembered = remembered;
    }

    /** A fresh name, never one this session used before. */
    String newName() {
        for (int i = 0; i < 16; i++) {
            String name = names.get();
            if (!name.isEmpty() && !open.containsKey(name) && !recentlyClosed.contains(name)
                    && (first == null || !first.name.equals(name))) {
                return name;
            }
        }
        throw new IllegalStateException("the stream name source keeps repeating itself");
    }

    SessionStream open(String name, String domain, Optional<String> from, Optional<String> lang, String xmppVersion) {
        SessionStream s = new SessionStream(name, domain, from, lang, xmppVersion);
        open.put(name, s);
        all = List.copyOf(open.values());
        opened++;
        if (first == null) {
            first = s;
        }
        return s;
    }

    /** The stream the session was created with, open or not. */
    SessionStream first() {
        return first;
    }

    /** The open stream of that name, or null. */
    SessionStream get(String name) {
        return open.get(name);
    }

    /** The open streams, in the order they were opened: a snapshot, unchanged by later opens and closes. */
    List<SessionStream> all() {
        return all;
    }

    int size() {
        return open.size();
    }

    /** More than one stream was opened in this session, so every non-empty response names its stream. */
    boolean severalOpened() {
        return opened > 1;
    }

    boolean closedLately(String name) {
        return recentlyClosed.contains(name);
    }

    /** The stream is closed: it gets no more events and no more client payloads. Any output it has stays queued. */
    void close(SessionStream s) {
        open.remove(s.name);
        all = List.copyOf(open.values());
        remember(s.name);
    }

    /** A name given out for a stream that was refused, so that payloads naming it are dropped too. */
    void remember(String name) {
        recentlyClosed.addLast(name);
        while (recentlyClosed.size() > remembered) {
            recentlyClosed.pollFirst();
        }
    }

    // ---------------------------------------------------------------- output for the browser

    void queue(SessionStream s, XmlPayload payload) {
        s.outbound.add(payload);
        enqueue(s);
    }

    /**
     * §16 #multi-error: the server ended {@code s} while others stay open. It closes, and {@code notice}
     * (a terminate body naming it) waits for its turn.
     */
    void ended(SessionStream s, ServerBody notice) {
        close(s);
        s.endNotice = notice;
        enqueue(s);
    }

    /** Puts {@code s} in line unless it already is (its queue may have been drained in the meantime). */
    private void enqueue(SessionStream s) {
        if (!ready.contains(s)) {
            ready.addLast(s);
        }
    }

    boolean hasOutput() {
        return !ready.isEmpty();
    }

    /** The stream whose turn it is, taken off the line; give it back with {@link #requeue} if it has more. */
    SessionStream nextTurn() {
        return ready.pollFirst();
    }

    void requeue(SessionStream s) {
        if (s.hasOutput()) {
            enqueue(s);
        }
    }

    /** The client closed {@code s}: anything it had for the browser was bounced; it leaves the line. */
    void withdraw(SessionStream s) {
        ready.remove(s);
    }

    /** The session ends: the notices of streams the server ended that never reached the browser. */
    List<ServerBody> dropNotices() {
        List<ServerBody> dropped = new ArrayList<>();
        for (SessionStream s : ready) {
            if (s.endNotice != null) {
                dropped.add(s.endNotice);
                s.endNotice = null;
            }
        }
        ready.clear();
        return dropped;
    }

    /** Server payload bytes waiting on the open streams (U-15, S-10). */
    long bufferedBytes() {
        long n = 0;
        for (SessionStream s : all) {
            n += s.outbound.bytes();
        }
        return n;
    }
}
