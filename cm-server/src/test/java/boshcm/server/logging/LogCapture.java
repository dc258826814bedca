package boshcm.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * The events logged on some loggers during a test, each with the MDC as it was when it was logged:
 * a Logback appender attached programmatically, and the loggers' levels put back on {@link #close}.
 * <pre>{@code
 * try (LogCapture logs = LogCapture.of("boshcm", Level.DEBUG).level("boshcm.session", Level.INFO)) {
 *     ...
 *     assertThat(logs.on("boshcm.session")).extracting(ILoggingEvent::getFormattedMessage)...
 * }
 * }</pre>
 */
public final class LogCapture implements AutoCloseable {

    private final Logger attachedTo;
    private final Map<Logger, Level> before = new java.util.LinkedHashMap<>();
    private final List<ILoggingEvent> events = new ArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            // The MDC is read lazily: take it now, on the thread that logged, as an async appender would.
            event.prepareForDeferredProcessing();
            synchronized (events) {
                events.add(event);
            }
        }
    };

    private LogCapture(String logger, Level level) {
        attachedTo = logger(logger);
        level(logger, level);
        appender.setContext(attachedTo.getLoggerContext());
        appender.start();
        attachedTo.addAppender(appender);
    }

    /** Captures what {@code logger} and the loggers below it log, from {@code level} on. */
    public static LogCapture of(String logger, Level level) {
        return new LogCapture(logger, level);
    }

    /** Sets the level of another logger for the test (below the captured one, to see it here). */
    public LogCapture level(String logger, Level level) {
        Logger l = logger(logger);
        before.putIfAbsent(l, l.getLevel());
        l.setLevel(level);
        return this;
    }

    public List<ILoggingEvent> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The events of exactly this logger. */
    public List<ILoggingEvent> on(String logger) {
        return events().stream().filter(e -> e.getLoggerName().equals(logger)).toList();
    }

    /** The MDC sid of an event, or null. */
    public static String sid(ILoggingEvent e) {
        return e.getMDCPropertyMap().get(SessionMdc.KEY);
    }

    /** An event's SLF4J key-value pairs as a map. */
    public static Map<String, String> fields(ILoggingEvent e) {
        List<KeyValuePair> kvps = e.getKeyValuePairs() == null ? List.of() : e.getKeyValuePairs();
        return kvps.stream().collect(Collectors.toMap(kv -> kv.key, kv -> Objects.toString(kv.value),
                (a, b) -> b, java.util.LinkedHashMap::new));
    }

    @Override
    public void close() {
        attachedTo.detachAppender(appender);
        appender.stop();
        before.forEach(Logger::setLevel);
    }

    private static Logger logger(String name) {
        return (Logger) LoggerFactory.getLogger(name);
    }
}
