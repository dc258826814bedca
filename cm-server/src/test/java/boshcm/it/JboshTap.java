package boshcm.it;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.igniterealtime.jbosh.BOSHClient;
import org.igniterealtime.jbosh.ResponseTap;
import org.jivesoftware.smack.bosh.XMPPBOSHConnection;
import org.jivesoftware.smackx.ping.PingManager;

/**
 * The BOSH responses a Smack BOSH connection gets, by the rid they answer: the order boshcm delivered
 * stanzas in (XEP-0124 §14). Smack's listeners can see two responses' stanzas swapped, because jbosh
 * processes concurrent responses on separate threads ({@link ResponseTap}); tests that assert order
 * for a BOSH receiver read it here and check exactly-once at Smack.
 */
final class JboshTap {

    private final NavigableMap<Long, String> responses = new ConcurrentSkipListMap<>();

    private JboshTap() {
    }

    /**
     * Taps {@code connection} from now on. Exchanges jbosh had already handed to a processing thread
     * are not tapped, so this pings the server until a tapped response came back: every response
     * after that is recorded.
     */
    static JboshTap on(XMPPBOSHConnection connection) throws Exception {
        Field field = XMPPBOSHConnection.class.getDeclaredField("client");
        field.setAccessible(true);
        JboshTap tap = new JboshTap();
        ResponseTap.install((BOSHClient) field.get(connection), tap.responses::put);
        for (int i = 0; i < 10 && tap.responses.isEmpty(); i++) {
            PingManager.getInstanceFor(connection).pingMyServer(false);
        }
        if (tap.responses.isEmpty()) {
            throw new AssertionError("no tapped BOSH response after 10 pings");
        }
        return tap;
    }

    /** The bodies of chat messages whose body is {@code prefix-…}, in rid order. */
    List<String> chatBodies(String prefix) {
        Pattern body = Pattern.compile("<body>(" + Pattern.quote(prefix) + "-[0-9a-z-]+)</body>");
        List<String> out = new ArrayList<>();
        for (String xml : responses.values()) {
            Matcher m = body.matcher(xml);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }
}
