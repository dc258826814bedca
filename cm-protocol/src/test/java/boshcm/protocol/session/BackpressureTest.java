package boshcm.protocol.session;

import static boshcm.protocol.session.Req.serverMsg;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.XmlPayload;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Checklist U-15, S-10: a browser slower than its server. Above {@code pauseReadingBytes} waiting for
 * it, the session asks its driver to stop reading upstream (TCP backpressure on the server) instead
 * of buffering on; at half the mark it reads again. The buffer bound stays the last resort.
 */
class BackpressureTest {

    private static final int MARK = 4000;

    /** The RC policy, answering at most {@code perResponse} stanzas per response, pausing above {@link #MARK}. */
    private static SessionPolicy policy(int perResponse) {
        SessionPolicy rc = SessionFixture.rc();
        return new SessionPolicy(rc.maxVersion(), rc.maxWait(), rc.maxHold(), rc.inactivity(), rc.pollingInactivity(),
                rc.polling(), rc.maxPause(), true, false, rc.servedDomains(), rc.routeAllowList(), rc.contentTypes(),
                "gzip", true, 32, 5, rc.repeatWindow(), 64 * 1024, perResponse, 64 * 1024, true, 8)
                .withPauseReading(MARK);
    }

    private static SessionFixture ready(SessionPolicy policy) {
        SessionFixture f = new SessionFixture(policy);
        f.create(Req.create(1000));
        f.serverReady();                         // the creation request carries the features: nothing held now
        f.fresh();
        return f;
    }

    @Test
    void u15_s10_aSlowBrowserPausesReadingUpstreamAndResumesOnceItCaughtUp() {
        SessionFixture f = ready(policy(200));
        List<String> sent = new ArrayList<>();
        long buffered = 0;
        while (f.all(Effect.PauseUpstreamReading.class).isEmpty()) {
            XmlPayload m = serverMsg("m" + sent.size());
            sent.add("m" + sent.size());
            buffered += m.size();
            f.serverSends(m);
            assertThat(f.all(Effect.ResumeUpstreamReading.class)).isEmpty();
        }
        assertThat(buffered).as("paused just past the mark").isGreaterThan(MARK).isLessThan(MARK + 200);

        for (int i = 0; i < 5; i++) {                // the rest of the read that was under way
            sent.add("m" + sent.size());
            f.serverSends(serverMsg(sent.get(sent.size() - 1)));
        }
        assertThat(f.all(Effect.PauseUpstreamReading.class)).as("paused once").hasSize(1);
        assertThat(f.ended()).isEmpty();

        ExchangeId poll = f.send(Req.rid(1001));
        assertThat(f.responseTo(poll).payloads()).extracting(p -> p.attribute("id").orElse("")).containsExactlyElementsOf(sent);
        assertThat(f.all(Effect.ResumeUpstreamReading.class)).as("the buffer is empty: read again").hasSize(1);
        assertThat(f.ended()).isEmpty();
    }

    /** Between the marks nothing changes: a browser that drains a little at a time does not make reads flap. */
    @Test
    void u15_s10_readingResumesOnlyBelowHalfTheMark() {
        SessionFixture f = ready(policy(10));
        int n = 0;
        while (f.all(Effect.PauseUpstreamReading.class).isEmpty()) {
            f.serverSends(serverMsg("m" + n++));
        }
        long size = serverMsg("m0").size();
        long buffered = n * size;
        long rid = 1001;
        while (buffered - 10 * size > MARK / 2) {
            f.send(Req.rid(rid++));
            buffered -= 10 * size;
            assertThat(f.all(Effect.ResumeUpstreamReading.class)).as("still above half, at %d bytes", buffered).isEmpty();
        }
        f.send(Req.rid(rid));
        assertThat(f.all(Effect.ResumeUpstreamReading.class)).hasSize(1);
        assertThat(f.all(Effect.PauseUpstreamReading.class)).hasSize(1);
    }

    /** A server that keeps sending whatever TCP says still meets the buffer bound: policy-violation, the session ends. */
    @Test
    void u15_s10_theBufferBoundIsStillTheLastResort() {
        SessionFixture f = ready(policy(200));
        for (int i = 0; i < 2_000 && f.ended().isEmpty(); i++) {
            f.serverSends(serverMsg("m" + i));
        }
        assertThat(f.all(Effect.PauseUpstreamReading.class)).hasSize(1);
        assertThat(f.all(Effect.CloseUpstream.class).get(0).streamError()).contains("policy-violation");
        assertThat(f.tallies()).contains(Tally.Limit.BUFFERED_BYTES);
    }

    /** With no mark (0), reads are never paused: the behaviour before backpressure. */
    @Test
    void u15_zeroNeverPauses() {
        SessionFixture f = ready(policy(200).withPauseReading(0));
        for (int i = 0; i < 200; i++) {
            f.serverSends(serverMsg("m" + i));
        }
        assertThat(f.all(Effect.PauseUpstreamReading.class)).isEmpty();
    }

    /** SM-12: a stream resuming its XEP-0198 session is always read; the pause is lifted for it. */
    @Test
    void sm12_noPauseWhileAStreamResumes() {
        ReadPause pause = new ReadPause(MARK);
        Outbox out = new Outbox();
        pause.update(MARK + 1, false, out);
        pause.update(MARK + 1, true, out);
        pause.update(MARK + 1, true, out);
        pause.update(MARK + 1, false, out);
        assertThat(out.take().effects()).containsExactly(new Effect.PauseUpstreamReading(),
                new Effect.ResumeUpstreamReading(), new Effect.PauseUpstreamReading());
    }
}
