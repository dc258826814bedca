package boshcm.server.config;

import boshcm.protocol.body.BodyLimits;
import boshcm.protocol.session.SessionPolicy;
import boshcm.server.upstream.UpstreamSettings;

/**
 * The whole configuration of one connection manager node, validated. Immutable; built once by
 * {@link ConfigLoader} and passed through constructors (style R10).
 *
 * @param nodeId     this node's sid prefix, like {@code n1} in {@code sid='n1-…'} (scale-out routing)
 * @param http       the HTTP listener
 * @param cors       cross-origin policy
 * @param admin      the admin listener (metrics, health, readiness)
 * @param metrics    scrape, health and readiness paths on the admin listener
 * @param drain      what a stop (SIGTERM) does before the node exits
 * @param session    the BOSH session policy (XEP-0124 §7.2 caps and defaults)
 * @param bodyLimits XML hardening limits for request bodies
 * @param limits     session admission limits
 * @param upstream   the XMPP server side
 * @param log        console log format and level, applied by the command line at start
 */
public record CmConfig(String nodeId, HttpConfig http, CorsConfig cors, AdminConfig admin, MetricsConfig metrics,
                       DrainConfig drain, SessionPolicy session, BodyLimits bodyLimits, LimitsConfig limits,
                       UpstreamSettings upstream, LogConfig log) {}
