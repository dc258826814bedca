package boshcm.bench.load.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    private static TargetResult withLoginRate(double okPerSecond) {
        LoginResult login = new LoginResult(100, 10, 100, 0, 100 / okPerSecond,
                boshcm.bench.load.measure.Percentiles.EMPTY, List.of(), java.util.Map.of());
        return new TargetResult("t", 1, List.of(), login, null, List.of(), null);
    }

    @Test
    void oneRunShowsItsValueSeveralShowMedianAndRange() {
        assertThat(Report.cell(List.of(withLoginRate(500)), r -> r.login().rate(), "%.0f")).isEqualTo("500");
        assertThat(Report.cell(List.of(withLoginRate(500), withLoginRate(400), withLoginRate(700)),
                r -> r.login().rate(), "%.0f")).isEqualTo("500 [400–700]");
        assertThat(Report.cell(List.of(withLoginRate(400), withLoginRate(600)),
                r -> r.login().rate(), "%.0f")).isEqualTo("500 [400–600]");
    }

    @Test
    void missingValuesShowADash() {
        assertThat(Report.cell(List.of(new TargetResult("t", 1, List.of(), null, null, List.of(), "boom")),
                r -> r.login() == null ? Double.NaN : r.login().rate(), "%.0f")).isEqualTo("–");
    }
}
