package boshcm.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.BodyType;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * XEP-0124 §14 under a hostile network: seeded random interleavings of requests that are reordered,
 * retransmitted, whose responses get lost, while the server sends data at random moments. Whatever
 * happens, every client payload reaches the server exactly once and in order, every server payload
 * reaches the client exactly once and in order, and the session survives.
 *
 * <p>The simulated client behaves as XEP-0124 asks: at most {@code requests} outstanding, retransmits
 * a request (same rid, same payloads) when its response is late or lost, resends after a recoverable
 * {@code type='error'}, and reads responses in rid order.
 */
class RidInterleavingTest {

    /** {@code -Drid.trace=true} prints every delivery and response of a run: for reading a failing seed. */
    private static final boolean TRACE = Boolean.getBoolean("rid.trace");

    static List<Object[]> seeds() {
        List<Object[]> cases = new ArrayList<>();
        for (long seed = 1; seed <= Long.getLong("seeds", 40); seed++) {
            cases.add(new Object[] {seed, (int) (seed % 2) + 1, seed % 3 == 0});
        }
        return cases;
    }

    @ParameterizedTest(name = "seed {0}, hold {1}, client acks {2}")
    @MethodSource("seeds")
    void b14_everyPayloadCrossesExactlyOnceInOrder(long seed, int hold, boolean clientAcks) {
        new Run(seed, hold, clientAcks).go();
    }

    private static final class Run {
        final Random random;
        final SessionFixture f;
        final int hold;
        final boolean clientAcks;
        final int requests;
        final long firstRid = 5000;
        long nextRid = firstRid + 1;
        int nextClientMsg;
        int nextServerMsg;
        /** Requests sent and not yet answered (as far as the client knows), by rid. */
        final TreeMap<Long, ClientBody> outstanding = new TreeMap<>();
        /** Requests on the wire, not yet delivered to the CM. */
        final List<ClientBody> wire = new ArrayList<>();
        final Map<ExchangeId, Long> exchangeRid = new HashMap<>();
        /** Responses the client has received, by rid, not yet read (it reads in rid order). */
        final TreeMap<Long, ServerBody> received = new TreeMap<>();
        long readUpTo;
        final List<String> clientGot = new ArrayList<>();
        int seenEffects;

        Run(long seed, int hold, boolean clientAcks) {
            this.random = new Random(seed);
            this.hold = hold;
            this.clientAcks = clientAcks;
            this.requests = hold + 1;
            SessionPolicy rc = SessionFixture.rc(2);
            // This network retransmits far more than any client would: lift the repeat limit (B-14.3-4);
            // and it may sit on every request for seconds: inactivity is not what is tested here.
            this.f = new SessionFixture(new SessionPolicy(rc.maxVersion(), rc.maxWait(), rc.maxHold(),
                    Duration.ofSeconds(30), Duration.ofSeconds(60), rc.polling(), rc.maxPause(), true, false, rc.servedDomains(),
                    rc.routeAllowList(), rc.contentTypes(), "gzip", true, 32, 1000, Duration.ofSeconds(10),
                    1 << 20, 200, 65536, true, 8));
        }

        void go() {
            Req create = Req.create(firstRid).hold(hold).waitSecs(2);
            if (clientAcks) {
                create.ack(1);
            }
            ExchangeId c = f.create(create);
            exchangeRid.put(c, firstRid);
            readUpTo = firstRid - 1;
            outstanding.put(firstRid, create.build());
            f.serverReady();
            collect();
            for (int step = 0; step < 1500; step++) {
                act(step < 1200);
                collect();
                assertThat(f.ended()).as("session must survive, step %s", step).isEmpty();
            }
            // Quiesce: deliver everything, keep polling until every server payload is read.
            for (int i = 0; i < 400 && !(clientGot.size() == nextServerMsg && wire.isEmpty()); i++) {
                if (!wire.isEmpty()) {
                    deliver(wire.remove(0));
                } else if (outstanding.size() < requests) {
                    sendNew(false);
                } else {
                    f.advance(Duration.ofMillis(700));
                    retransmitLate();
                }
                collect();
            }
            assertThat(f.ended()).isEmpty();
            List<String> expectedUp = new ArrayList<>();
            for (int i = 0; i < nextClientMsg; i++) {
                expectedUp.add("c" + i);
            }
            assertThat(f.sentUpstreamIds()).as("client → server").containsExactlyElementsOf(expectedUp);
            List<String> expectedDown = new ArrayList<>();
            for (int i = 0; i < nextServerMsg; i++) {
                expectedDown.add("s" + i);
            }
            assertThat(clientGot).as("server → client").containsExactlyElementsOf(expectedDown);
        }

        void act(boolean generate) {
            int r = random.nextInt(100);
            if (r < 25 && outstanding.size() < requests) {
                sendNew(generate);
            } else if (r < 55 && !wire.isEmpty()) {
                deliver(wire.remove(random.nextInt(wire.size())));   // reordering
            } else if (r < 62 && !outstanding.isEmpty()) {
                retransmit(pick());                                // a spurious retransmission
            } else if (r < 75 && generate) {
                f.serverSends(Req.serverMsg("s" + nextServerMsg++));
            } else {
                f.advance(Duration.ofMillis(random.nextInt(600)));
                retransmitLate();
            }
        }

        long pick() {
            List<Long> rids = new ArrayList<>(outstanding.keySet());
            return rids.get(random.nextInt(rids.size()));
        }

        void sendNew(boolean withPayload) {
            Req req = Req.rid(nextRid);
            int n = withPayload ? random.nextInt(3) : 0;
            for (int i = 0; i < n; i++) {
                req.payload(Req.msg("c" + nextClientMsg++));
            }
            if (clientAcks && readUpTo < nextRid - 1) {
                req.ack(readUpTo);                                 // §9.2: highest rid read with all lower read
            }
            ClientBody body = req.build();
            outstanding.put(nextRid, body);
            nextRid++;
            wire.add(body);
        }

        void retransmit(long rid) {
            wire.add(outstanding.get(rid));
        }

        /** A client gives up on a request after a while and sends it again (its response was lost). */
        void retransmitLate() {
            if (!outstanding.isEmpty() && random.nextInt(3) == 0) {
                retransmit(outstanding.firstKey());
            }
        }

        void deliver(ClientBody body) {
            if (!outstanding.containsKey(body.rid())) {
                return;                                            // answered meanwhile; the client dropped it
            }
            ExchangeId x = f.send(body);
            exchangeRid.put(x, body.rid());
            if (TRACE) {
                System.out.println("deliver " + body.rid() + " as " + x.value() + " outstanding=" + outstanding.keySet() + " " + f.session);
            }
            if (random.nextInt(10) == 0) {
                f.gone(x);                                         // the connection broke before any answer
            }
        }

        void collect() {
            List<Effect> all = f.effects;
            for (; seenEffects < all.size(); seenEffects++) {
                if (!(all.get(seenEffects) instanceof Effect.Respond resp)) {
                    continue;
                }
                long rid = exchangeRid.get(resp.exchange());
                if (TRACE) {
                    System.out.println("  respond " + rid + " on " + resp.exchange().value() + ": " + resp.body().type() + resp.body().condition() + " " + resp.body().payloads().size());
                }
                if (random.nextInt(8) == 0) {
                    continue;                                      // response lost on the way back
                }
                ServerBody body = resp.body();
                assertThat(body.type()).as("rid %s", rid).isNotEqualTo(BodyType.TERMINATE);
                if (body.type() == BodyType.ERROR) {
                    continue;                                      // recoverable: the client will resend
                }
                if (outstanding.remove(rid) != null) {
                    received.put(rid, body);
                }
            }
            while (received.containsKey(readUpTo + 1)) {
                for (XmlPayload p : received.remove(++readUpTo).payloads()) {
                    if (p.localName().equals("message")) {
                        clientGot.add(p.attribute("id").orElseThrow());
                    }
                }
            }
        }
    }
}
