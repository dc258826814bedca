package boshcm.protocol.body;

/**
 * Attributes the connection manager writes on its response {@code <body/>} (XEP-0124 §7.2, §9, §16;
 * XEP-0206 §4). Declaration order is the order they are written in.
 */
public enum BodyAttribute {
    TYPE("type"),
    CONDITION("condition"),
    SID("sid"),
    WAIT("wait"),
    REQUESTS("requests"),
    HOLD("hold"),
    INACTIVITY("inactivity"),
    POLLING("polling"),
    MAXPAUSE("maxpause"),
    VER("ver"),
    ACCEPT("accept"),
    CHARSETS("charsets"),
    ACK("ack"),
    REPORT("report"),
    TIME("time"),
    FROM("from"),
    AUTHID("authid"),
    SECURE("secure"),
    STREAM("stream"),
    /** XEP-0206 §4: {@code xmpp:version}. */
    XMPP_VERSION(Namespaces.XBOSH, "version"),
    /** XEP-0206 §5: {@code xmpp:restartlogic='true'}. */
    XMPP_RESTARTLOGIC(Namespaces.XBOSH, "restartlogic");

    private final String namespace;
    private final String localName;

    BodyAttribute(String localName) {
        this("", localName);
    }

    BodyAttribute(String namespace, String localName) {
        this.namespace = namespace;
        this.localName = localName;
    }

    /** Empty for unqualified attributes. */
    public String namespace() {
        return namespace;
    }

    public String localName() {
        return localName;
    }
}
