package boshcm.bench.load.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.bench.load.client.Credentials;
import boshcm.bench.load.target.TargetKind;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    @Test
    void defaults() {
        LoadOptions o = LoadOptions.parse();
        assertThat(o.sessions()).isEqualTo(1000);
        assertThat(o.rates()).containsExactly(250.0, 500.0, 1000.0);
        assertThat(o.targets()).containsExactly(TargetKind.C2S, TargetKind.BOSHCM, TargetKind.PROSODY_BOSH, TargetKind.NXB);
        assertThat(o.prosodyGc()).isEqualTo("generational");
        assertThat(o.nxbDir()).isEqualTo(java.nio.file.Path.of("cm-bench/src/main/node/nxb"));
        assertThat(o.ejabberdLogLevel()).isEqualTo("warning");
        assertThat(o.ejabberdErlOptions()).isEmpty();
        assertThat(o.loginWarmup()).isEqualTo(8000);
    }

    @Test
    void everyOptionBothSpellings() {
        LoadOptions o = LoadOptions.parse("--sessions", "200", "--rates=100,200.5", "--duration", "1500ms",
                "--warmup", "0s", "--targets", "boshcm,c2s", "--auth", "anonymous", "--threads=3",
                "--boshcm-jvm-opts", "-Xmx1g -XX:+UseG1GC", "--repeat", "3", "--keep", "--prosody-gc", "incremental",
                "--prosody-extra", "network_settings = { nagle = false }", "--login-warmup", "0",
                "--nxb-dir", "/opt/nxb", "--ejabberd-log", "info", "--ejabberd-erl-opts", " +sbwt none  +sbwtdcpu none");
        assertThat(o.sessions()).isEqualTo(200);
        assertThat(o.rates()).containsExactly(100.0, 200.5);
        assertThat(o.duration()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.warmup()).isZero();
        assertThat(o.targets()).containsExactly(TargetKind.BOSHCM, TargetKind.C2S);
        assertThat(o.auth()).isEqualTo(Credentials.Mechanism.ANONYMOUS);
        assertThat(o.threads()).isEqualTo(3);
        assertThat(o.boshcmJvmOptions()).isEqualTo(List.of("-Xmx1g", "-XX:+UseG1GC"));
        assertThat(o.repeat()).isEqualTo(3);
        assertThat(o.keep()).isTrue();
        assertThat(o.prosodyGc()).isEqualTo("incremental");
        assertThat(o.prosodyExtra()).containsExactly("network_settings = { nagle = false }");
        assertThat(o.loginWarmup()).isZero();
        assertThat(o.nxbDir()).isEqualTo(java.nio.file.Path.of("/opt/nxb"));
        assertThat(o.ejabberdLogLevel()).isEqualTo("info");
        assertThat(o.ejabberdErlOptions()).containsExactly("+sbwt", "none", "+sbwtdcpu", "none");
        assertThat(o.commandLine()).contains("--rates 100,200.5", "--duration 1500ms", "--targets boshcm,c2s",
                "--ejabberd-erl-opts '+sbwt none +sbwtdcpu none'");
    }

    @Test
    void targetGroupsExpandInOrderWithoutDuplicates() {
        assertThat(LoadOptions.parse("--targets", "all").targets()).containsExactly(TargetKind.values());
        assertThat(LoadOptions.parse("--targets", "ejabberd").targets())
                .containsExactly(TargetKind.C2S_EJABBERD, TargetKind.BOSHCM_EJABBERD, TargetKind.EJABBERD_BOSH);
        assertThat(LoadOptions.parse("--targets", "nxb,prosody").targets())
                .containsExactly(TargetKind.NXB, TargetKind.C2S, TargetKind.BOSHCM, TargetKind.PROSODY_BOSH);
        assertThat(LoadOptions.parse("--targets", "c2s-ejabberd, ejabberd-bosh,boshcm-ejabberd").targets())
                .containsExactly(TargetKind.C2S_EJABBERD, TargetKind.EJABBERD_BOSH, TargetKind.BOSHCM_EJABBERD);
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> LoadOptions.parse("--sessions", "3")).hasMessageContaining("even");
        assertThatThrownBy(() -> LoadOptions.parse("--rates", "0")).hasMessageContaining("--rates");
        assertThatThrownBy(() -> LoadOptions.parse("--targets", "openfire")).hasMessageContaining("openfire")
                .hasMessageContaining("nxb").hasMessageContaining("all");
        assertThatThrownBy(() -> LoadOptions.parse("--targets", ",")).hasMessageContaining("no target");
        assertThatThrownBy(() -> LoadOptions.parse("--duration", "ten")).hasMessageContaining("ten");
        assertThatThrownBy(() -> LoadOptions.parse("--bogus", "1")).hasMessageContaining("--bogus");
        assertThatThrownBy(() -> LoadOptions.parse("--threads")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> LoadOptions.parse("--prosody-gc", "none")).hasMessageContaining("--prosody-gc");
    }

    @Test
    void maxRateSearchDefaultsAndOptions() {
        MaxRateSettings d = LoadOptions.parse().maxRate();
        assertThat(d.on()).isTrue();
        assertThat(d.start()).isEqualTo(250);
        assertThat(d.factor()).isEqualTo(2);
        assertThat(d.limit()).isEqualTo(50_000);
        assertThat(d.resolution()).isEqualTo(0.10);
        assertThat(d.stepDuration()).isEqualTo(Duration.ofSeconds(5));
        assertThat(d.p99Limit()).isEqualTo(Duration.ofMillis(100));
        assertThat(d.lagLimit()).isEqualTo(Duration.ofMillis(10));

        MaxRateSettings m = LoadOptions.parse("--max-rate-search", "on", "--max-rate-start", "50", "--max-rate-limit=400",
                "--max-rate-factor", "1.5", "--max-rate-resolution", "5%", "--max-rate-step-duration", "3s",
                "--max-rate-p99", "50ms", "--max-rate-max-lag", "20ms", "--max-rate-pause", "500ms",
                "--max-rate-recovery", "10s").maxRate();
        assertThat(m).isEqualTo(new MaxRateSettings(true, 50, 1.5, 400, 0.05, Duration.ofSeconds(3), Duration.ofMillis(50),
                Duration.ofMillis(20), Duration.ofMillis(500), Duration.ofSeconds(10)));
        assertThat(LoadOptions.parse("--max-rate-resolution", "0.1").maxRate().resolution()).isEqualTo(0.1);
        assertThat(LoadOptions.parse("--max-rate-search", "off").maxRate().on()).isFalse();
        assertThat(LoadOptions.parse("--max-rate-start", "50", "--max-rate-limit=400").commandLine())
                .contains("--max-rate-search on --max-rate-start 50 --max-rate-limit 400 --max-rate-factor 2"
                        + " --max-rate-resolution 10% --max-rate-step-duration 5s");
    }

    @Test
    void badMaxRateValuesAreNamed() {
        assertThatThrownBy(() -> LoadOptions.parse("--max-rate-search", "yes")).hasMessageContaining("on or off");
        assertThatThrownBy(() -> LoadOptions.parse("--max-rate-factor", "1")).hasMessageContaining("--max-rate-factor");
        assertThatThrownBy(() -> LoadOptions.parse("--max-rate-resolution", "150%")).hasMessageContaining("--max-rate-resolution");
        assertThatThrownBy(() -> LoadOptions.parse("--max-rate-start", "500", "--max-rate-limit", "400"))
                .hasMessageContaining("below --max-rate-start");
        assertThatThrownBy(() -> LoadOptions.parse("--max-rate-step-duration", "0s")).hasMessageContaining("more than 0");
    }

    @Test
    void smokeRunsATinySearchThatLaterOptionsOverride() {
        MaxRateSettings m = LoadOptions.parse("--smoke").maxRate();
        assertThat(m.on()).isTrue();
        assertThat(m.start()).isEqualTo(10);
        assertThat(m.limit()).isEqualTo(40);
        assertThat(m.stepDuration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(LoadOptions.parse("--smoke", "--max-rate-limit", "400").maxRate().limit()).isEqualTo(400);
        assertThat(LoadOptions.parse("--smoke", "--max-rate-search", "off").maxRate().on()).isFalse();
    }

    @Test
    void outputsGoNextToTheReportUnlessOutSaysOtherwise() {
        LoadOptions d = LoadOptions.parse();
        assertThat(d.report()).isEqualTo(java.nio.file.Path.of("cm-bench/target/load-report.md"));
        assertThat(d.chartsDir()).isEqualTo(java.nio.file.Path.of("cm-bench/target/load-charts"));
        assertThat(d.hgrmDir()).isEqualTo(java.nio.file.Path.of("cm-bench/target/load-hgrm"));

        LoadOptions out = LoadOptions.parse("--out", "/tmp/r");
        assertThat(out.report()).isEqualTo(java.nio.file.Path.of("/tmp/r/report.md"));
        assertThat(out.chartsDir()).isEqualTo(java.nio.file.Path.of("/tmp/r"));
        assertThat(out.hgrmDir()).isEqualTo(java.nio.file.Path.of("/tmp/r/hgrm"));

        LoadOptions report = LoadOptions.parse("--report", "/tmp/x/my.md");
        assertThat(report.chartsDir()).isEqualTo(java.nio.file.Path.of("/tmp/x/load-charts"));
        assertThat(report.hgrmDir()).isEqualTo(java.nio.file.Path.of("/tmp/x/load-hgrm"));

        assertThat(LoadOptions.parse("--charts", "none").chartsDir()).isNull();
        assertThat(LoadOptions.parse("--out", "/tmp/r", "--charts", "/tmp/c").chartsDir()).isEqualTo(java.nio.file.Path.of("/tmp/c"));
        assertThat(LoadOptions.parse("--charts", "/tmp/c", "--report", "/tmp/x/my.md").chartsDir())
                .isEqualTo(java.nio.file.Path.of("/tmp/c"));
    }

    @Test
    void fullIsEveryTargetThreeTimesWithTheSearchAndTheScaleRunInOneDirectory() {
        LoadOptions o = LoadOptions.parse("--full");
        assertThat(o.targets()).containsExactly(TargetKind.values());
        assertThat(o.repeat()).isEqualTo(3);
        assertThat(o.maxRate().on()).isTrue();
        assertThat(o.scale()).isTrue();
        assertThat(o.report()).isEqualTo(LoadOptions.FULL_OUT.resolve("report.md"));
        assertThat(o.chartsDir()).isEqualTo(LoadOptions.FULL_OUT);
        assertThat(o.hgrmDir()).isEqualTo(LoadOptions.FULL_OUT.resolve("hgrm"));
        assertThat(o.commandLine()).contains("--scale on");
        LoadOptions less = LoadOptions.parse("--full", "--repeat", "1", "--targets", "c2s,boshcm", "--scale", "off");
        assertThat(less.repeat()).isEqualTo(1);
        assertThat(less.targets()).containsExactly(TargetKind.C2S, TargetKind.BOSHCM);
        assertThat(less.scale()).isFalse();
        assertThat(LoadOptions.parse().scale()).isFalse();
    }
}
