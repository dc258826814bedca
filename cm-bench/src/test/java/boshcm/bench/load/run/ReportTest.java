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

    @Test
    void eachTargetIsComparedWithRawC2sToItsOwnServer() {
        LoadOptions options = LoadOptions.parse("--targets", "all");
        List<TargetResult> results = new java.util.ArrayList<>();
        for (boshcm.bench.load.target.TargetKind k : options.targets()) {
            results.add(new TargetResult(k.label(), 1, List.of(), null, null, List.of(), null));
        }
        Report report = new Report(options, null, results);
        assertThat(report.comparedWithFloor()).extracting(pair -> pair[0] + " / " + pair[1]).containsExactly(
                "boshcm → Prosody / raw c2s → Prosody",
                "Prosody mod_bosh / raw c2s → Prosody",
                "node-xmpp-bosh → Prosody / raw c2s → Prosody",
                "boshcm → ejabberd / raw c2s → ejabberd",
                "ejabberd mod_bosh / raw c2s → ejabberd");
        assertThat(report.tables()).contains("| ejabberd mod_bosh | raw c2s → ejabberd | 250 |");
    }

    @Test
    void aTargetWhoseFloorDidNotRunIsNotCompared() {
        LoadOptions options = LoadOptions.parse("--targets", "c2s,boshcm,ejabberd-bosh");
        List<TargetResult> results = options.targets().stream()
                .map(k -> new TargetResult(k.label(), 1, List.of(), null, null, List.of(), null)).toList();
        assertThat(new Report(options, null, results).comparedWithFloor()).extracting(pair -> pair[0])
                .containsExactly("boshcm → Prosody");
    }
}
