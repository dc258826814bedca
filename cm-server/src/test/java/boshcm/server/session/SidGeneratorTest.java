package boshcm.server.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** XEP-0124 §7.2 #session-create and §19.3: sids are opaque, unpredictable and unique (checklist B-7.2-1, B-19.3-1, S-4). */
class SidGeneratorTest {

    private static final int N = 10_000;

    /** The 128 random bits of a sid or stream name, after checking its form. */
    private static BigInteger bits(String token) {
        assertThat(token).matches("[A-Za-z0-9_-]{22}");
        byte[] raw = Base64.getUrlDecoder().decode(token);
        assertThat(raw).hasSize(16);
        return new BigInteger(1, raw);
    }

    /**
     * 10 000 sids: all distinct, each the node prefix then 22 base64url characters (128 bits), and
     * neither sequential nor time-like: consecutive values are far apart in both directions, and every
     * one of the 128 bits is set in about half of them.
     */
    @Test
    void b7_2_1_b19_3_1_s4_tenThousandSidsAreDistinctRandomAnd128BitsLong() {
        SidGenerator sids = new SidGenerator("n1");
        Set<String> seen = new HashSet<>();
        List<BigInteger> values = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            String sid = sids.next();
            assertThat(sid).startsWith("n1-");
            assertThat(seen.add(sid)).as("sid %s repeated", sid).isTrue();
            values.add(bits(sid.substring(3)));
        }
        assertBitsLookRandom(values);
        // A second generator (a restarted node) never repeats the first one's sids either.
        SidGenerator again = new SidGenerator("n1");
        for (int i = 0; i < N; i++) {
            assertThat(seen.add(again.next())).isTrue();
        }
    }

    /** XEP-0124 §16 #multi-discover (B-16-2): stream names are made the same way, without the prefix. */
    @Test
    void b16_2_streamNamesAreDistinctRandomAnd128BitsLong() {
        SidGenerator sids = new SidGenerator("n1");
        Set<String> seen = new HashSet<>();
        List<BigInteger> values = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            String name = sids.streamName();
            assertThat(seen.add(name)).isTrue();
            values.add(bits(name));
        }
        assertBitsLookRandom(values);
    }

    /**
     * S-4: logs show only the node, the dash and eight characters: 48 of the 128 bits. The 80 left out
     * cannot be guessed; the 48 kept tell the sessions of a busy node apart, so one label finds one session.
     */
    @Test
    void s4_redactedSidKeepsTheNodeAndEightCharacters() {
        String sid = new SidGenerator("n1").next();
        String redacted = SidGenerator.redact(sid);
        assertThat(redacted).isEqualTo(sid.substring(0, 11) + "…");
        assertThat(redacted).doesNotContain(sid.substring(11, 15));
    }

    @Test
    void nodeIdIsShortLowercaseAlphanumeric() {
        for (String bad : List.of("", "N1", "n-1", "n_1", "abcdefghijklmnopq")) {
            assertThatThrownBy(() -> new SidGenerator(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new SidGenerator("abcdefghijklmnop").next()).startsWith("abcdefghijklmnop-");
    }

    private static void assertBitsLookRandom(List<BigInteger> values) {
        BigInteger near = BigInteger.ONE.shiftLeft(64);
        for (int i = 1; i < values.size(); i++) {
            BigInteger gap = values.get(i).subtract(values.get(i - 1)).abs();
            assertThat(gap).as("sequential: %s after %s", values.get(i), values.get(i - 1)).isGreaterThan(near);
        }
        for (int bit = 0; bit < 128; bit++) {
            int set = 0;
            for (BigInteger v : values) {
                if (v.testBit(bit)) {
                    set++;
                }
            }
            // Binomial(10 000, 1/2): sd 50, so 45-55 % is ten standard deviations.
            assertThat(set).as("bit %d set in %d of %d", bit, set, values.size()).isBetween(4_500, 5_500);
        }
    }
}
