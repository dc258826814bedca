package boshcm.bench.load.run;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.bench.load.chart.BarChart;
import boshcm.bench.load.chart.Point;
import boshcm.bench.load.chart.Series;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadChartsTest {

    @TempDir
    Path dir;

    private final LoadOptions options = LoadOptions.parse("--targets", "c2s,boshcm,prosody-bosh", "--repeat", "2");
    private final LoadCharts charts = new LoadCharts(options, ReportTest.twoRepetitions());

    @Test
    void everyChartIsWrittenAsAPng() throws Exception {
        List<LoadCharts.Chart> written = charts.write(dir);
        assertThat(written).extracting(LoadCharts.Chart::file).containsExactly("latency-p50.png", "latency-p90.png",
                "latency-p99.png", "cpu-per-message.png", "login-rate.png", "max-rate.png", "memory-per-session.png");
        for (LoadCharts.Chart c : written) {
            BufferedImage png = ImageIO.read(dir.resolve(c.file()).toFile());
            assertThat(png.getWidth()).as(c.file()).isEqualTo(1000);
            assertThat(png.getHeight()).as(c.file()).isEqualTo(600);
        }
    }

    @Test
    void withoutTheSearchThereIsNoMaxRateChart() throws Exception {
        LoadOptions off = LoadOptions.parse("--targets", "c2s,boshcm,prosody-bosh", "--max-rate-search", "off");
        assertThat(new LoadCharts(off, ReportTest.twoRepetitions()).write(dir)).extracting(LoadCharts.Chart::file)
                .doesNotContain("max-rate.png");
    }

    @Test
    void latencyLinesAreMediansOfTheFixedRatesAndDotsAreTheSearchSteps() {
        List<Series> series = charts.latency(99).series();
        Series c2s = series.get(0);
        assertThat(c2s.name()).isEqualTo("raw c2s → Prosody");
        assertThat(c2s.line()).isTrue();
        // p99 at 1000 msg/s was 20 ms and 40 ms: median 30, whisker 20–40
        assertThat(c2s.points()).extracting(Point::x).containsExactly(250.0, 500.0, 1000.0);
        assertThat(c2s.points().get(2)).isEqualTo(new Point(1000, 30, 20, 40));
        Series steps = series.get(1);
        assertThat(steps.line()).isFalse();
        assertThat(steps.inLegend()).isFalse();
        assertThat(steps.points()).extracting(Point::x).containsExactly(2000.0, 2000.0, 3000.0, 3200.0, 4000.0, 4000.0);
        assertThat(steps.color()).isEqualTo(c2s.color());
    }

    @Test
    void barsCarryTheMarksOfTheSearch() {
        List<BarChart.Bar> bars = charts.maxRate().bars();
        assertThat(bars).extracting(BarChart.Bar::label).containsExactly("raw c2s → Prosody", "boshcm → Prosody", "Prosody mod_bosh");
        assertThat(bars.get(0).total()).isEqualTo(3100);
        assertThat(bars.get(0).low()).isEqualTo(3000);
        assertThat(bars.get(0).high()).isEqualTo(3200);
        assertThat(bars.get(1).annotation()).isEqualTo("generator");
        assertThat(bars.get(1).low()).as("the same value twice: no whisker").isNaN();
        assertThat(bars.get(2).annotation()).isEqualTo("≥");
    }

    @Test
    void memoryIsStackedByProcess() {
        List<BarChart.Bar> bars = charts.memory().bars();
        assertThat(bars.get(1).segments()).extracting(BarChart.Segment::name).containsExactly("boshcm", "prosody");
        assertThat(bars.get(1).total()).isEqualTo(118.0, org.assertj.core.data.Offset.offset(0.01));
        assertThat(bars.get(0).segments()).hasSize(1);
        assertThat(bars.get(0).total()).isEqualTo(18.0, org.assertj.core.data.Offset.offset(0.01));
    }

    @Test
    void cpuIsTheSumOfTheServersProcesses() {
        Series boshcm = charts.cpu().series().get(2);
        assertThat(boshcm.name()).isEqualTo("boshcm → Prosody");
        // 300 µs boshcm + 200 µs prosody per message in the made-up results
        assertThat(boshcm.points().get(0).y()).isEqualTo(500.0, org.assertj.core.data.Offset.offset(1e-6));
        Series c2s = charts.cpu().series().get(0);
        assertThat(c2s.points().get(0).y()).isEqualTo(200.0, org.assertj.core.data.Offset.offset(1e-6));
    }
}
