package boshcm.bench.load.xml;

/**
 * Reads one BOSH response, like
 * {@code <body sid='SomeSID' wait='60' requests='2' xmlns='http://jabber.org/protocol/httpbind'>…</body>}
 * (XEP-0124 §7.2, §8): the wrapper's few attributes the client needs, then each child through a
 * {@link StanzaReader}. Not thread-safe; one per event loop.
 */
public final class BoshResponseReader {

    /** What the wrapper said. */
    public interface Events extends StanzaListener {
        /** The session creation response's {@code sid} and {@code requests} (XEP-0124 §7.2). */
        void onCreated(String sid, int requests);

        /** {@code type='terminate'} with its {@code condition} (or "none"), XEP-0124 §13, §17. */
        void onTerminate(String condition);
    }

    private final XmlScanner scanner;
    private final StanzaReader reader;

    public BoshResponseReader(XmlScanner scanner, StanzaReader reader) {
        this.scanner = scanner;
        this.reader = reader;
    }

    /**
     * Reads {@code bytes[from .. to)}; {@code creation} asks for the creation attributes. Returns
     * false (after reporting what it could) when the response is not a complete {@code <body/>}.
     */
    public boolean read(byte[] bytes, int from, int to, boolean creation, Events events) {
        XmlScanner s = scanner;
        s.reset(bytes, from, to);
        int kind;
        do {
            kind = s.next();
        } while (kind == XmlScanner.TEXT);
        if ((kind != XmlScanner.START && kind != XmlScanner.EMPTY) || !s.localNameIs("body")) {
            return false;
        }
        if (creation) {
            String sid = s.attributeValue("sid");
            int requests = s.attribute("requests") ? (int) s.number(s.valueStart(), s.valueEnd()) : 2;
            if (sid != null) {
                events.onCreated(sid, requests);
            }
        }
        String terminate = null;
        if (s.attributeIs("type", "terminate")) {
            String condition = s.attributeValue("condition");
            terminate = condition == null ? "none" : condition;
        }
        if (kind == XmlScanner.START) {
            while (true) {
                int k = s.next();
                if (k == XmlScanner.END) {
                    break;
                }
                if (k == XmlScanner.INCOMPLETE) {
                    return false;
                }
                if ((k == XmlScanner.START || k == XmlScanner.EMPTY) && !reader.read(s, k, events)) {
                    return false;
                }
            }
        }
        if (terminate != null) {
            events.onTerminate(terminate);
        }
        return true;
    }
}
