/**
 * The upstream side: one c2s XMPP stream (RFC 6120) per BOSH session, over Netty. Resolution (fixed
 * upstream, route, SRV, A/AAAA), STARTTLS or direct TLS with certificate checks, the stream decoder,
 * and the connection that relays {@link boshcm.protocol.xmpp.StreamEvent}s to the session.
 */
@NullMarked
package boshcm.server.upstream;

import org.jspecify.annotations.NullMarked;
