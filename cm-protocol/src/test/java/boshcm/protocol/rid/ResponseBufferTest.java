package boshcm.protocol.rid;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.ServerBody;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * B-14.3-1: responses kept for a retransmitted rid, at least {@code requests} of them, at most
 * {@code cap}, and none for longer than the age a client could still ask for them again.
 */
class ResponseBufferTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void b14_3_1_keepsUpToCapResponsesWhileTheyAreYoung() {
        ResponseBuffer buffer = new ResponseBuffer(2, 4, Long.MAX_VALUE, 240 * SECOND);
        for (long rid = 1; rid <= 6; rid++) {
            buffer.put(rid, ServerBody.empty(), rid * SECOND);
        }
        assertThat(buffer.size()).isEqualTo(4);
        assertThat(buffer.get(2)).isEmpty();
        assertThat(buffer.get(3)).isPresent();
    }

    @Test
    void b14_3_1_aResponseOlderThanTheMaxAgeIsDroppedButNeverBelowRequests() {
        ResponseBuffer buffer = new ResponseBuffer(2, 32, Long.MAX_VALUE, 240 * SECOND);
        buffer.put(1, ServerBody.empty(), 0);
        buffer.put(2, ServerBody.empty(), SECOND);
        buffer.put(3, ServerBody.empty(), 60 * SECOND);          // an idle session: one response per wait
        buffer.put(4, ServerBody.empty(), 120 * SECOND);
        assertThat(buffer.size()).isEqualTo(4);

        buffer.put(5, ServerBody.empty(), 241 * SECOND);         // rids 1 and 2 are now too old
        assertThat(buffer.size()).isEqualTo(3);
        assertThat(buffer.get(2)).isEmpty();
        assertThat(buffer.get(3)).isPresent();

        buffer.put(6, ServerBody.empty(), 10_000 * SECOND);      // everything else too, but two stay
        assertThat(buffer.size()).isEqualTo(2);
        assertThat(buffer.get(5)).isPresent();
        assertThat(buffer.lastRid()).isEqualTo(6);
    }
}
