package boshcm.server.http;

import boshcm.protocol.body.BodyWriter;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.error.Condition;
import java.util.EnumMap;
import java.util.Map;

/**
 * The bytes of {@code <body xmlns='http://jabber.org/protocol/httpbind' type='terminate' condition='bad-request'/>}, written once by {@link BodyWriter},
 * for each condition, for answers the HTTP layer gives on its own (empty or unreadable requests,
 * oversize bodies, container errors) before any session is involved.
 */
public final class TerminateBody {

    /** What the HTTP layer's own terminate bodies are sent as (XEP-0124 §7.1 default, B-7.1-3). */
    public static final String CONTENT_TYPE = "text/xml; charset=utf-8";

    private static final Map<Condition, byte[]> BODIES = new EnumMap<>(Condition.class);

    static {
        for (Condition c : Condition.values()) {
            BODIES.put(c, BodyWriter.write(ServerBody.terminate(c)));
        }
    }

    private TerminateBody() {}

    /** A fresh copy; callers may hand it to a write. */
    public static byte[] of(Condition condition) {
        return BODIES.get(condition).clone();
    }
}
