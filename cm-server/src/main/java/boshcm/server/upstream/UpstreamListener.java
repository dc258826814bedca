package boshcm.server.upstream;

import boshcm.protocol.xmpp.StreamEvent;

/** Receives the events of one upstream stream, always on the session's event loop. */
@FunctionalInterface
public interface UpstreamListener {
    void onEvent(StreamEvent event);
}
