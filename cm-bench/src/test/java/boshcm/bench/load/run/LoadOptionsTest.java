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
        assertThat(o.targets()).containsExactly(TargetKind.C2S, TargetKind.BOSHCM, TargetKind.PROSODY_BOSH);
        assertThat(o.prosodyGc()).isEqualTo("generational");
        assertThat(o.loginWarmup()).isEqualTo(1000);
    }

    @Test
    void everyOptionBothSpellings() {
        LoadOptions o = LoadOptions.parse("--sessions", "200", "--rates=100,200.5", "--duration", "1500ms",
                "--warmup", "0s", "--targets", "boshcm,c2s", "--auth", "anonymous", "--threads=3",
                "--boshcm-jvm-opts", "-Xmx1g -XX:+UseG1GC", "--repeat", "3", "--keep", "--prosody-gc", "incremental",
                "--prosody-extra", "network_settings = { nagle = false }", "--login-warmup", "0");
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
        assertThat(o.commandLine()).contains("--rates 100,200.5", "--duration 1500ms", "--targets boshcm,c2s");
    }

    @Test
    void badValuesAreNamed() {
        assertThatThrownBy(() -> LoadOptions.parse("--sessions", "3")).hasMessageContaining("even");
        assertThatThrownBy(() -> LoadOptions.parse("--rates", "0")).hasMessageContaining("--rates");
        assertThatThrownBy(() -> LoadOptions.parse("--targets", "openfire")).hasMessageContaining("openfire");
        assertThatThrownBy(() -> LoadOptions.parse("--duration", "ten")).hasMessageContaining("ten");
        assertThatThrownBy(() -> LoadOptions.parse("--bogus", "1")).hasMessageContaining("--bogus");
        assertThatThrownBy(() -> LoadOptions.parse("--threads")).hasMessageContaining("needs a value");
        assertThatThrownBy(() -> LoadOptions.parse("--prosody-gc", "none")).hasMessageContaining("--prosody-gc");
    }
}
