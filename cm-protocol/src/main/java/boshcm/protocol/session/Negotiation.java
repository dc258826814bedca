package boshcm.protocol.session;

import boshcm.protocol.body.ClientBody;
import boshcm.protocol.error.Condition;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns a session creation request into {@link SessionParams} and an {@link UpstreamTarget} under a
 * {@link SessionPolicy}, or into the terminal condition that refuses it (XEP-0124 §7.1, §7.2).
 */
final class Negotiation {

    static final String DEFAULT_CONTENT_TYPE = "text/xml; charset=utf-8";

    sealed interface Result {}

    record Accepted(SessionParams params, UpstreamTarget target) implements Result {}

    record Refused(Condition condition, String reason, String contentType) implements Result {}

    /** Where a {@code to} (and {@code route}) leads: the domain, lower-cased, and the connection target. */
    record Routed(String domain, UpstreamTarget target) implements Result {}

    private Negotiation() {}

    static Result negotiate(ClientBody c, SessionPolicy policy) {
        String contentType = c.content().map(String::strip).orElse(DEFAULT_CONTENT_TYPE);
        if (c.content().isPresent() && policy.contentTypes().stream().noneMatch(t -> t.equalsIgnoreCase(contentType))) {
            // S-12: the client picks the response Content-Type; only allow-listed ones.
            return new Refused(Condition.BAD_REQUEST, "content type not allowed", DEFAULT_CONTENT_TYPE);
        }
        Result routing = route(c, policy, contentType);
        if (!(routing instanceof Routed routed)) {
            return routing;
        }
        String domain = routed.domain();
        // B-7.1-4: a missing wait gets the cap; hold defaults to 1; both clamped to the caps.
        long waitSeconds = Math.min(c.waitSeconds().orElse((int) policy.maxWait().toSeconds()), policy.maxWait().toSeconds());
        int hold = Math.min(c.hold().orElse(1), policy.maxHold());
        boolean polling = waitSeconds == 0 || hold == 0;
        SessionParams params = new SessionParams(
                Duration.ofSeconds(waitSeconds), hold, hold + 1,
                polling ? policy.pollingInactivity() : policy.inactivity(),
                policy.polling(), policy.maxPause(),
                c.ver().map(v -> v.min(policy.maxVersion())),
                contentType,
                c.ack().isPresent() && c.ack().getAsLong() == 1,
                domain, c.lang(), c.from(),
                // X-3-1: absent xmpp:version means 1.0, the schema default.
                c.xmppVersion().orElse("1.0"));
        return new Accepted(params, routed.target());
    }

    /**
     * The upstream a request's {@code to} and {@code route} name, under the served-domain and route
     * allow-list rules (B-7.1-5, B-7.1-6, S-6): for session creation, and for adding a stream (XEP-0124
     * §16 #multi-add). Returns {@link Routed} or {@link Refused}.
     */
    static Result route(ClientBody c, SessionPolicy policy, String contentType) {
        String domain = c.to().map(String::strip).orElse("");
        if (domain.isEmpty()) {
            return new Refused(Condition.IMPROPER_ADDRESSING, "no 'to'", contentType);
        }
        domain = domain.toLowerCase(Locale.ROOT);
        if (!DomainSyntax.isDomainpart(domain)) {
            // RFC 7622 §3.2: not a domain; it must reach neither DNS, a stream header nor a log line.
            return new Refused(Condition.IMPROPER_ADDRESSING, "'to' is not a domain", contentType);
        }
        if (!policy.servedDomains().isEmpty() && !policy.servedDomains().contains(domain)) {
            return new Refused(Condition.HOST_UNKNOWN, "domain not served", contentType);
        }
        UpstreamTarget target = UpstreamTarget.domain(domain);
        if (c.route().isPresent() && !policy.routeAllowList().isEmpty()) {
            Optional<UpstreamTarget> routed = allowListed(domain, c.route().get(), policy);
            if (routed.isEmpty()) {
                // S-6: never an open relay. Anything not allow-listed is unknown to us.
                return new Refused(Condition.HOST_UNKNOWN, "route not allowed", contentType);
            }
            target = routed.get();
        }
        return new Routed(domain, target);
    }

    /** XEP-0124 §7.1: {@code route} is {@code proto:host:port}, never parsed as a URI (B-7.1-6). */
    private static Optional<UpstreamTarget> allowListed(String domain, String route, SessionPolicy policy) {
        int first = route.indexOf(':');
        int last = route.lastIndexOf(':');
        if (first < 0 || last == first) {
            return Optional.empty();
        }
        String host = route.substring(first + 1, last).toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(route.substring(last + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (port < 1 || port > 65535 || !policy.routeAllowList().contains(host + ":" + port)) {
            return Optional.empty();
        }
        return Optional.of(new UpstreamTarget(domain, Optional.of(host), port));
    }
}
