package boshcm.protocol.sm;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.XmlPayload;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ledgers and the deduper driven by a seeded random session against a model of a server and a
 * browser, with drops and resumes (checklist SM-4, SM-9, SM-12 step 5, SM-17, SM-18, SM-19). Some
 * seeds start the counters just below 2^32 so that they wrap.
 *
 * <p>What must hold: the browser gets every server stanza exactly once and in order; the server gets
 * every client stanza exactly once and in order; every {@code <a/>} the CM sends counts exactly the
 * server stanzas in BOSH responses the browser has acknowledged; the out-queue is exactly what the
 * server has not acknowledged.
 */
class SmLedgerModelTest {

    private static final long MAX = SequenceNumber.MAX;

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
            21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40})
    void randomSessionAgreesWithTheModel(long seed) {
        new Run(seed).go(1500);
    }

    private static final class Run {
        final Random rnd;
        final long inStart;
        final long outStart;
        final InboundLedger in = new InboundLedger();
        final OutboundLedger out;
        final int cap;

        // server → CM
        final List<String> serverProduced = new ArrayList<>();     // counted stanzas, by index: number inStart + i + 1
        final List<String> preEnabled = new ArrayList<>();
        int serverAckedIdx;                                        // from the CM's <a/>
        final ArrayDeque<XmlPayload> downPipe = new ArrayDeque<>();
        // CM → browser
        final List<XmlPayload> queue = new ArrayList<>();
        final List<List<String>> responses = new ArrayList<>();    // index = rid - FIRST_RID
        static final long FIRST_RID = 1000;
        long ackedRid = FIRST_RID - 1;
        final List<String> browser = new ArrayList<>();
        // client → server
        final List<String> clientSent = new ArrayList<>();         // stanzas the ledger accepted, in order
        final ArrayDeque<XmlPayload> upPipe = new ArrayDeque<>();
        final List<String> serverReceived = new ArrayList<>();
        long serverCount;                                          // server's inbound h, in our numbering
        long now;
        int drops;
        int resends;
        int duplicates;

        Run(long seed) {
            this.rnd = new Random(seed * 0x9E3779B97F4A7C15L);
            boolean wrap = seed % 2 == 1;                          // odd seeds start just below 2^32
            this.inStart = wrap ? MAX - rnd.nextInt(40) : rnd.nextInt(3);
            this.outStart = wrap ? MAX - rnd.nextInt(40) : rnd.nextInt(3);
            this.cap = 5 + rnd.nextInt(60);
            this.out = new OutboundLedger(new AckPolicy(cap, Math.min(cap, 1 + rnd.nextInt(6)), Duration.ofSeconds(10)), outStart);
            this.serverCount = outStart;
        }

        void go(int steps) {
            for (int i = 0, n = rnd.nextInt(4); i < n; i++) {     // SM-3: before <enabled/>
                String id = "p" + i;
                preEnabled.add(id);
                fromServer(Xml.message(id));
            }
            in.enabledAt(inStart);
            for (int step = 0; step < steps; step++) {
                int action = rnd.nextInt(100);
                if (action < 14) {
                    String id = "s" + serverProduced.size();
                    serverProduced.add(id);
                    downPipe.addLast(Xml.message(id));
                } else if (action < 28) {
                    if (!downPipe.isEmpty()) {
                        fromServer(downPipe.removeFirst());
                    }
                } else if (action < 38) {
                    respond(1 + rnd.nextInt(4));
                } else if (action < 46) {
                    browserAcks();
                } else if (action < 52) {
                    serverRequestsAck();
                } else if (action < 66) {
                    clientSends();
                } else if (action < 80) {
                    serverReads();
                } else if (action < 86) {
                    serverAcks();
                } else if (action < 89) {
                    invalidAck();
                } else if (action < 90) {
                    dropAndResume();
                } else {
                    now += rnd.nextInt(3_000_000);
                    if (out.shouldRequestAck(now)) {
                        out.requestSent(now);
                    }
                }
                assertThat(in.unhandledDepth()).isEqualTo((int) SequenceNumber.distance(in.handled(), in.receivedCount()));
                assertThat(out.depth()).isEqualTo((int) SequenceNumber.distance(out.ackedCount(), out.sentCount()));
            }
            drain();
        }

        void fromServer(XmlPayload p) {
            Inbound v = in.received(p);
            assertThat(v).isNotInstanceOf(Inbound.Mismatch.class);
            if (v instanceof Inbound.Duplicate) {
                duplicates++;
            }
            if (v.deliver()) {
                queue.add(p);
            }
        }

        void respond(int max) {
            long rid = FIRST_RID + responses.size();
            List<XmlPayload> taken = new ArrayList<>(queue.subList(0, Math.min(max, queue.size())));
            queue.subList(0, taken.size()).clear();
            in.carried(rid, taken);
            List<String> ids = new ArrayList<>();
            for (XmlPayload p : taken) {
                ids.add(p.attribute("id").orElseThrow());
            }
            responses.add(ids);
            browser.addAll(ids);
        }

        void browserAcks() {
            long last = FIRST_RID + responses.size() - 1;
            if (last > ackedRid) {
                ackedRid += 1 + rnd.nextInt((int) (last - ackedRid));
                in.acknowledgedUpTo(ackedRid);
            } else {
                in.acknowledgedUpTo(ackedRid - rnd.nextInt(3));    // a stale ack changes nothing
            }
        }

        /** Server stanzas in responses the browser acknowledged: what H_in must count (SM-17). */
        long expectedHandled() {
            long n = 0;
            for (int i = 0; i <= ackedRid - FIRST_RID; i++) {
                for (String id : responses.get(i)) {
                    if (id.startsWith("s")) {
                        n++;
                    }
                }
            }
            return n;
        }

        void serverRequestsAck() {
            XmlPayload a = in.ack();
            long h = SequenceNumber.parse(a.attribute("h").orElseThrow()).orElseThrow();
            assertThat(SequenceNumber.distance(inStart, h)).as("SM-17: <a/> counts what the browser acknowledged")
                    .isEqualTo(expectedHandled());
            int idx = (int) SequenceNumber.distance(inStart, h);
            assertThat(idx).isBetween(serverAckedIdx, serverProduced.size());
            serverAckedIdx = idx;
        }

        void clientSends() {
            XmlPayload p;
            int kind = rnd.nextInt(10);
            if (kind < 7) {
                p = Xml.message("c" + now + "-" + rnd.nextInt(1_000_000));
            } else if (kind < 9) {
                p = Xml.csiActive();
            } else {
                p = Xml.sm("r", Map.of());
            }
            int depth = out.depth();
            Offer o = out.offer(p, now);
            if (o instanceof Offer.Counted) {
                clientSent.add(p.attribute("id").orElseThrow());
                upPipe.addLast(p);
            } else if (o instanceof Offer.Full) {
                assertThat(depth).isEqualTo(cap);
                assertThat(out.depth()).isEqualTo(cap);
            } else {
                assertThat(p.isStanza()).isFalse();
            }
            if (out.shouldRequestAck(now)) {
                out.requestSent(now);
            }
        }

        void serverReads() {
            if (!upPipe.isEmpty()) {
                serverReceived.add(upPipe.removeFirst().attribute("id").orElseThrow());
                serverCount = SequenceNumber.next(serverCount);
            }
        }

        void serverAcks() {
            AckOutcome r = out.acknowledge(serverCount);
            assertThat(r).isInstanceOf(AckOutcome.Acked.class);
            assertThat(out.ackedCount()).isEqualTo(serverCount);
            assertThat(ids(out.unacked())).isEqualTo(clientSent.subList(serverReceived.size(), clientSent.size()));
        }

        void invalidAck() {
            int depth = out.depth();
            long acked = out.ackedCount();
            long h = rnd.nextBoolean()
                    ? SequenceNumber.add(out.sentCount(), 2 + rnd.nextInt(100))
                    : SequenceNumber.add(acked, MAX - rnd.nextInt(100));   // behind the last ack
            assertThat(out.acknowledge(h)).isEqualTo(new AckOutcome.TooHigh(h, out.sentCount()));
            assertThat(out.depth()).isEqualTo(depth);
            assertThat(out.ackedCount()).isEqualTo(acked);
        }

        void dropAndResume() {
            drops++;
            downPipe.clear();                                      // lost with the TCP connection
            upPipe.clear();
            long h = in.resumeSent();
            assertThat(SequenceNumber.distance(inStart, h)).isEqualTo(expectedHandled());
            if (rnd.nextBoolean()) {
                browserAcks();                                     // the browser keeps polling during the outage
            }
            // the server: trims to h, answers <resumed h=its count/>, resends from h + 1
            int idx = (int) SequenceNumber.distance(inStart, h);
            assertThat(idx).isBetween(serverAckedIdx, serverProduced.size());
            serverAckedIdx = idx;
            assertThat(out.acknowledge(serverCount)).isInstanceOf(AckOutcome.Acked.class);
            in.resumed();
            for (int i = idx; i < serverProduced.size(); i++) {
                downPipe.addLast(rnd.nextBoolean() ? Xml.delayed(serverProduced.get(i)) : Xml.message(serverProduced.get(i)));
                resends++;
            }
            // the CM: retransmits its unacknowledged stanzas under their numbers (SM-9)
            List<XmlPayload> again = out.unacked();
            assertThat(ids(again)).isEqualTo(clientSent.subList(serverReceived.size(), clientSent.size()));
            upPipe.addAll(again);
        }

        void drain() {
            while (!downPipe.isEmpty()) {
                fromServer(downPipe.removeFirst());
            }
            while (!queue.isEmpty()) {
                respond(3);
            }
            ackedRid = FIRST_RID + responses.size() - 1;
            in.acknowledgedUpTo(ackedRid);
            serverRequestsAck();
            while (!upPipe.isEmpty()) {
                serverReads();
            }
            serverAcks();

            List<String> expected = new ArrayList<>(preEnabled);
            expected.addAll(serverProduced);
            assertThat(browser).as("every server stanza once, in order (%d drops, %d resends, %d dropped as duplicates)",
                    drops, resends, duplicates)
                    .isEqualTo(expected);
            assertThat(in.handled()).isEqualTo(SequenceNumber.add(inStart, serverProduced.size()));
            assertThat(serverReceived).as("every client stanza once, in order").isEqualTo(clientSent);
            assertThat(out.depth()).isZero();
            assertThat(out.sentCount()).isEqualTo(SequenceNumber.add(outStart, clientSent.size()));
        }

        static List<String> ids(List<XmlPayload> payloads) {
            List<String> ids = new ArrayList<>();
            for (XmlPayload p : payloads) {
                ids.add(p.attribute("id").orElseThrow());
            }
            return ids;
        }
    }
}
