package boshcm.bench.load.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SoakOptionsTest {

    @Test
    void defaultsAreTheIssuesRun() {
        SoakOptions o = SoakOptions.parse();
        assertThat(o.sessions()).isEqualTo(5000);
        assertThat(o.pairs()).isEqualTo(2500);
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(o.rate()).isEqualTo(500);
        assertThat(o.churnPerSecond()).isEqualTo(2);
        assertThat(o.cutEvery()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.malformedPerSecond()).isEqualTo(1);
        assertThat(o.sampleEvery()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.heapSlopeLimitKibPerMinute()).isEqualTo(128);
        assertThat(o.report()).isEqualTo(Path.of("cm-bench/target/soak-report.md"));
        assertThat(o.charts()).isEqualTo(Path.of("cm-bench/target/soak-charts").toAbsolutePath());
        assertThat(o.boshcmJvmOptions()).isEmpty();
        assertThat(o.keep()).isFalse();
    }

    @Test
    void everyOptionBothSpellings() {
        SoakOptions o = SoakOptions.parse("--sessions", "200", "--duration=1h", "--rate", "40.5", "--churn=0",
                "--cut-every", "0s", "--malformed-rate", "0.5", "--sample-every", "1500ms", "--drain", "5s",
                "--cut-settle=1s", "--bounce-delay", "3s", "--heap-slope-limit", "64", "--fd-tolerance", "4",
                "--login-concurrency", "50", "--threads", "3", "--boshcm-jar", "/x.jar", "--boshcm-jvm-opts", " -Xmx1g  -Xss1m",
                "--work-dir", "/tmp/w", "--report", "/tmp/r/soak.md", "--charts", "none", "--keep");
        assertThat(o.sessions()).isEqualTo(200);
        assertThat(o.duration()).isEqualTo(Duration.ofHours(1));
        assertThat(o.rate()).isEqualTo(40.5);
        assertThat(o.churnPerSecond()).isZero();
        assertThat(o.cutEvery()).isZero();
        assertThat(o.malformedPerSecond()).isEqualTo(0.5);
        assertThat(o.sampleEvery()).isEqualTo(Duration.ofMillis(1500));
        assertThat(o.drain()).isEqualTo(Duration.ofSeconds(5));
        assertThat(o.cutSettle()).isEqualTo(Duration.ofSeconds(1));
        assertThat(o.bounceDelay()).isEqualTo(Duration.ofSeconds(3));
        assertThat(o.heapSlopeLimitKibPerMinute()).isEqualTo(64);
        assertThat(o.fdTolerance()).isEqualTo(4);
        assertThat(o.loginConcurrency()).isEqualTo(50);
        assertThat(o.threads()).isEqualTo(3);
        assertThat(o.boshcmJar()).isEqualTo(Path.of("/x.jar"));
        assertThat(o.boshcmJvmOptions()).containsExactly("-Xmx1g", "-Xss1m");
        assertThat(o.workDir()).isEqualTo(Path.of("/tmp/w"));
        assertThat(o.report()).isEqualTo(Path.of("/tmp/r/soak.md"));
        assertThat(o.charts()).isNull();
        assertThat(o.keep()).isTrue();
    }

    @Test
    void chartsGoNextToTheReportUnlessTold() {
        assertThat(SoakOptions.parse("--report", "/tmp/r/soak.md").charts()).isEqualTo(Path.of("/tmp/r/soak-charts"));
        assertThat(SoakOptions.parse("--charts", "/tmp/c").charts()).isEqualTo(Path.of("/tmp/c"));
    }

    @Test
    void smokeIsSmallAndLaterOptionsOverrideIt() {
        SoakOptions o = SoakOptions.parse("--smoke");
        assertThat(o.sessions()).isEqualTo(200);
        assertThat(o.duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(o.sampleEvery()).isEqualTo(Duration.ofSeconds(15));
        assertThat(SoakOptions.parse("--smoke", "--duration", "3m").duration()).isEqualTo(Duration.ofMinutes(3));
    }

    @Test
    void badValuesAreRefusedWithTheOptionNamed() {
        assertThatThrownBy(() -> SoakOptions.parse("--sessions", "201")).hasMessageContaining("even");
        assertThatThrownBy(() -> SoakOptions.parse("--sessions", "0")).hasMessageContaining("even");
        assertThatThrownBy(() -> SoakOptions.parse("--sessions", "many")).hasMessageContaining("--sessions");
        assertThatThrownBy(() -> SoakOptions.parse("--rate", "0")).hasMessageContaining("--rate");
        assertThatThrownBy(() -> SoakOptions.parse("--duration", "10")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> SoakOptions.parse("--duration", "0s")).hasMessageContaining("positive");
        assertThatThrownBy(() -> SoakOptions.parse("--churn", "-1")).hasMessageContaining("--churn");
        assertThatThrownBy(() -> SoakOptions.parse("--bogus", "1")).hasMessageContaining("unknown option --bogus");
        assertThatThrownBy(() -> SoakOptions.parse("--rate")).hasMessageContaining("needs a value");
    }

    @Test
    void durationsAndNumbersReadBack() {
        assertThat(SoakOptions.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(SoakOptions.duration("2.5s")).isEqualTo(Duration.ofMillis(2500));
        assertThat(SoakOptions.duration("30m")).isEqualTo(Duration.ofMinutes(30));
        assertThat(SoakOptions.text(Duration.ofMinutes(30))).isEqualTo("30m");
        assertThat(SoakOptions.text(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(SoakOptions.text(Duration.ZERO)).isEqualTo("0s");
        assertThat(SoakOptions.text(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(SoakOptions.number(2)).isEqualTo("2");
        assertThat(SoakOptions.number(0.5)).isEqualTo("0.5");
    }

    @Test
    void theCommandLineReproducesTheRun() {
        SoakOptions o = SoakOptions.parse("--sessions", "200", "--duration", "3m", "--boshcm-jvm-opts", "-Xmx256m");
        assertThat(o.commandLine()).isEqualTo("scripts/bench soak --sessions 200 --duration 3m --rate 500 --churn 2"
                + " --cut-every 5s --malformed-rate 1 --sample-every 30s --boshcm-jvm-opts '-Xmx256m'");
        // Read back as a shell would split it (the JVM options are one quoted word).
        java.util.List<String> words = new java.util.ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("'([^']*)'|(\\S+)")
                .matcher(o.commandLine().substring("scripts/bench soak ".length()));
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        assertThat(SoakOptions.parse(words.toArray(String[]::new))).isEqualTo(o);
    }
}
