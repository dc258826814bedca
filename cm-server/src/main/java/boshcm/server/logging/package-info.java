/**
 * How boshcm logs: the session id in the MDC of every line about a session ({@link SessionMdc}), and
 * the console format and level chosen at start ({@link LogSetup}). The per-session start and end lines
 * are written by the session package, on the {@code boshcm.session} logger; payloads only ever go to
 * {@code boshcm.wire} at TRACE (docs/logging.md).
 */
@NullMarked
package boshcm.server.logging;

import org.jspecify.annotations.NullMarked;
