package boshcm.protocol.session;

import static boshcm.protocol.session.Req.msg;
import static boshcm.protocol.session.Req.serverMsg;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.ClientBody;
import boshcm.protocol.session.Tally.Held;
import boshcm.protocol.session.Tally.Limit;
import boshcm.protocol.session.Tally.Request;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the session counts for the metrics ({@link Effect.Counted}): how each request naming the
 * session was taken in (XEP-0124 §14), each wait expiry (§8) and each limit hit, by kind. The
 * scenarios are those of the spec tests ({@link Xep0124RequestIdsTest}, {@link Xep0124InactivityPauseTerminateTest},
 * {@link Xep0124MultiStreamsTest}, {@link Xep0206Test}); here only the counts are checked.
 */
class SessionTallyTest {

    /** RC with hold 2 (so requests 3): room for a request ahead of a gap and a held one. */
    private static SessionFixture holdTwo() {
        SessionFixture f = new SessionFixture(SessionFixture.rc(2));
        f.create(Req.create(1000).hold(2));
        f.serverReady();
        return f;
    }

    private static SessionFixture rc() {
        SessionFixture f = new SessionFixture();
        f.create(Req.create(1000).waitSecs(3));
        f.serverReady();
        return f;
    }

    @Test
    void b14_2_requestsAreCountedAheadThenInOrderAndTheCreationIsNot() {
        SessionFixture f = holdTwo();
        assertThat(f.tallies()).as("creation, features").isEmpty();

        f.send(Req.rid(1002).payload(msg("b")));
        f.send(Req.rid(1001).payload(msg("a")));

        // 1002 is processed once 1001 fills the gap, but it was counted once, as ahead.
        assertThat(f.tallies()).containsExactly(Request.AHEAD, Request.IN_ORDER);
    }

    @Test
    void b14_3_2_anAnsweredRidAskedForAgainIsReplayed() {
        SessionFixture f = holdTwo();
        ClientBody r1 = Req.rid(1001).build();
        f.send(r1);
        f.serverSends(serverMsg("x"));
        f.send(r1);

        assertThat(f.tallies()).containsExactly(Request.IN_ORDER, Request.REPLAYED);
    }

    @Test
    void b14_3_3_aRetransmissionOfAHeldOrWaitingRidReplacesIt() {
        SessionFixture held = holdTwo();
        ClientBody r1 = Req.rid(1001).build();
        held.send(r1);
        held.send(r1);
        assertThat(held.tallies()).containsExactly(Request.IN_ORDER, Request.REPLACED);

        SessionFixture ahead = holdTwo();
        ClientBody r2 = Req.rid(1002).build();
        ahead.send(r2);
        ahead.send(r2);
        assertThat(ahead.tallies()).containsExactly(Request.AHEAD, Request.REPLACED);
    }

    @Test
    void b14_2_2_aRidBeyondTheWindowIsRefusedAsARidWindowHit() {
        SessionFixture f = rc();
        f.send(Req.rid(1002));
        f.send(Req.rid(1003));

        assertThat(f.tallies()).containsExactly(Request.AHEAD, Request.REFUSED, Limit.RID_WINDOW);
    }

    @Test
    void b14_3_5_aRidNoLongerCachedIsAResponseCacheHit() {
        SessionFixture f = rc();
        for (int i = 1; i <= 40; i++) {                   // past the 32 responses the RC keeps
            f.send(Req.rid(1000 + i));
        }
        f.send(Req.rid(1001));

        assertThat(last(f, 2)).containsExactly(Request.REFUSED, Limit.RESPONSE_CACHE);
    }

    @Test
    void b14_3_4_tooManyRepeatsIsARepeatsHit() {
        SessionFixture f = holdTwo();
        ClientBody r1 = Req.rid(1001).build();
        f.send(r1);
        f.send(Req.rid(1002));
        f.send(Req.rid(1003));
        for (int i = 0; i < 6; i++) {
            f.send(r1);
        }

        assertThat(f.tallies()).filteredOn(Request.REPLAYED::equals).hasSize(5);
        assertThat(last(f, 2)).containsExactly(Request.REFUSED, Limit.REPEATS);
    }

    @Test
    void b13_3_aRequestAfterTheEndIsCountedAsAfterEnd() {
        SessionFixture f = rc();
        f.send(Req.rid(1001).terminate());
        f.send(Req.rid(1002));

        assertThat(f.tallies()).containsExactly(Request.IN_ORDER, Request.AFTER_END);
    }

    @Test
    void b8_aHeldRequestAnsweredEmptyAtWaitIsAWaitExpiryAndOneCarryingDataIsNot() {
        SessionFixture f = rc();
        f.send(Req.rid(1001));
        f.advance(Duration.ofSeconds(3));                 // wait
        assertThat(f.tallies()).containsExactly(Request.IN_ORDER, Held.WAIT_EXPIRED);

        f.send(Req.rid(1002));
        f.advance(Duration.ofSeconds(1));
        f.serverSends(serverMsg("x"));
        f.send(Req.rid(1003).pause(5));                   // answered at once, empty: not a wait expiry
        assertThat(f.tallies()).containsExactly(Request.IN_ORDER, Held.WAIT_EXPIRED, Request.IN_ORDER, Request.IN_ORDER);
    }

    @Test
    void b10_7_aPauseAboveMaxpauseIsAPauseHit() {
        SessionFixture f = rc();
        f.send(Req.rid(1001).pause(11));

        assertThat(f.tallies()).containsExactly(Request.IN_ORDER, Limit.PAUSE);
    }

    @Test
    void b12_3_pollingTooFastIsAPollingHit() {
        SessionFixture f = new SessionFixture();
        f.create(Req.create(1000).hold(0));
        f.serverReady();
        f.send(Req.rid(1001));
        f.advance(Duration.ofMillis(2100));
        f.send(Req.rid(1002));
        f.advance(Duration.ofMillis(500));
        f.send(Req.rid(1003));

        assertThat(last(f, 2)).containsExactly(Request.IN_ORDER, Limit.POLLING);
    }

    @Test
    void b11_3_strictOveractivityIsAnOveractivityHit() {
        SessionPolicy rc = SessionFixture.rc();
        SessionPolicy strict = new SessionPolicy(rc.maxVersion(), rc.maxWait(), rc.maxHold(), rc.inactivity(),
                rc.pollingInactivity(), rc.polling(), rc.maxPause(), true, true, rc.servedDomains(), rc.routeAllowList(),
                rc.contentTypes(), "gzip", true, 32, 5, Duration.ofSeconds(10), 1 << 20, 200, 65536, true, 8);
        SessionFixture f = new SessionFixture(strict);
        f.create(Req.create(1000));
        f.serverReady();
        f.advance(Duration.ofSeconds(1));
        f.send(Req.rid(1001));
        f.advance(Duration.ofMillis(100));
        f.send(Req.rid(1002));

        assertThat(last(f, 2)).containsExactly(Request.IN_ORDER, Limit.OVERACTIVITY);
    }

    @Test
    void b16_2_aStreamBeyondMaxStreamsIsAStreamsHitAndTheSessionGoesOn() {
        SessionFixture f = new SessionFixture(SessionFixture.rc().withStreams(true, 2));
        f.create(Req.create(1000));
        f.serverReady();
        f.send(Req.rid(1001).to("example.org"));
        f.send(Req.rid(1002).to("example.org"));

        assertThat(f.tallies()).containsExactly(Request.IN_ORDER, Request.IN_ORDER, Limit.STREAMS);
        assertThat(f.ended()).isEmpty();
    }

    @Test
    void u15_theBufferBoundIsABufferedBytesHit() {
        SessionPolicy rc = SessionFixture.rc();
        SessionPolicy small = new SessionPolicy(rc.maxVersion(), rc.maxWait(), rc.maxHold(), rc.inactivity(),
                rc.pollingInactivity(), rc.polling(), rc.maxPause(), true, false, rc.servedDomains(), rc.routeAllowList(),
                rc.contentTypes(), "gzip", true, 32, 5, Duration.ofSeconds(10), 1000, 200, 65536, true, 8);
        SessionFixture f = new SessionFixture(small);
        f.create(Req.create(1000));
        f.serverReady();
        for (int i = 0; i < 20 && f.all(Effect.CloseUpstream.class).isEmpty(); i++) {
            f.serverSends(serverMsg("m" + i));
        }

        assertThat(f.tallies()).containsExactly(Limit.BUFFERED_BYTES);
    }

    /** Tags must be unique within each set, and counting must not allocate: one shared effect per value. */
    @Test
    void everyValueHasItsOwnWireNameAndOneSharedEffect() {
        List<Tally> all = Stream.of(Request.values(), Limit.values(), Held.values()).flatMap(Stream::of)
                .map(Tally.class::cast).toList();
        assertThat(all).extracting(Tally::wireName).doesNotHaveDuplicates().allMatch(n -> n.matches("[a-z_-]+"));
        for (Tally t : all) {
            assertThat(t.effect()).isSameAs(t.effect());
            assertThat(t.effect().what()).isSameAs(t);
        }
    }

    private static List<Tally> last(SessionFixture f, int n) {
        List<Tally> all = new ArrayList<>(f.tallies());
        return all.subList(Math.max(0, all.size() - n), all.size());
    }
}
