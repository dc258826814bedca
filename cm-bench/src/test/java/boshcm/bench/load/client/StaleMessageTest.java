package boshcm.bench.load.client;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.bench.load.measure.LoopStats;
import org.junit.jupiter.api.Test;

/** A message sent before the current phase began counts as stale: not delivered, no latency. */
class StaleMessageTest {

    /** A session with no transport: only its receiving side is exercised. */
    private static final class Receiver extends ClientSession {
        Receiver(LoopContext ctx) {
            super(ctx, 0, Credentials.anonymous("bench.test"));
        }

        @Override protected void connect() { }

        @Override public void sendChat(long seq, long stampNanos) { }

        @Override public void close() { }

        @Override public boolean isClosed() { return true; }

        @Override protected void abort() { }

        @Override public void send(byte[] element) { }

        @Override public void restartStream() { }
    }

    @Test
    void aMessageFromAnEarlierPhaseIsStaleAndOneFromThisPhaseIsDelivered() {
        LoopContext ctx = new LoopContext(null, null);
        Receiver r = new Receiver(ctx);
        r.pairWith("u2@bench.test/r");
        long before = System.nanoTime();
        LoopStats stats = ctx.stats;
        stats.resetMessages();
        r.onChat(0, before);                 // sent in the previous phase, arrives now
        r.onChat(1, System.nanoTime());      // sent in this phase
        assertThat(stats.stale).isEqualTo(1);
        assertThat(stats.received).isEqualTo(1);
        assertThat(stats.messageLatency.getTotalCount()).isEqualTo(1);
        assertThat(stats.late + stats.afterGap).as("the stale one still advanced the sequence").isZero();
        stats.resetMessages();
        assertThat(stats.stale).isZero();
    }
}
