package boshcm.protocol.xmpp;

import java.util.Optional;

/**
 * The attributes of a {@code <stream:stream>} open tag (RFC 6120 §4.7), like
 * {@code <stream:stream to='example.com' xml:lang='en' version='1.0' xmlns='jabber:client'
 * xmlns:stream='http://etherx.jabber.org/streams'>}. Used both for the header the CM sends
 * (no {@code id}, RFC 6120 §4.7.3) and the one it receives.
 */
public record StreamHeader(Optional<String> to, Optional<String> from, Optional<String> id,
                           Optional<String> lang, Optional<String> version) {

    /** The header the CM opens a c2s stream with. */
    public static StreamHeader initiating(String to, Optional<String> from, Optional<String> lang, String version) {
        return new StreamHeader(Optional.of(to), from, Optional.empty(), lang, Optional.of(version));
    }
}
