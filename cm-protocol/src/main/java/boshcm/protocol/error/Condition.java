package boshcm.protocol.error;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A terminal binding condition, like {@code <body type='terminate' condition='item-not-found'/>}
 * (XEP-0124 §17.2 #errorstatus-terminal). Each carries its legacy HTTP status (XEP-0124 §17.1
 * #errorstatus-http), used only for pre-1.6 clients that sent no {@code ver}; 0 means none, and such
 * clients get an HTTP 200 terminate body for it.
 */
public enum Condition {
    /** The format of an HTTP header or binding element received from the client is unacceptable. */
    BAD_REQUEST("bad-request", 400),
    /** The target domain is no longer served. */
    HOST_GONE("host-gone", 0),
    /** The {@code to} or {@code route} names a domain or host the CM does not serve or reach. */
    HOST_UNKNOWN("host-unknown", 0),
    /** {@code to} or {@code route} is required but missing or empty. */
    IMPROPER_ADDRESSING("improper-addressing", 0),
    /** The CM met an internal fault. */
    INTERNAL_SERVER_ERROR("internal-server-error", 0),
    /** Bad sid, stream or key; rid out of window; response no longer cached. */
    ITEM_NOT_FOUND("item-not-found", 404),
    /** Another request caused the termination. */
    OTHER_REQUEST("other-request", 0),
    /** Rate, simultaneity or size rules were broken. */
    POLICY_VIOLATION("policy-violation", 403),
    /** The upstream server is unreachable, cannot be secured, or was lost. */
    REMOTE_CONNECTION_FAILED("remote-connection-failed", 0),
    /** The upstream stream ended with a stream error, carried in the body (XEP-0206 §6, X-6-1). */
    REMOTE_STREAM_ERROR("remote-stream-error", 0),
    /** The client must use another URI, given in a {@code <uri/>} child. */
    SEE_OTHER_URI("see-other-uri", 0),
    /** The connection manager is shutting down. */
    SYSTEM_SHUTDOWN("system-shutdown", 0),
    /** Anything else; details travel as a child element. */
    UNDEFINED_CONDITION("undefined-condition", 0);

    private static final Map<String, Condition> BY_WIRE_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Condition::wireName, Function.identity()));

    private final String wireName;
    private final int legacyHttpStatus;

    Condition(String wireName, int legacyHttpStatus) {
        this.wireName = wireName;
        this.legacyHttpStatus = legacyHttpStatus;
    }

    public String wireName() {
        return wireName;
    }

    /** XEP-0124 §17.1: the HTTP status a legacy client gets instead; 0 if none. */
    public int legacyHttpStatus() {
        return legacyHttpStatus;
    }

    public static Optional<Condition> fromWire(String wireName) {
        return Optional.ofNullable(BY_WIRE_NAME.get(wireName));
    }
}
