package boshcm.server.session;

import boshcm.server.logging.SessionMdc;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Mints session ids like {@code n1-q2Xk0v1V9yXGZJtW3pF2ag}: the node id (so a load balancer can route
 * every request of a session to the node that owns it, design.md §6), a dash, and 128 bits from
 * {@link SecureRandom} in base64url (XEP-0124 §7.2: opaque, unpredictable, unique; checklist B-7.2-1, S-4).
 * Stream names (XEP-0124 §16) come from the same source.
 */
public final class SidGenerator {

    private final SecureRandom random = new SecureRandom();
    private final String prefix;

    public SidGenerator(String nodeId) {
        if (!nodeId.matches("[a-z0-9]{1,16}")) {
            throw new IllegalArgumentException("node id must be 1-16 of [a-z0-9]: " + nodeId);
        }
        this.prefix = nodeId + "-";
    }

    public String next() {
        return prefix + token();
    }

    /**
     * A stream name like {@code 7bq0c1Hd2sJt4S2XkqAv9g} (XEP-0124 §16 #multi-discover: opaque,
     * unpredictable, unique): 128 bits from the same {@link SecureRandom}, with no node prefix, since the
     * sid already routes the request.
     */
    public String streamName() {
        return token();
    }

    /** 128 bits from {@link SecureRandom} (thread-safe), base64url without padding: 22 characters. */
    private String token() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * A sid shortened for logs, like {@code n1-q2Xk0v1V…} (S-4: a full sid plus the next rid is enough to
     * hijack a session); see {@link SessionMdc#redact}.
     */
    public static String redact(String sid) {
        return SessionMdc.redact(sid);
    }
}
