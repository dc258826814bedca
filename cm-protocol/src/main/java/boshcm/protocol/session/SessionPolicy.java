package boshcm.protocol.session;

import boshcm.protocol.body.BoshVersion;
import boshcm.protocol.sm.SmPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * The connection manager's side of session negotiation and its limits (XEP-0124 §7.2). Immutable;
 * built once from configuration.
 *
 * @param maxVersion          highest BOSH version spoken (1.11)
 * @param maxWait             cap on the client's {@code wait}; also used when it sent none
 * @param maxHold             cap on the client's {@code hold}; {@code requests} = granted hold + 1
 * @param inactivity          advertised {@code inactivity} for ordinary sessions
 * @param pollingInactivity   advertised {@code inactivity} for polling sessions (wait=0 or hold=0), above {@code polling}
 * @param polling             advertised {@code polling}: shortest allowed interval between polls
 * @param maxPause            advertised {@code maxpause}; zero disables pause (the attribute is then ignored)
 * @param rejectLongPause     a pause above maxpause ends the session with policy-violation; else it is ignored
 * @param strictOveractivity  enforce XEP-0124 §11 overactivity on non-polling sessions (B-11-3)
 * @param servedDomains       domains a session may name in {@code to}; empty means any
 * @param routeAllowList      {@code host:port} pairs a {@code route} may name; empty means route is ignored
 * @param contentTypes        allowed values of {@code content} (compared case-insensitively, S-12)
 * @param accept              content codings the CM decodes, advertised in {@code accept} (e.g. "gzip")
 * @param sendAcks            send {@code ack} on responses (XEP-0124 §9.1)
 * @param responseCacheSize   responses kept for retransmission (at least {@code requests}; see ResponseBuffer)
 * @param maxRepeats          repeats of answered rids allowed per {@code repeatWindow} before policy-violation (B-14.3-4)
 * @param repeatWindow        see maxRepeats
 * @param maxBufferedBytes    bytes from upstream held for the browser before the session is cut (U-15, S-10)
 * @param maxBodyPayloads     payload elements put in one response
 * @param maxResponseBytes    payload bytes put in one response (a single larger element still goes alone)
 * @param multiStreams        support XEP-0124 §16 multiple streams: advertise {@code stream} at creation and
 *                            let a later request with {@code to} add a stream; off means a single stream and no
 *                            {@code stream} attribute anywhere (B-16-1)
 * @param maxStreams          streams open at once in one session when {@code multiStreams} is on
 * @param sm                  XEP-0198: pass-through (the default) or CM-managed (checklist SM-11)
 * @param pauseReadingBytes   bytes buffered for the browser above which the session's upstream connections
 *                            stop being read, until the browser has taken the buffer down to half of it
 *                            (backpressure, checklist U-15, S-10); 0 never pauses. Below {@code maxBufferedBytes},
 *                            which stays the last resort
 */
public record SessionPolicy(
        BoshVersion maxVersion,
        Duration maxWait,
        int maxHold,
        Duration inactivity,
        Duration pollingInactivity,
        Duration polling,
        Duration maxPause,
        boolean rejectLongPause,
        boolean strictOveractivity,
        Set<String> servedDomains,
        Set<String> routeAllowList,
        List<String> contentTypes,
        String accept,
        boolean sendAcks,
        int responseCacheSize,
        int maxRepeats,
        Duration repeatWindow,
        long maxBufferedBytes,
        int maxBodyPayloads,
        int maxResponseBytes,
        boolean multiStreams,
        int maxStreams,
        SmPolicy sm,
        long pauseReadingBytes) {

    public SessionPolicy {
        servedDomains = Set.copyOf(servedDomains);
        routeAllowList = Set.copyOf(routeAllowList);
        contentTypes = List.copyOf(contentTypes);
        if (maxHold < 0 || maxHold > 255) {
            throw new IllegalArgumentException("maxHold " + maxHold);
        }
        if (maxWait.isNegative() || inactivity.compareTo(Duration.ofSeconds(1)) < 0
                || pollingInactivity.compareTo(polling) <= 0) {
            throw new IllegalArgumentException("timing: wait=" + maxWait + " inactivity=" + inactivity
                    + " pollingInactivity=" + pollingInactivity + " polling=" + polling);
        }
        if (maxStreams < 1) {
            throw new IllegalArgumentException("maxStreams " + maxStreams);
        }
        if (sm == null) {
            throw new IllegalArgumentException("sm policy is required");
        }
        if (pauseReadingBytes < 0 || (pauseReadingBytes > 0 && pauseReadingBytes >= maxBufferedBytes)) {
            throw new IllegalArgumentException("pauseReadingBytes " + pauseReadingBytes + " must be 0 or below maxBufferedBytes "
                    + maxBufferedBytes);
        }
    }

    /** A policy that never pauses reading upstream; the buffer bound alone applies. */
    public SessionPolicy(BoshVersion maxVersion, Duration maxWait, int maxHold, Duration inactivity,
                         Duration pollingInactivity, Duration polling, Duration maxPause, boolean rejectLongPause,
                         boolean strictOveractivity, Set<String> servedDomains, Set<String> routeAllowList,
                         List<String> contentTypes, String accept, boolean sendAcks, int responseCacheSize,
                         int maxRepeats, Duration repeatWindow, long maxBufferedBytes, int maxBodyPayloads,
                         int maxResponseBytes, boolean multiStreams, int maxStreams, SmPolicy sm) {
        this(maxVersion, maxWait, maxHold, inactivity, pollingInactivity, polling, maxPause, rejectLongPause,
                strictOveractivity, servedDomains, routeAllowList, contentTypes, accept, sendAcks, responseCacheSize,
                maxRepeats, repeatWindow, maxBufferedBytes, maxBodyPayloads, maxResponseBytes, multiStreams, maxStreams,
                sm, 0);
    }

    /** A policy with XEP-0198 in pass-through mode (SM-11 mode A). */
    public SessionPolicy(BoshVersion maxVersion, Duration maxWait, int maxHold, Duration inactivity,
                         Duration pollingInactivity, Duration polling, Duration maxPause, boolean rejectLongPause,
                         boolean strictOveractivity, Set<String> servedDomains, Set<String> routeAllowList,
                         List<String> contentTypes, String accept, boolean sendAcks, int responseCacheSize,
                         int maxRepeats, Duration repeatWindow, long maxBufferedBytes, int maxBodyPayloads,
                         int maxResponseBytes, boolean multiStreams, int maxStreams) {
        this(maxVersion, maxWait, maxHold, inactivity, pollingInactivity, polling, maxPause, rejectLongPause,
                strictOveractivity, servedDomains, routeAllowList, contentTypes, accept, sendAcks, responseCacheSize,
                maxRepeats, repeatWindow, maxBufferedBytes, maxBodyPayloads, maxResponseBytes, multiStreams, maxStreams,
                SmPolicy.passThrough());
    }

    public static final List<String> DEFAULT_CONTENT_TYPES = List.of(
            "text/xml; charset=utf-8", "text/xml;charset=utf-8", "text/xml",
            "application/xml; charset=utf-8", "application/xml;charset=utf-8", "application/xml",
            "text/plain; charset=utf-8", "text/plain;charset=utf-8", "text/plain",
            "text/html; charset=utf-8", "text/html;charset=utf-8");

    /**
     * Production defaults: wait ≤ 60 s, hold ≤ 2, inactivity 60 s, polling 2 s, maxpause 120 s, 8 streams,
     * 1 MiB buffered for the browser at most, reading upstream paused above 256 KiB.
     */
    public static SessionPolicy defaults() {
        return new SessionPolicy(BoshVersion.V1_11, Duration.ofSeconds(60), 2, Duration.ofSeconds(60),
                Duration.ofSeconds(90), Duration.ofSeconds(2), Duration.ofSeconds(120), true, false,
                Set.of(), Set.of(), DEFAULT_CONTENT_TYPES, "gzip", true, 32, 20, Duration.ofSeconds(10),
                1 << 20, 200, 64 * 1024, true, 8).withPauseReading(256 * 1024);
    }

    public boolean pauseSupported() {
        return !maxPause.isZero();
    }

    /** The same policy with XEP-0124 §16 switched on or off, and its cap. */
    public SessionPolicy withStreams(boolean multiStreams, int maxStreams) {
        return new SessionPolicy(maxVersion, maxWait, maxHold, inactivity, pollingInactivity, polling, maxPause,
                rejectLongPause, strictOveractivity, servedDomains, routeAllowList, contentTypes, accept, sendAcks,
                responseCacheSize, maxRepeats, repeatWindow, maxBufferedBytes, maxBodyPayloads, maxResponseBytes,
                multiStreams, maxStreams, sm, pauseReadingBytes);
    }

    /** The same policy with another XEP-0198 policy (checklist SM-11). */
    public SessionPolicy withSm(SmPolicy smPolicy) {
        return new SessionPolicy(maxVersion, maxWait, maxHold, inactivity, pollingInactivity, polling, maxPause,
                rejectLongPause, strictOveractivity, servedDomains, routeAllowList, contentTypes, accept, sendAcks,
                responseCacheSize, maxRepeats, repeatWindow, maxBufferedBytes, maxBodyPayloads, maxResponseBytes,
                multiStreams, maxStreams, smPolicy, pauseReadingBytes);
    }

    /** The same policy pausing upstream reads above {@code bytes} buffered for the browser (0: never). */
    public SessionPolicy withPauseReading(long bytes) {
        return new SessionPolicy(maxVersion, maxWait, maxHold, inactivity, pollingInactivity, polling, maxPause,
                rejectLongPause, strictOveractivity, servedDomains, routeAllowList, contentTypes, accept, sendAcks,
                responseCacheSize, maxRepeats, repeatWindow, maxBufferedBytes, maxBodyPayloads, maxResponseBytes,
                multiStreams, maxStreams, sm, bytes);
    }
}
