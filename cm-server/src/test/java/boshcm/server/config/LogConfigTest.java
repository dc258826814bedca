package boshcm.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code log.format} and {@code log.level}: defaults, the three ways to set them, and their problems. */
class LogConfigTest {

    @Test
    void defaultsAreTextAtInfo() {
        LogConfig log = ConfigLoader.load(new String[0], Map.of()).log();
        assertThat(log.format()).isEqualTo(LogConfig.Format.TEXT);
        assertThat(log.level()).isEqualTo("INFO");
    }

    @Test
    void flagsEnvironmentAndFileSetThemIgnoringCase() {
        assertThat(ConfigLoader.load(new String[] {"--log-format", "JSON", "--log-level", "debug"}, Map.of()).log())
                .isEqualTo(new LogConfig(LogConfig.Format.JSON, "DEBUG"));
        assertThat(ConfigLoader.load(new String[0], Map.of("BOSHCM_LOG_FORMAT", "json", "BOSHCM_LOG_LEVEL", "Warn")).log())
                .isEqualTo(new LogConfig(LogConfig.Format.JSON, "WARN"));
    }

    /** Configuration problems are printed before log.format applies, as plain text, with the rest. */
    @Test
    void badValuesAreReportedWithEveryOtherProblem() {
        assertThatThrownBy(() -> ConfigLoader.load(new String[] {"--log-format", "xml", "--log-level", "loud", "--bogus"}, Map.of()))
                .isInstanceOf(ConfigProblems.class)
                .hasMessageContaining("3 problems")
                .hasMessageContaining("log.format (from --log-format): must be text or json")
                .hasMessageContaining("log.level (from --log-level): must be trace, debug, info, warn, error or off");
    }
}
