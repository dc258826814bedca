package boshcm.protocol.session;

import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzing the session state machine (XEP-0124 §7 to §17, XEP-0206, XEP-0198 in both modes; checklist
 * B-8, B-10, B-11, B-14, B-16, S-10, U-15; docs/testing.md "Fuzzing"). A fuzzed policy and creation
 * request, then a fuzzed sequence of requests (rids in and out of the window, retransmissions,
 * terminate, pause, restarts, several streams, keys, garbage bodies through the real parser), upstream
 * events on any stream, clients leaving, clock advances and shutdown. {@link FuzzedSession} checks the
 * invariants after every event; see there.
 *
 * <p>Regression inputs: {@code src/test/resources/boshcm/protocol/session/BoshSessionFuzzTestInputs/<method>/}.
 */
class BoshSessionFuzzTest {

    @FuzzTest
    @Timeout(value = 10, threadMode = SEPARATE_THREAD)
    void anyExchange(FuzzedDataProvider data) {
        new FuzzedSession(data).run();
    }
}
