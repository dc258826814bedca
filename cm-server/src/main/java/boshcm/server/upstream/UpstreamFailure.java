package boshcm.server.upstream;

import boshcm.protocol.xmpp.StreamEvent;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Why an upstream connection failed, as the closed set of {@code bosh_upstream_failures_total{reason}}:
 * before the stream the client uses was ready (the connect failed) or after (the stream was lost).
 * The session also gets the full text in {@code StreamEvent.Lost}; this is only its bounded summary.
 */
enum UpstreamFailure {
    /** No SRV, A or AAAA answer for the domain or a target host. */
    DNS,
    /** TCP refused (nothing listening). */
    REFUSED,
    /** No route to the host, or the network is down. */
    UNREACHABLE,
    /** {@code upstream.connect-timeout} passed before the stream was ready (DNS, TCP, TLS or the server's features). */
    TIMEOUT,
    /** Every address the client's domain resolved to is internal (checklist S-6, {@code upstream.allow-private-addresses}). */
    BLOCKED,
    /** The TLS handshake failed: certificate, protocol or cipher (checklist U-4, S-9). */
    TLS,
    /** STARTTLS required but not offered, or answered with {@code <failure/>} (checklist S-9). */
    STARTTLS,
    /** The server closed TCP, or its stream, without a stream error. */
    CLOSED,
    /** The connection was reset. */
    RESET,
    /** The server sent a stream error (RFC 6120 §4.9), e.g. {@code conflict} or {@code system-shutdown}. */
    STREAM_ERROR,
    /** The server sent malformed XML or something out of place during negotiation. */
    PROTOCOL,
    /** Anything else; the INFO log has the text. */
    OTHER;

    final String tag = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** What a failed connect or a dropped channel amounts to; {@code fallback} when the cause says nothing. */
    static UpstreamFailure of(Throwable cause, UpstreamFailure fallback) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException) {
                return TLS;
            }
            if (t instanceof UnknownHostException) {
                return DNS;
            }
            if (t instanceof NoRouteToHostException) {
                return UNREACHABLE;
            }
            if (t instanceof io.netty.channel.ConnectTimeoutException || t instanceof java.net.SocketTimeoutException) {
                return TIMEOUT;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("connection refused")) {
                return REFUSED;
            }
            if (message.contains("connection reset")) {
                return RESET;
            }
            if (message.contains("unreachable") || message.contains("no route to host")) {
                return UNREACHABLE;
            }
            if (message.contains("timed out")) {
                return TIMEOUT;
            }
        }
        return fallback;
    }

    /** What an unexpected event during negotiation, or the end of an open stream, amounts to. */
    static UpstreamFailure of(StreamEvent event) {
        if (event instanceof StreamEvent.StreamError) {
            return STREAM_ERROR;
        }
        if (event instanceof StreamEvent.Closed) {
            return CLOSED;
        }
        return PROTOCOL;
    }
}
