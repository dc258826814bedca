package boshcm.bench.load.xml;

/**
 * What {@link StanzaReader} found in one top-level element of an XMPP stream (or one child of a
 * BOSH {@code <body/>}). Login-time callbacks carry Strings; {@link #onChat} carries only numbers so
 * that receiving a benchmark message allocates nothing.
 */
public interface StanzaListener {

    void onFeatures(Features features);

    /** {@code <success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>}. */
    void onSaslSuccess();

    /** {@code <failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/></failure>}: the condition's name. */
    void onSaslFailure(String condition);

    /** {@code <iq type='result' id='…'/>}; {@code boundJid} is the {@code <bind><jid/>} text, or null. */
    void onIqResult(String id, String boundJid);

    /** {@code <iq type='error' id='…'>}: the first child of {@code <error/>}, or "unknown". */
    void onIqError(String id, String condition);

    /** A benchmark message, {@code <message><body>seq sentNanos</body></message>} (see {@link ChatFormat}). */
    void onChat(long seq, long sentNanos);

    /** {@code <message type='error'/>}, e.g. a bounce from a server that could not deliver. */
    void onMessageError();

    /** {@code <stream:error/>}: its defined condition. */
    void onStreamError(String condition);
}
