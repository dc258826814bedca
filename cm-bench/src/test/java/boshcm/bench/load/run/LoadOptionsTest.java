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
        assertThat(o.loginWarmup()).isEqualTo(1000);
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
}
