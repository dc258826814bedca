package boshcm.protocol.session;

import static boshcm.protocol.session.Req.msg;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.error.Condition;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** XEP-0124 §15 #keys. */
class Xep0124KeySequencingTest {

    /** K(n) = hex(SHA-1(K(n-1))), K0 the seed. */
    private static String[] chain(String seed, int n) {
        String[] k = new String[n + 1];
        k[0] = seed;
        for (int i = 1; i <= n; i++) {
            k[i] = KeySequence.sha1Hex(k[i - 1]);
        }
        return k;
    }

    @Test
    void b15_4_1_keysVerifyCaseInsensitively_b15_4_3_retransmissionIsNotRechecked() {
        String[] k = chain("seed", 5);
        SessionFixture f = new SessionFixture();
        f.create(Req.create(1000).newKey(k[5].toUpperCase(Locale.ROOT)));
        f.serverReady();
        ExchangeId one = f.send(Req.rid(1001).key(k[4]));
        f.send(Req.rid(1002).key(k[3]));
        assertThat(f.ended()).isEmpty();
        ExchangeId replay = f.send(Req.rid(1001).key(k[4]));
        assertThat(f.responseTo(replay)).isEqualTo(f.responseTo(one));
    }

    @Test
    void b15_4_2_wrongOrMissingKeyEndsSessionWithoutForwarding_b17_2_2_othersGetOtherRequest() {
        String[] k = chain("seed", 5);
        SessionFixture f = new SessionFixture();
        f.create(Req.create(1000).newKey(k[5]));
        f.serverReady();
        ExchangeId held = f.send(Req.rid(1001).key(k[4]));
        f.advance(java.time.Duration.ofSeconds(1));
        ExchangeId bad = f.send(Req.rid(1002).key("wrong").payload(msg("z")));
        assertThat(f.responseTo(bad).condition()).contains(Condition.ITEM_NOT_FOUND);
        assertThat(f.sentUpstream()).isEmpty();

        SessionFixture g = new SessionFixture();
        g.create(Req.create(1000).newKey(k[5]));
        g.serverReady();
        ExchangeId h1 = g.send(Req.rid(1001).key(k[4]));
        ExchangeId missing = g.send(Req.rid(1002));
        assertThat(g.responseTo(missing).condition()).contains(Condition.ITEM_NOT_FOUND);
        assertThat(g.responsesTo(h1)).isNotEmpty();
    }

    @Test
    void b15_5_1_keySequenceSwitch() {
        String[] k = chain("seed", 3);
        String[] n = chain("other", 3);
        SessionFixture f = new SessionFixture();
        f.create(Req.create(1000).newKey(k[3]));
        f.serverReady();
        f.send(Req.rid(1001).key(k[2]));
        f.send(Req.rid(1002).key(k[1]).newKey(n[3]));
        f.send(Req.rid(1003).key(n[2]));
        f.send(Req.rid(1004).key(n[1]));
        assertThat(f.ended()).isEmpty();
    }

    @Test
    void b15_4_4_keyWithoutNewkeyAtCreationIsIgnored() {
        SessionFixture f = new SessionFixture();
        f.create(Req.create(1000));
        f.serverReady();
        f.send(Req.rid(1001).key("anything"));
        assertThat(f.ended()).isEmpty();
    }
}
