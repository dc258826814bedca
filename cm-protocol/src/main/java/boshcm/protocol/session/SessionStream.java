package boshcm.protocol.session;

import boshcm.protocol.sm.PassThroughSm;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.xmpp.StreamHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One XMPP stream of a BOSH session, like the one named {@code stream='secondStreamName'} in XEP-0124
 * §16 #multi: its own upstream connection, stream header, SASL/restart state, bound JID and queue of
 * server payloads for the browser. A session without multi-streams has exactly one. Not thread-safe;
 * owned by its {@link BoshSession}.
 */
final class SessionStream {

    final String name;
    /** The stream header's {@code to}, and where the connection goes. */
    final String domain;
    final Optional<String> from;
    final Optional<String> lang;
    /** XEP-0206 {@code xmpp:version} asked for when the stream was opened (X-3-1, X-4-5). */
    final String xmppVersion;

    /** Server payloads waiting for a request to carry them (XEP-0124 §8). */
    final OutboundQueue outbound = new OutboundQueue();
    /** XEP-0206 §5 (X-5-7): client payloads that arrived after SASL success, before the restart request. */
    final List<XmlPayload> upstreamBacklog = new ArrayList<>();
    boolean awaitingRestart;
    Optional<StreamHeader> serverHeader = Optional.empty();
    Optional<String> boundJid = Optional.empty();
    /** The client's own XEP-0198 stream management on this stream, watched in pass-through mode. */
    final PassThroughSm sm = new PassThroughSm();
    /**
     * XEP-0198 owned by the CM on this stream (checklist SM-11 B); null when the client owns it (mode A),
     * including a stream that fell back to pass-through for want of a re-auth credential (SM-13).
     */
    ManagedSm managed;
    /** Where the stream's connection goes: again for a reconnection (SM-12 step 2). */
    UpstreamTarget target;
    /** Connections opened for this stream so far: an XEP-0198 resume opens more under the same name (SM-12). */
    int connections;
    /** The stream's current connection is open: the session has not asked to close it. */
    boolean connected;
    /**
     * §16 #multi-error: the server ended this stream while others stay open; this terminate body, with
     * {@code stream} and the stream's undelivered payloads, still has to reach the browser.
     */
    ServerBody endNotice;

    SessionStream(String name, String domain, Optional<String> from, Optional<String> lang, String xmppVersion) {
        this.name = name;
        this.domain = domain;
        this.from = from;
        this.lang = lang;
        this.xmppVersion = xmppVersion;
    }

    /** A new connection for the stream: {@code open} is its {@link Effect.OpenUpstream}. */
    void connected(Outbox out, Effect.OpenUpstream open) {
        connections++;
        connected = true;
        out.add(open);
    }

    /** Something waits for the browser: payloads, or the notice that the stream ended. */
    boolean hasOutput() {
        return !outbound.isEmpty() || endNotice != null;
    }

    /** The header for an XEP-0206 §5 restart: the request's {@code to}, {@code from}, {@code xml:lang} win. */
    StreamHeader restartHeader(Optional<String> to, Optional<String> newFrom, Optional<String> newLang) {
        return StreamHeader.initiating(to.filter(t -> !t.isBlank()).orElse(domain), newFrom.or(() -> from),
                newLang.or(() -> lang), xmppVersion);
    }

    @Override
    public String toString() {
        return "SessionStream[" + name + ", " + domain + ", outbound=" + outbound.bytes() + "B]";
    }
}
