package boshcm.bench.load.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ProcProbeTest {

    @Test
    void cpuTicksAreUtimePlusStimeEvenWithSpacesAndParensInTheName() {
        String stat = "4242 (my (odd) name) S 1 4242 4242 0 -1 4194560 1380 0 0 0 250 75 0 0 20 0 31 0 123 4567 89 "
                + "18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0";
        assertThat(ProcProbe.cpuTicks(stat)).isEqualTo(325);
    }

    @Test
    void rssComesFromVmRss() {
        String status = "Name:\tjava\nVmPeak:\t  9000 kB\nVmRSS:\t   123456 kB\nRssAnon:\t 1 kB\n";
        assertThat(ProcProbe.rssKib(status)).isEqualTo(123456);
    }

    @Test
    void openFileLimitIsTheSoftLimit() {
        String limits = "Limit                     Soft Limit           Hard Limit           Units     \n"
                + "Max cpu time              unlimited            unlimited            seconds   \n"
                + "Max open files            20000                20000                files     \n";
        assertThat(ProcProbe.openFileLimit(limits)).isEqualTo(20000);
        assertThat(ProcProbe.openFileLimit("Max open files            unlimited            unlimited            files\n")).isEqualTo(-1);
    }

    @Test
    void threadsComeFromTheThreadsLine() {
        assertThat(ProcProbe.threads("Name:\tjava\nThreads:\t42\nSigQ:\t0/1\n")).isEqualTo(42);
        assertThat(ProcProbe.threads("Name:\tjava\n")).isEqualTo(-1);
    }

    @Test
    void thisProcessCanBeRead() throws IOException {
        assertThat(ProcProbe.rssBytes(ProcProbe.self())).isPositive();
        assertThat(ProcProbe.cpuNanos(ProcProbe.self())).isNotNegative();
        assertThat(ProcProbe.openFiles(ProcProbe.self())).isPositive();
        assertThat(ProcProbe.threads(ProcProbe.self())).isPositive();
    }
}
