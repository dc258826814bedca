package boshcm.server.http;

import boshcm.protocol.error.Condition;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * The fixed bytes of {@code <body type='terminate' condition='bad-request' xmlns='http://jabber.org/protocol/httpbind'/>}
 * for each condition, for answers the HTTP layer gives on its own (empty or unreadable requests,
 * oversize bodies, container errors) before any session is involved.
 */
public final class TerminateBody {

    /** What the HTTP layer's own terminate bodies are sent as (XEP-0124 §7.1 default, B-7.1-3). */
    public static final String CONTENT_TYPE = "text/xml; charset=utf-8";

    private static final Map<Condition, byte[]> BODIES = new EnumMap<>(Condition.class);

    static {
        for (Condition c : Condition.values()) {
            BODIES.put(c, ("<body type='terminate' condition='" + c.wireName()
                    + "' xmlns='http://jabber.org/protocol/httpbind'/>").getBytes(StandardCharsets.UTF_8));
        }
    }

    private TerminateBody() {}

    /** A fresh copy; callers may hand it to a write. */
    public static byte[] of(Condition condition) {
        return BODIES.get(condition).clone();
    }
}
