package boshcm.server.config;

/**
 * How the node logs to standard output, applied once at start by {@code LogSetup}.
 *
 * @param format {@link Format#TEXT}: one line per event, as the bundled {@code logback.xml} says;
 *               {@link Format#JSON}: one JSON object per line (Logback's {@code JsonEncoder}), with
 *               the session's sid among the MDC fields
 * @param level  the level of the {@code boshcm} loggers, one of {@code TRACE DEBUG INFO WARN ERROR OFF};
 *               {@code boshcm.wire} (payloads) keeps its own level, OFF unless a logging file turns it on
 */
public record LogConfig(Format format, String level) {

    /** The console line format, {@code log.format}. */
    public enum Format { TEXT, JSON }
}
