package boshcm.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.session.ExchangeId;
import boshcm.protocol.xmpp.StreamEvent;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The hold-time and delivery-latency bookkeeping of one session, with an explicit clock: a request is
 * observed once, when answered; an element once, when a response carries that very object; elements
 * that are never delivered are dropped, never kept.
 */
class SessionTimingsTest {

    private static final long MS = 1_000_000;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SessionMetrics metrics = new SessionMetrics(registry, () -> 0);
    private final SessionTimings timings = metrics.forSession();

    @Test
    void aRequestIsObservedFromArrivalToResponseOnce() {
        ExchangeId a = new ExchangeId(1);
        ExchangeId b = new ExchangeId(2);
        timings.requestArrived(a, 1_000 * MS);
        timings.requestArrived(b, 1_100 * MS);

        timings.responded(b, List.of(), 1_150 * MS);
        timings.responded(a, List.of(), 1_400 * MS);
        timings.responded(a, List.of(), 9_999 * MS);          // not tracked any more: not observed again

        assertThat(hold().count()).isEqualTo(2);
        assertThat(hold().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(50 + 400);
        assertThat(hold().max(TimeUnit.MILLISECONDS)).isEqualTo(400);
        assertThat(timings.openRequests()).isZero();
    }

    @Test
    void aRequestThatWentAwayIsNotObserved() {
        ExchangeId a = new ExchangeId(1);
        timings.requestArrived(a, 0);
        timings.requestGone(a);
        timings.responded(a, List.of(), 5 * MS);

        assertThat(hold().count()).isZero();
        assertThat(timings.openRequests()).isZero();
    }

    @Test
    void manyOpenRequestsGrowTheTable() {
        for (int i = 0; i < 20; i++) {
            timings.requestArrived(new ExchangeId(i), i * MS);
        }
        for (int i = 19; i >= 0; i--) {
            timings.responded(new ExchangeId(i), List.of(), 100 * MS);
        }
        assertThat(hold().count()).isEqualTo(20);
        assertThat(hold().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(20 * 100 - (19 * 20 / 2));
    }

    @Test
    void eachElementIsObservedFromItsReadToTheResponseCarryingIt() {
        XmlPayload x = message("x");
        XmlPayload y = message("y");
        XmlPayload z = message("z");
        timings.upstreamArrived(List.of(element(x), element(y)), 10 * MS);
        timings.upstreamArrived(List.of(new StreamEvent.Closed(), element(z)), 30 * MS);

        respond(100 * MS, x, y);
        respond(130 * MS, z);

        assertThat(delivery().count()).isEqualTo(3);
        assertThat(delivery().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(90 + 90 + 100);
        assertThat(timings.stampedElements()).isZero();
    }

    /** Elements are recognised by identity: an equal element the server sent again is another element. */
    @Test
    void anEqualButDifferentObjectIsNotTakenForTheStampedOne() {
        timings.upstreamArrived(List.of(element(message("x"))), 0);

        respond(5 * MS, message("x"));

        assertThat(delivery().count()).isZero();
        assertThat(timings.stampedElements()).isEqualTo(1);
    }

    /** An element older than one delivered was consumed by the session (an XEP-0198 ack it owns, a bounce): dropped. */
    @Test
    void elementsOlderThanADeliveredOneAreDroppedUnobserved() {
        XmlPayload consumed = message("r");
        XmlPayload x = message("x");
        timings.upstreamArrived(List.of(element(consumed), element(x)), 0);

        respond(7 * MS, x);
        respond(9 * MS, consumed);                             // a replay of something never stamped: nothing

        assertThat(delivery().count()).isEqualTo(1);
        assertThat(delivery().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7);
        assertThat(timings.stampedElements()).isZero();
    }

    @Test
    void theRingIsBoundedAndDropsTheOldestWhenFull() {
        List<XmlPayload> all = new ArrayList<>();
        for (int i = 0; i < SessionTimings.MAX_STAMPS + 10; i++) {
            XmlPayload p = message("m" + i);
            all.add(p);
            timings.upstreamArrived(List.of(element(p)), i);
        }
        assertThat(timings.stampedElements()).isEqualTo(SessionTimings.MAX_STAMPS);

        respond(1 * MS, all.get(0));                           // dropped when the ring was full
        assertThat(delivery().count()).isZero();
        respond(1 * MS, all.get(10), all.get(11));             // the oldest kept, in order
        assertThat(delivery().count()).isEqualTo(2);
        assertThat(timings.stampedElements()).isEqualTo(SessionTimings.MAX_STAMPS - 2);
        respond(2 * MS, all.get(all.size() - 1));
        assertThat(delivery().count()).isEqualTo(3);
        assertThat(timings.stampedElements()).isZero();
    }

    private void respond(long now, XmlPayload... payloads) {
        timings.responded(new ExchangeId(-1), List.of(payloads), now);
    }

    private Timer hold() {
        return registry.get("bosh.request.hold.duration").timer();
    }

    private Timer delivery() {
        return registry.get("bosh.delivery.latency").timer();
    }

    private static StreamEvent element(XmlPayload p) {
        return new StreamEvent.Element(p);
    }

    private static XmlPayload message(String id) {
        return new XmlPayload(Namespaces.JABBER_CLIENT, "message", Map.of("id", id),
                ("<message xmlns='jabber:client' id='" + id + "'/>").getBytes(StandardCharsets.UTF_8));
    }
}
