package boshcm.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.server.config.LogConfig;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.OutputStreamAppender;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.ByteArrayOutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The shipped {@code logback.xml} and {@code log.format}/{@code log.level} on top of it, in a logger
 * context of the test's own (the tests' global one is configured by logback-test.xml): lines name the
 * session through the MDC, payloads are logged nowhere by default, and {@code json} writes one JSON
 * object per line with the sid among its fields.
 */
class LogSetupTest {

    private final LoggerContext context = shipped();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        MDC.remove(SessionMdc.KEY);
        context.stop();
    }

    @Test
    void payloadsAreOffAndBoshcmLogsAtInfoByDefault() {
        assertThat(context.getLogger("boshcm.wire").getLevel()).isEqualTo(Level.OFF);
        assertThat(context.getLogger("boshcm.wire").isTraceEnabled()).isFalse();
        assertThat(context.getLogger("boshcm.session").isInfoEnabled()).isTrue();
        assertThat(context.getLogger("boshcm.session").isDebugEnabled()).isFalse();
    }

    @Test
    void textLinesShowTheSidAfterTheLoggerNameOnlyWhenThereIsOne() {
        capture();
        MDC.put(SessionMdc.KEY, "n1-q2Xk0v1V…");
        context.getLogger("boshcm.session").info("session start client=203.0.113.7");
        MDC.remove(SessionMdc.KEY);
        context.getLogger("boshcm.server.Main").info("boshcm stopped");

        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\S+ INFO  \\[\\S+] boshcm.session sid=n1-q2Xk0v1V… - session start client=203.0.113.7");
        assertThat(lines.get(1)).matches("\\S+ INFO  \\[\\S+] boshcm.server.Main - boshcm stopped");
    }

    @Test
    void jsonFormatWritesOneObjectPerLineWithTheSidAndTheFields() {
        LogSetup.apply(context, new LogConfig(LogConfig.Format.JSON, "DEBUG"));
        capture();
        assertThat(((OutputStreamAppender<?>) root().getAppender(LogSetup.CONSOLE)).getEncoder()).isInstanceOf(JsonEncoder.class);

        MDC.put(SessionMdc.KEY, "n1-q2Xk0v1V…");
        context.getLogger("boshcm.session").atInfo().addKeyValue("cause", "inactivity").addKeyValue("condition", "none")
                .log("session end cause=inactivity condition=none");
        context.getLogger("boshcm.server.session.SessionDriver").error("session failed; ending it\nsecond line",
                new IllegalStateException("bug"));
        MDC.remove(SessionMdc.KEY);
        context.getLogger("boshcm.server.Main").debug("no session here");

        List<String> lines = lines();
        assertThat(lines).as("one line per event, even with a newline and a stack trace").hasSize(3);
        Config end = json(lines.get(0));
        assertThat(end.getString("level")).isEqualTo("INFO");
        assertThat(end.getString("loggerName")).isEqualTo("boshcm.session");
        assertThat(end.getString("mdc.sid")).isEqualTo("n1-q2Xk0v1V…");
        assertThat(end.getString("formattedMessage")).isEqualTo("session end cause=inactivity condition=none");
        assertThat(end.getConfigList("kvpList")).extracting(c -> c.root().unwrapped())
                .containsExactly(java.util.Map.of("cause", "inactivity"), java.util.Map.of("condition", "none"));
        assertThat(end.hasPath("timestamp")).isTrue();
        assertThat(end.hasPath("arguments")).as("the message is given once, formatted").isFalse();

        Config failure = json(lines.get(1));
        assertThat(failure.getString("mdc.sid")).isEqualTo("n1-q2Xk0v1V…");
        assertThat(failure.getString("formattedMessage")).isEqualTo("session failed; ending it\nsecond line");
        assertThat(failure.getString("throwable.className")).isEqualTo(IllegalStateException.class.getName());

        Config plain = json(lines.get(2));
        assertThat(plain.getString("level")).as("log.level=debug reached the boshcm loggers").isEqualTo("DEBUG");
        assertThat(plain.hasPath("mdc.sid")).isFalse();
        assertThat(context.getLogger("boshcm.wire").getLevel()).as("payloads stay off").isEqualTo(Level.OFF);
    }

    @Test
    void textFormatLeavesTheConfiguredEncoderAndSetsTheLevel() {
        var before = ((OutputStreamAppender<?>) root().getAppender(LogSetup.CONSOLE)).getEncoder();
        LogSetup.apply(context, new LogConfig(LogConfig.Format.TEXT, "WARN"));
        assertThat(((OutputStreamAppender<?>) root().getAppender(LogSetup.CONSOLE)).getEncoder()).isSameAs(before);
        assertThat(context.getLogger("boshcm.session").isInfoEnabled()).isFalse();
        assertThat(context.getLogger("boshcm.session").isWarnEnabled()).isTrue();
    }

    // ---------------------------------------------------------------- helpers

    /** A logger context configured from the logback.xml that ships in the jar. */
    private static LoggerContext shipped() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());      // the adapter org.slf4j.MDC writes to
        URL xml = LogSetup.class.getResource("/logback.xml");
        assertThat(xml).as("logback.xml on the class path").isNotNull();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        try {
            configurator.doConfigure(xml);
        } catch (ch.qos.logback.core.joran.spi.JoranException e) {
            throw new AssertionError(e);
        }
        return context;
    }

    private Logger root() {
        return context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** Points the console appender at {@link #out} instead of standard output. */
    @SuppressWarnings("unchecked")
    private void capture() {
        ((OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent>) root().getAppender(LogSetup.CONSOLE)).setOutputStream(out);
    }

    private List<String> lines() {
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n");
        return List.of(text.split("\n"));
    }

    /** Parses one line as strict JSON (Typesafe Config's JSON syntax rejects HOCON extensions). */
    private static Config json(String line) {
        assertThat(line).startsWith("{").endsWith("}");
        return ConfigFactory.parseString(line, ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
    }
}
