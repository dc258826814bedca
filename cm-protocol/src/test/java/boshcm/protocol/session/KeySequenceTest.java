package boshcm.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * XEP-0124 §15 key comparison, checklist S-11. The comparison itself is
 * {@code MessageDigest.isEqual} (constant-time: code review, not testable by timing here); these tests
 * pin what it must accept and refuse, including hashes that differ only at either end or in length.
 */
class KeySequenceTest {

    private static final String KEY = "kL6vRkA0s1b2";

    private static boolean accepts(String expected, String key) {
        return new KeySequence(Optional.of(expected)).accept(Optional.of(key), Optional.empty());
    }

    private static String flip(char c) {
        return String.valueOf(c == '0' ? '1' : '0');
    }

    @Test
    void s11_onlyTheExactHashIsAcceptedWhateverItsCase() {
        String hash = KeySequence.sha1Hex(KEY);
        assertThat(hash).hasSize(40).matches("[0-9a-f]{40}");
        assertThat(accepts(hash, KEY)).isTrue();
        assertThat(accepts(hash.toUpperCase(Locale.ROOT), KEY)).as("B-15.4-1: hex compared case-insensitively").isTrue();

        String lastDiffers = hash.substring(0, 39) + flip(hash.charAt(39));
        String firstDiffers = flip(hash.charAt(0)) + hash.substring(1);
        assertThat(accepts(lastDiffers, KEY)).isFalse();
        assertThat(accepts(firstDiffers, KEY)).isFalse();
        assertThat(accepts(hash.substring(0, 39), KEY)).as("a prefix of the hash").isFalse();
        assertThat(accepts(hash + "0", KEY)).as("the hash and more").isFalse();
        assertThat(accepts("", KEY)).isFalse();
        assertThat(accepts(hash, KEY + " ")).isFalse();
        assertThat(accepts(hash, hash)).as("the hash itself is not the key").isFalse();
    }

    @Test
    void s11_aRefusedKeyDoesNotAdvanceTheChain() {
        String k1 = KEY;
        String k2 = KeySequence.sha1Hex(k1);
        KeySequence keys = new KeySequence(Optional.of(KeySequence.sha1Hex(k2)));
        assertThat(keys.accept(Optional.of("wrong"), Optional.empty())).isFalse();
        assertThat(keys.accept(Optional.empty(), Optional.empty())).as("B-15.4-2: a missing key").isFalse();
        assertThat(keys.accept(Optional.of(k2), Optional.empty())).isTrue();
        assertThat(keys.accept(Optional.of(k2), Optional.empty())).as("a key is good once").isFalse();
        assertThat(keys.accept(Optional.of(k1), Optional.empty())).isTrue();
    }
}
