package boshcm.bench.load.soak;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LedgerTest {

    @Test
    void aCleanLogoutLeavesNothing() {
        Ledger l = new Ledger();
        // 10 each way, all received; the extra one a→b sent after b logged out bounced.
        l.close(Ledger.End.LOGOUT, new Ledger.Flow(11, 10, 1), new Ledger.Flow(10, 10, 0));
        Ledger.Totals t = l.totals();
        assertThat(t.sent()).isEqualTo(21);
        assertThat(t.received()).isEqualTo(20);
        assertThat(t.bounced()).isEqualTo(1);
        assertThat(t.clean()).isTrue();
        assertThat(t.equation()).isEqualTo("sent 21 = received 20 + bounced 1 + lost in cuts 0");
        assertThat(t.epochs()).containsEntry(Ledger.End.LOGOUT, 1L).containsEntry(Ledger.End.CUT, 0L);
    }

    @Test
    void whatIsMissingAfterACutIsLostInCutsAndNotFlagged() {
        Ledger l = new Ledger();
        l.close(Ledger.End.CUT, new Ledger.Flow(7, 5, 0), new Ledger.Flow(6, 4, 1));
        Ledger.Totals t = l.totals();
        assertThat(t.lostInCuts()).isEqualTo(3);
        assertThat(t.clean()).isTrue();
        assertThat(t.equation()).isEqualTo("sent 13 = received 9 + bounced 1 + lost in cuts 3");
    }

    @Test
    void whatIsMissingAfterALogoutOrTheEndIsUnexplained() {
        Ledger l = new Ledger();
        l.close(Ledger.End.LOGOUT, new Ledger.Flow(5, 4, 0), new Ledger.Flow(0, 0, 0));
        l.close(Ledger.End.RUN_END, new Ledger.Flow(3, 3, 0), new Ledger.Flow(2, 1, 0));
        Ledger.Totals t = l.totals();
        assertThat(t.unexplained()).isEqualTo(2);
        assertThat(t.clean()).isFalse();
        assertThat(t.equation()).endsWith(" + UNEXPLAINED 2");
    }

    @Test
    void anUnexpectedEndAndDuplicatesAreFlaggedApart() {
        Ledger l = new Ledger();
        l.close(Ledger.End.LOST, new Ledger.Flow(4, 1, 0), new Ledger.Flow(2, 3, 0));
        Ledger.Totals t = l.totals();
        assertThat(t.lostInUnexpectedEnds()).isEqualTo(3);
        assertThat(t.excess()).isEqualTo(1);
        assertThat(t.clean()).isFalse();
        assertThat(t.equation()).contains("lost in unexpected session ends 3").contains("EXCESS (duplicates) 1");
    }

    @Test
    void theEquationAlwaysBalances() {
        Ledger l = new Ledger();
        l.close(Ledger.End.LOGOUT, new Ledger.Flow(100, 99, 1), new Ledger.Flow(50, 48, 0));
        l.close(Ledger.End.CUT, new Ledger.Flow(30, 20, 3), new Ledger.Flow(10, 12, 0));
        l.close(Ledger.End.LOST, new Ledger.Flow(9, 2, 0), new Ledger.Flow(1, 1, 0));
        l.close(Ledger.End.RUN_END, new Ledger.Flow(8, 8, 0), new Ledger.Flow(8, 7, 0));
        Ledger.Totals t = l.totals();
        assertThat(t.received() + t.bounced() + t.lostInCuts() + t.lostInUnexpectedEnds() + t.unexplained() - t.excess())
                .isEqualTo(t.sent());
        assertThat(t.epochs().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(4);
    }
}
