package boshcm.server.upstream;

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
}
