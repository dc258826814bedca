package boshcm.server.upstream;

import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.xmpp.StreamEvent;
import java.util.List;

/** Receives the events of one upstream stream, always on the session's event loop. */
@FunctionalInterface
public interface UpstreamListener {
    void onEvent(StreamEvent event);

    /**
     * Events of the open stream that arrived in one read, in order. By default one {@link #onEvent}
     * each; a listener that answers on data overrides it to answer once for all of them.
     */
    default void onEvents(List<StreamEvent> events) {
        for (StreamEvent event : events) {
            onEvent(event);
        }
    }

    /**
     * Stanzas the server wrote after the session closed this stream gracefully: they crossed our
     * {@code </stream:stream>} on the wire (a drain's end, an inactivity end), so no request will
     * carry them and the stream can no longer carry a bounce (RFC 6120 §4.4). Only those a live
     * session would have bounced (messages, iq get/set; XEP-0206 §7) are passed on, for the listener
     * to report, so that none is lost without a trace. Not called once XEP-0198 is enabled on the
     * stream: the server then keeps what was not acknowledged, and bounces or stores it itself.
     */
    default void onStanzasAfterClose(List<XmlPayload> stanzas) {}
}
