package boshcm.protocol.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * XEP-0124 §15 key sequencing: each request's {@code key}, hashed with SHA-1 and written as hex,
 * must equal the previous request's {@code newkey} (or {@code key} when it had no newkey), compared
 * case-insensitively. Sessions whose creation request carried no {@code newkey} are not checked
 * (checklist B-15.4-4). Comparison is constant-time (S-11).
 */
final class KeySequence {

    private Optional<String> expected;

    KeySequence(Optional<String> creationNewKey) {
        this.expected = creationNewKey.map(k -> k.toLowerCase(Locale.ROOT));
    }

    /**
     * Checks one in-order request and, if it passes, advances the chain (a {@code newkey} starts a new
     * chain: §15.5). Returns false when the session must end with item-not-found (B-15.4-2).
     */
    boolean accept(Optional<String> key, Optional<String> newKey) {
        if (expected.isEmpty()) {
            return true;
        }
        if (key.isEmpty()) {
            return false;
        }
        String hashed = sha1Hex(key.get());
        if (!MessageDigest.isEqual(hashed.getBytes(StandardCharsets.US_ASCII),
                expected.get().getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        expected = Optional.of(newKey.orElse(key.get()).toLowerCase(Locale.ROOT));
        return true;
    }

    static String sha1Hex(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("SHA-1 is required of every JRE", e);
        }
    }
}
