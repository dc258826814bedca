package boshcm.protocol.session;

/**
 * Backpressure toward the XMPP server (checklist U-15, S-10): when more than
 * {@link SessionPolicy#pauseReadingBytes()} of the server's data waits for the browser, the session
 * asks its driver to stop reading its upstream connections ({@link Effect.PauseUpstreamReading}); once
 * the browser has taken it down to half that, to read again ({@link Effect.ResumeUpstreamReading}).
 * The gap between the two marks keeps a browser that polls at the edge from flapping. The buffer
 * bound ({@link SessionPolicy#maxBufferedBytes()}) stays the last resort: what arrives while a pause
 * takes effect (the rest of one read) still counts against it.
 *
 * <p>Never paused while a stream resumes its XEP-0198 session (SM-12): the resume must read the
 * server's answers, and what it brings is bounded by the server's own unacknowledged queue.
 */
final class ReadPause {

    private static final Effect PAUSE = new Effect.PauseUpstreamReading();
    private static final Effect RESUME = new Effect.ResumeUpstreamReading();

    private final long high;
    private final long low;
    private boolean paused;

    ReadPause(long pauseReadingBytes) {
        this.high = pauseReadingBytes;
        this.low = pauseReadingBytes / 2;
    }

    /** After an event: pauses or resumes according to what is {@code buffered} now. */
    void update(long buffered, boolean resuming, Outbox out) {
        if (high <= 0) {
            return;
        }
        boolean want = !resuming && (paused ? buffered > low : buffered > high);
        if (want != paused) {
            paused = want;
            out.add(want ? PAUSE : RESUME);
        }
    }

    boolean paused() {
        return paused;
    }
}
