package boshcm.protocol.session;

import boshcm.protocol.body.BoshVersion;
import java.time.Duration;
import java.util.Optional;

/**
 * What was negotiated for one session at creation (XEP-0124 §7.2 #session-create). Immutable.
 *
 * @param ver         the version granted, min(client, CM); empty for a legacy client that sent none
 * @param clientAcks  the client sent {@code ack='1'} and will acknowledge responses (§9.2)
 */
public record SessionParams(Duration waitPeriod, int hold, int requests, Duration inactivity, Duration pollingInterval,
                            Duration maxPause, Optional<BoshVersion> ver, String contentType,
                            boolean clientAcks, String domain, Optional<String> lang,
                            Optional<String> from, String xmppVersion) {

    /** XEP-0124 §12 #poll: the client asked for a polling session with wait=0 or hold=0. */
    public boolean pollingSession() {
        return waitPeriod.isZero() || hold == 0;
    }

    /** XEP-0124 §17.1: a client that sent no {@code ver} gets legacy HTTP error codes. */
    public boolean legacy() {
        return ver.isEmpty();
    }
}
