package boshcm.server.logging;

import boshcm.server.config.LogConfig;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code log.format} and {@code log.level} to Logback, once, when the command line starts a
 * node: after the configuration is known to be valid (so configuration problems are still printed as
 * plain text on standard error) and before the node logs its first line.
 *
 * <p>Logback cannot choose between two formats in {@code logback.xml} without Janino, which is not on
 * the class path, so the choice is made here: {@code json} swaps the encoder of the console appender
 * named {@code STDOUT} for Logback's built-in {@link JsonEncoder}. A logging configuration of one's own
 * ({@code -Dlogback.configurationFile}) keeps working: {@code json} applies to its {@code STDOUT}
 * appender if it has one, and is reported and ignored otherwise. Nodes started by {@code Main.start}
 * (tests, embedding) leave logging alone.
 */
public final class LogSetup {

    /** The appender of the bundled logback.xml that {@code log.format} applies to. */
    static final String CONSOLE = "STDOUT";
    /** The logger {@code log.level} sets; every boshcm logger inherits from it unless set itself. */
    static final String BOSHCM = "boshcm";

    private LogSetup() {}

    /** Applies {@code config} to the logging system in use; does nothing unless it is Logback. */
    public static void apply(LogConfig config) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            apply(context, config);
        }
    }

    static void apply(LoggerContext context, LogConfig config) {
        context.getLogger(BOSHCM).setLevel(Level.toLevel(config.level(), Level.INFO));
        if (config.format() == LogConfig.Format.JSON) {
            Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            Appender<ILoggingEvent> console = root.getAppender(CONSOLE);
            if (console instanceof OutputStreamAppender<ILoggingEvent> stream) {
                stream.stop();
                stream.setEncoder(jsonEncoder(context));
                stream.start();
            } else {
                context.getLogger(LogSetup.class).warn("log.format=json ignored: the logging configuration has no console appender named {}", CONSOLE);
            }
        }
    }

    /**
     * One JSON object per line, like
     * {@code {"timestamp":1732184359118,"level":"INFO","threadName":"bosh-loop-4-1","loggerName":"boshcm.session","mdc": {"sid":"n1-q2Xk0v1V…"},"kvpList": [{"cause":"inactivity"}],"formattedMessage":"session end cause=inactivity …","throwable":null}}:
     * the message as formatted, the MDC, SLF4J key-value pairs and the stack trace as an object. Left
     * out: the raw message pattern and its arguments (the formatted message says it once), the
     * sequence number and nanoseconds, and the logger context (the same on every line).
     */
    static JsonEncoder jsonEncoder(LoggerContext context) {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.setWithContext(false);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        json.setWithMDC(true);
        json.setWithKVPList(true);
        json.setWithThrowable(true);
        json.start();
        return json;
    }
}
