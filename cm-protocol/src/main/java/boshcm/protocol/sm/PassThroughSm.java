package boshcm.protocol.sm;

import boshcm.protocol.body.XmlPayload;
import java.util.Set;

/**
 * What the connection manager knows of a client's own XEP-0198 Stream Management on one upstream
 * stream, in pass-through mode (checklist SM-11 mode A): the client's {@code <enable/>},
 * {@code <resume/>} and the server's answers travel untouched; this only watches them, so that a
 * session ending without the client's terminate can leave the server's session resumable.
 *
 * <p>Resumable means: the client asked {@code <enable resume='true'/>} (or resumed an earlier
 * session) and the server answered {@code <enabled resume='true'/>} (or {@code <resumed/>}).
 * XEP-0198 §5: the server keeps such a session only if the stream ends without a closing tag, so the
 * CM then drops TCP instead of closing gracefully, and does not bounce stanzas the browser never
 * read: the server retransmits them when the client resumes. Not thread-safe; one per stream.
 */
public final class PassThroughSm {

    /** XEP-0198 namespaces; Prosody still offers the older {@code urn:xmpp:sm:2} next to v3. */
    private static final Set<String> NAMESPACES = Set.of("urn:xmpp:sm:3", "urn:xmpp:sm:2");

    private boolean resumeRequested;
    private boolean resumable;

    /** A payload the client sends upstream. */
    public void clientSent(XmlPayload payload) {
        if (!NAMESPACES.contains(payload.namespace())) {
            return;
        }
        switch (payload.localName()) {
            case "enable":
                resumeRequested = payload.attribute("resume").map(PassThroughSm::isTrue).orElse(false);
                break;
            case "resume":
                resumeRequested = true;                    // §5: a resumed session is resumable again
                break;
            default:
                break;
        }
    }

    /** An element the server sends toward the client. */
    public void serverSent(XmlPayload payload) {
        if (!NAMESPACES.contains(payload.namespace())) {
            return;
        }
        switch (payload.localName()) {
            case "enabled":
                resumable = resumeRequested && payload.attribute("resume").map(PassThroughSm::isTrue).orElse(false);
                break;
            case "resumed":
                resumable = resumeRequested;
                break;
            case "failed":
                resumable = false;
                break;
            default:
                break;
        }
    }

    /** RFC 6120 §4.3.3: a stream restart starts a new stream; SM state belongs to the old one. */
    public void restarted() {
        resumeRequested = false;
        resumable = false;
    }

    /** The server's session survives a dropped connection, and the client can resume it. */
    public boolean resumable() {
        return resumable;
    }

    /** XML Schema boolean. */
    private static boolean isTrue(String v) {
        return v.equals("true") || v.equals("1");
    }
}
