package boshcm.server.upstream;

import boshcm.protocol.session.UpstreamTarget;
import boshcm.protocol.xmpp.StreamHeader;
import io.netty.channel.EventLoop;

/**
 * Opens c2s streams to XMPP servers: resolves the target (configured fixed upstream, allow-listed
 * route, or SRV {@code _xmpp-client._tcp} then A/AAAA:5222), connects on the given event loop,
 * negotiates TLS as configured (STARTTLS with certificate verification by default, or direct TLS
 * per XEP-0368), and then hands the listener the events of the final stream: {@code Opened} and
 * {@code Features} of the stream the client will use, then every later element. TLS negotiation
 * itself is invisible to the listener. A failure at any step is reported as {@code StreamEvent.Lost}.
 */
public interface UpstreamConnector {

    /** {@code hideSm}: the client view of the stream's features hides {@code <sm/>} (the CM owns XEP-0198). */
    UpstreamConnection open(EventLoop loop, UpstreamTarget target, StreamHeader header, boolean hideSm,
                            UpstreamListener listener);
}
