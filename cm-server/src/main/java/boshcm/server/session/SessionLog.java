package boshcm.server.session;

import boshcm.protocol.body.BoshVersion;
import boshcm.protocol.error.Condition;
import boshcm.protocol.session.EndCause;
import boshcm.protocol.session.SessionParams;
import boshcm.protocol.session.UpstreamTarget;
import boshcm.protocol.xmpp.StreamEvent;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The two INFO lines of one session's life on the {@code boshcm.session} logger, written by its
 * {@link SessionDriver} while the session's sid is in the MDC:
 * <pre>
 * session start client=203.0.113.7 secure=true to=example.com ver=1.11 wait=60 hold=1
 * session end client=203.0.113.7 to=example.com cause=upstream condition=remote-connection-failed duration_ms=73120 requests=41 payloads_up=12 payloads_down=30 upstream="connection reset"
 * </pre>
 * or, for a creation request that was refused, the single line
 * {@code session refused client=… to=… condition=host-unknown}. The fields are written
 * {@code key=value} in the message, and also as SLF4J key-value pairs for the JSON format.
 *
 * <p>Counts are kept here because the driver sees them anyway: requests the session handled, and the
 * payloads (stanzas and nonzas, one per top-level element) it forwarded up to the XMPP server and down
 * in responses. Confined to the session's loop, like the driver.
 */
final class SessionLog {

    /** The logger of the start and end lines: filter on it to see sessions and nothing else. */
    static final String LOGGER = "boshcm.session";
    private static final Logger LOG = LoggerFactory.getLogger(LOGGER);
    /** Longest value written: a client's {@code to} is not a domain name until it has been resolved. */
    private static final int MAX_VALUE = 256;

    private String client = "";
    private Optional<String> to = Optional.empty();
    private boolean started;
    private long requests;
    private long payloadsUp;
    private long payloadsDown;
    /**
     * What the upstream side said last when it ended or broke a stream, and the stream errors boshcm
     * sent, for an end caused upstream.
     */
    private @Nullable String upstream;

    /** The creation request arrived from {@code client}, naming {@code to}: fields of every later line. */
    void creation(String clientAddress, Optional<String> requestedTo) {
        client = clientAddress;
        to = requestedTo;
    }

    /** The session was created with {@code params}; {@code target} is its first stream's upstream. */
    void started(SessionParams params, boolean secure, Optional<UpstreamTarget> target) {
        started = true;
        to = Optional.of(params.domain());
        if (!LOG.isInfoEnabled()) {
            return;
        }
        Line line = new Line("start").add("client", client).add("secure", secure).add("to", params.domain());
        target.flatMap(UpstreamTarget::routeHost).ifPresent(host -> line.add("route", host + ":" + target.get().routePort()));
        line.add("ver", params.ver().map(BoshVersion::toString).orElse("none"))
                .add("wait", params.waitPeriod().toSeconds())
                .add("hold", params.hold())
                .log();
    }

    void request() {
        requests++;
    }

    void up(int payloads) {
        payloadsUp += payloads;
    }

    void down(int payloads) {
        payloadsDown += payloads;
    }

    /** Notes the events of one upstream read that end or break a stream (the rest cost a type check). */
    void upstream(List<StreamEvent> events) {
        for (StreamEvent e : events) {
            if (e instanceof StreamEvent.Lost lost) {
                upstream = lost.reason();
            } else if (e instanceof StreamEvent.StreamError error) {
                upstream = "stream error " + error.condition();
            } else if (e instanceof StreamEvent.Malformed malformed) {
                upstream = "malformed stream: " + malformed.reason();
            } else if (e instanceof StreamEvent.Closed) {
                upstream = "server closed the stream";
            }
        }
    }

    /** boshcm itself closed a stream with a stream error, like {@code policy-violation} when the client's buffer is full. */
    void sentStreamError(String condition) {
        String sent = "boshcm sent stream error " + condition;
        upstream = upstream == null ? sent : upstream + "; " + sent;
    }

    /** An XEP-0198 resume hid the last upstream failure from the client: it no longer explains an end. */
    void resumed() {
        upstream = null;
    }

    /**
     * The end line: why ({@link EndCause#tag()}), the condition the client was sent ({@code none} when
     * it was sent none, as after inactivity), and how long and how much. A session that never started
     * (its creation was refused) gets the one {@code session refused} line instead.
     */
    void ended(EndCause cause, Optional<Condition> condition, Duration lasted) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        String sent = condition.map(Condition::wireName).orElse("none");
        if (!started) {
            new Line("refused").add("client", client).add("to", to.orElse("")).add("condition", sent).log();
            return;
        }
        Line line = new Line("end").add("client", client).add("to", to.orElse(""))
                .add("cause", cause.tag()).add("condition", sent)
                .add("duration_ms", lasted.toMillis()).add("requests", requests)
                .add("payloads_up", payloadsUp).add("payloads_down", payloadsDown);
        if (cause == EndCause.UPSTREAM && upstream != null) {
            line.add("upstream", upstream);
        }
        line.log();
    }

    /** One line being built: the message text and the same fields as key-value pairs. */
    private static final class Line {
        private final StringBuilder text = new StringBuilder(192);
        private final LoggingEventBuilder event = LOG.atInfo();

        Line(String what) {
            text.append("session ").append(what);
        }

        Line add(String key, Object value) {
            String v = String.valueOf(value);
            if (v.length() > MAX_VALUE) {
                v = v.substring(0, MAX_VALUE) + "…";
            }
            text.append(' ').append(key).append('=');
            quote(v, text);
            event.addKeyValue(key, v);
            return this;
        }

        void log() {
            event.log(text.toString());
        }
    }

    /**
     * Appends {@code v} as a logfmt value: as it is when it is a plain word, else in double quotes with
     * {@code "}, {@code \} and control characters escaped. Values a client chose ({@code to}) can hold
     * anything, and must not be able to end the line or fake a field.
     */
    static void quote(String v, StringBuilder out) {
        boolean plain = !v.isEmpty();
        for (int i = 0; i < v.length() && plain; i++) {
            char c = v.charAt(i);
            plain = c > ' ' && c != '"' && c != '=' && c != '\\' && c != 0x7f && !Character.isISOControl(c)
                    && c != '\u2028' && c != '\u2029';
        }
        if (plain) {
            out.append(v);
            return;
        }
        out.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < ' ' || c == 0x7f || Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
