package boshcm.bench.load.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SoakChartsTest {

    @TempDir
    Path dir;

    @Test
    void theThreeChartsAreWrittenWithEverySeries() throws Exception {
        List<Sample> samples = SoakReportTest.samples(m -> 30 + m % 3, 104, 0);
        assertThat(SoakCharts.heap(samples).series()).extracting(s -> s.name()).containsExactly("heap after GC", "direct buffers");
        assertThat(SoakCharts.heap(samples).series().get(0).points()).hasSize(samples.size());
        assertThat(SoakCharts.rss(samples).series()).extracting(s -> s.name()).containsExactly("boshcm RSS", "Prosody RSS");
        assertThat(SoakCharts.descriptors(samples).series()).extracting(s -> s.name())
                .containsExactly("boshcm fds", "Prosody fds", "boshcm sessions (bosh_sessions_active)");

        List<Path> files = SoakCharts.write(dir.resolve("charts"), samples);
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly(SoakCharts.HEAP_FILE, SoakCharts.RSS_FILE, SoakCharts.DESCRIPTORS_FILE);
        for (Path f : files) {
            assertThat(Files.size(f)).isGreaterThan(1000);
            assertThat(ImageIO.read(f.toFile()).getWidth()).isEqualTo(1000);
        }
    }
}
