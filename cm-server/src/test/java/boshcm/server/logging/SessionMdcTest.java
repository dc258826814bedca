package boshcm.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** The sid as logs show it (checklist S-4), and the MDC entry set and put back around work. */
class SessionMdcTest {

    /** S-4: the node prefix (up to 16 characters, as node.id allows) and eight characters of the rest. */
    @Test
    void keepsTheNodePrefixAndEightCharacters() {
        assertThat(SessionMdc.redact("n1-q2Xk0v1V9yXGZJtW3pF2ag")).isEqualTo("n1-q2Xk0v1V…");
        assertThat(SessionMdc.redact("abcdefghijklmnop-q2Xk0v1V9yXGZJtW3pF2ag")).isEqualTo("abcdefghijklmnop-q2Xk0v1V…");
    }

    /** A sid a client sent can be anything: it is cut the same way and cannot carry a line break. */
    @Test
    void aClientsSidIsCutAndCannotForgeALine() {
        assertThat(SessionMdc.redact("short")).isEqualTo("short");
        assertThat(SessionMdc.redact("no dash at all in this one")).isEqualTo("no?dash?…");
        assertThat(SessionMdc.redact("n1-\nFORGED INFO line")).isEqualTo("n1-?FORGED?…");
        assertThat(SessionMdc.redact("a-very-long-prefix-beyond-node-ids")).isEqualTo("a-very-lon…");
        assertThat(SessionMdc.redact("")).isEmpty();
    }

    @Test
    void enterSetsTheLabelAndExitPutsBackWhatWasThere() {
        assertThat(SessionMdc.current()).isNull();
        String outer = SessionMdc.enter("n1-aaaaaaaa…");
        assertThat(SessionMdc.current()).isEqualTo("n1-aaaaaaaa…");
        String inner = SessionMdc.enter("n1-bbbbbbbb…");
        assertThat(SessionMdc.current()).isEqualTo("n1-bbbbbbbb…");
        SessionMdc.exit(inner);
        assertThat(SessionMdc.current()).isEqualTo("n1-aaaaaaaa…");
        String none = SessionMdc.enter(null);
        assertThat(SessionMdc.current()).as("a null label changes nothing").isEqualTo("n1-aaaaaaaa…");
        SessionMdc.exit(none);
        SessionMdc.exit(outer);
        assertThat(SessionMdc.current()).isNull();
        assertThat(MDC.getCopyOfContextMap()).doesNotContainKey(SessionMdc.KEY);
    }
}
