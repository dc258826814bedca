package boshcm.server.metrics;

import boshcm.protocol.session.Tally;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code bosh_limit_hits_total{kind}}: every limit a client ran into, in one series, whichever layer
 * enforces it: the node's admission limits and the HTTP limits here ({@link Node}), the session's
 * rules from the protocol ({@link Tally.Limit}). Every kind is registered at 0, so a dashboard sees
 * the full set before the first hit. Registering twice against one registry gives the same counters,
 * so the HTTP side and the session side each build their own instance.
 */
public final class LimitHits {

    /** Limits enforced outside a session. The tag is the configuration setting's last word. */
    public enum Node {
        /** {@code limits.max-sessions}: a creation refused with policy-violation. */
        MAX_SESSIONS,
        /** {@code limits.max-sessions-per-client}. */
        MAX_SESSIONS_PER_CLIENT,
        /** {@code limits.new-sessions-per-client-per-second}. */
        CREATION_RATE,
        /** {@code limits.new-sessions-per-origin-per-second}. */
        ORIGIN_CREATION_RATE,
        /** {@code http.max-body-bytes}: 413 on the declared length, or policy-violation once the body outgrew it. */
        BODY_SIZE,
        /** {@code http.max-header-bytes}: the request line and headers were larger; HTTP 431. */
        HEADER_SIZE,
        /** {@code http.request-timeout}: a request did not arrive in time (slowloris); its connection was closed. */
        REQUEST_TIMEOUT;

        final String tag = name().toLowerCase(Locale.ROOT).replace('_', '-');

        /** The kind whose tag is {@code tag}, like {@code max-sessions}: the refusal reasons of {@code bosh_sessions_refused_total}. */
        static Optional<Node> byTag(String tag) {
            for (Node n : values()) {
                if (n.tag.equals(tag)) {
                    return Optional.of(n);
                }
            }
            return Optional.empty();
        }
    }

    private final Map<Node, Counter> node = new EnumMap<>(Node.class);
    private final Map<Tally.Limit, Counter> session = new EnumMap<>(Tally.Limit.class);

    public LimitHits(MeterRegistry registry) {
        for (Node kind : Node.values()) {
            node.put(kind, counter(registry, kind.tag));
        }
        for (Tally.Limit kind : Tally.Limit.values()) {
            session.put(kind, counter(registry, kind.wireName()));
        }
    }

    private static Counter counter(MeterRegistry registry, String kind) {
        return Counter.builder("bosh.limit.hits").tag("kind", kind)
                .description("limits clients ran into, by kind").register(registry);
    }

    public void hit(Node kind) {
        node.get(kind).increment();
    }

    public void hit(Tally.Limit kind) {
        session.get(kind).increment();
    }
}
