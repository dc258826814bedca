package boshcm.server.upstream;

import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.xmpp.StreamEvent;
import io.netty.handler.codec.DecoderException;

/** Short texts for {@code Lost} reasons and logs: they name what happened, never payload content. */
final class Reasons {

    private Reasons() {}

    /** For log and Lost reasons: names what arrived, never its content. */
    static String describe(StreamEvent event) {
        if (event instanceof StreamEvent.StreamError) {
            return "stream error " + ((StreamEvent.StreamError) event).condition();
        }
        if (event instanceof StreamEvent.Malformed) {
            return "malformed stream: " + ((StreamEvent.Malformed) event).reason();
        }
        if (event instanceof StreamEvent.Element) {
            XmlPayload p = ((StreamEvent.Element) event).payload();
            return "unexpected <" + p.localName() + " xmlns='" + p.namespace() + "'/>";
        }
        if (event instanceof StreamEvent.Closed) {
            return "server closed the stream";
        }
        if (event instanceof StreamEvent.Lost) {
            return ((StreamEvent.Lost) event).reason();
        }
        return "unexpected " + event.getClass().getSimpleName();
    }

    /** The most telling message of {@code cause}, unwrapping Netty's decoder wrappers. */
    static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root
                && (root instanceof DecoderException || root.getMessage() == null)) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
