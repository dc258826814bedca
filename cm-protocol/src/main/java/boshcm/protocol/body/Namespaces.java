package boshcm.protocol.body;

/** The XML namespaces the connection manager itself looks at. */
public final class Namespaces {
    /** XEP-0124 §6: the {@code <body/>} wrapper. */
    public static final String HTTPBIND = "http://jabber.org/protocol/httpbind";
    /** XEP-0206 §4: {@code xmpp:version}, {@code xmpp:restart}, {@code xmpp:restartlogic}. */
    public static final String XBOSH = "urn:xmpp:xbosh";
    /** RFC 6120 §4.8.2: default namespace of c2s stanzas. */
    public static final String JABBER_CLIENT = "jabber:client";
    /** RFC 6120 §4.8.1: the {@code stream:} prefix. */
    public static final String STREAMS = "http://etherx.jabber.org/streams";
    public static final String XMPP_STREAMS = "urn:ietf:params:xml:ns:xmpp-streams";
    public static final String XMPP_STANZAS = "urn:ietf:params:xml:ns:xmpp-stanzas";
    public static final String TLS = "urn:ietf:params:xml:ns:xmpp-tls";
    public static final String SASL = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static final String SASL2 = "urn:xmpp:sasl:2";
    public static final String BIND = "urn:ietf:params:xml:ns:xmpp-bind";
    public static final String SM = "urn:xmpp:sm:3";
    public static final String COMPRESS_FEATURE = "http://jabber.org/features/compress";
    public static final String XML = "http://www.w3.org/XML/1998/namespace";

    private Namespaces() {}
}
