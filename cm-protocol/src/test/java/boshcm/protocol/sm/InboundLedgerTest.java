package boshcm.protocol.sm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamTokenizer;
import boshcm.protocol.xmpp.TokenizerOptions;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * XEP-0198 §4, §5 for what the server sends the CM in managed mode: H_in counts what the browser has
 * acknowledged at the BOSH layer (checklist SM-2, SM-3, SM-4, SM-5, SM-16, SM-17, SM-19).
 */
class InboundLedgerTest {

    private static final long MAX = SequenceNumber.MAX;

    private final InboundLedger in = new InboundLedger();
    /** What the CM queued for the browser, in order; responses take from the front. */
    private final List<XmlPayload> queue = new ArrayList<>();
    /** What the browser was sent, response by response. */
    private final List<XmlPayload> browser = new ArrayList<>();
    /** What the CM wrote upstream. */
    private final List<XmlPayload> upstream = new ArrayList<>();

    /** The session's part: SM nonzas handled, everything else through the ledger to the browser queue. */
    private Inbound fromServer(XmlPayload p) {
        Optional<SmNonza> sm = SmNonza.parse(p);
        if (sm.isPresent()) {
            if (sm.get() instanceof SmNonza.Enabled) {
                in.enabled();
            } else if (sm.get() instanceof SmNonza.Request) {
                upstream.add(in.ack());                               // SM-5: at once
            }
            return new Inbound.NotCounted();
        }
        Inbound verdict = in.received(p);
        if (verdict.deliver()) {
            queue.add(p);
        }
        return verdict;
    }

    /** A response to {@code rid} takes up to {@code max} payloads from the queue. */
    private void respond(long rid, int max) {
        List<XmlPayload> taken = new ArrayList<>(queue.subList(0, Math.min(max, queue.size())));
        queue.subList(0, taken.size()).clear();
        in.carried(rid, taken);
        browser.addAll(taken);
    }

    private static List<String> ids(List<XmlPayload> payloads) {
        List<String> ids = new ArrayList<>();
        for (XmlPayload p : payloads) {
            ids.add(p.attribute("id").orElse(p.localName()));
        }
        return ids;
    }

    private void feed(StreamTokenizer t, String s) {
        for (StreamEvent e : t.feed(ByteBuffer.wrap(Xml.utf8(s)))) {
            if (e instanceof StreamEvent.Element) {
                fromServer(((StreamEvent.Element) e).payload());
            }
        }
    }

    /**
     * SM-2: "UM sends 3 messages, 1 presence, 1 iq, 2 <r/>, a CSI nonza and whitespace; then <r/>. The
     * CM answers <a h='5'/>" — once the browser has acknowledged the response that carried them (SM-17);
     * before that, <r/> is still answered at once (SM-5), with what the browser has acknowledged.
     */
    @Test
    void sm2_sm5_onlyStanzasCountAndEveryRIsAnsweredAtOnce() {
        StreamTokenizer t = new StreamTokenizer(TokenizerOptions.defaults());
        feed(t, "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='" + Namespaces.STREAMS
                + "' id='s1' from='example.com' version='1.0'>"
                + "<enabled xmlns='urn:xmpp:sm:3' id='sm1' resume='true'/>"
                + "<message type='chat' id='m1'><body>1</body></message>"
                + "<message type='chat' id='m2'><body>2</body></message>\n"
                + "<presence from='p@example.com/x'/>"
                + "<r xmlns='urn:xmpp:sm:3'/>"
                + "<message type='chat' id='m3'><body>3</body></message>"
                + "<iq type='get' id='ping1'><ping xmlns='urn:xmpp:ping'/></iq>"
                + "<r xmlns='urn:xmpp:sm:3'/>  \n\t "
                + "<active xmlns='urn:xmpp:csi:0'/>"
                + " ");
        assertThat(ids(upstream)).hasSize(2);
        assertThat(upstream).allMatch(a -> a.text().equals("<a xmlns='urn:xmpp:sm:3' h='0'/>"));
        assertThat(in.receivedCount()).isEqualTo(5);

        respond(1001, 10);
        in.acknowledgedUpTo(1001);
        feed(t, "<r xmlns='urn:xmpp:sm:3'/>");
        assertThat(upstream.get(2).text()).isEqualTo("<a xmlns='urn:xmpp:sm:3' h='5'/>");
        assertThat(ids(browser)).containsExactly("m1", "m2", "presence", "m3", "ping1", "active");
    }

    /** SM-3: "UM writes M(p), then <enabled/>, then M(q), then <r/>. The CM answers <a h='1'/> … Both messages still reach the browser." */
    @Test
    void sm3_stanzaBetweenEnableAndEnabledIsDeliveredButNotCounted() {
        assertThat(fromServer(Xml.message("p"))).isEqualTo(new Inbound.NotCounted());
        fromServer(Xml.sm("enabled", Map.of("id", "sm1", "resume", "true")));
        assertThat(fromServer(Xml.message("q"))).isEqualTo(new Inbound.Counted(1));
        respond(1001, 10);
        in.acknowledgedUpTo(1001);
        fromServer(Xml.sm("r", Map.of()));
        assertThat(upstream).containsExactly(SmElements.ack(1));
        assertThat(ids(browser)).containsExactly("p", "q");
    }

    @Test
    void sm4_inboundCountWraps() {
        in.enabledAt(MAX - 1);
        assertThat(in.received(Xml.message("a"))).isEqualTo(new Inbound.Counted(MAX));
        assertThat(in.received(Xml.message("b"))).isEqualTo(new Inbound.Counted(0));
        assertThat(in.received(Xml.message("c"))).isEqualTo(new Inbound.Counted(1));
        in.carried(7, 2);
        assertThat(in.acknowledgedUpTo(7)).isZero();
        in.carried(8, 1);
        assertThat(in.acknowledgedUpTo(8)).isEqualTo(1);
        assertThat(in.ack().text()).isEqualTo("<a xmlns='urn:xmpp:sm:3' h='1'/>");
    }

    /** SM-17: "a stanza is acknowledged when the response that carried it has rid ≤ the highest acknowledged rid". */
    @Test
    void sm17_hInCountsStanzasInAcknowledgedResponsesOnly() {
        in.enabled();
        for (int i = 1; i <= 6; i++) {
            fromServer(Xml.message("m" + i));
        }
        respond(10, 2);
        respond(11, 1);
        respond(12, 0);                                               // an empty response
        respond(13, 2);
        // m6 is still queued: not acknowledged whatever the browser says
        assertThat(in.handled()).isZero();
        assertThat(in.acknowledgedUpTo(9)).isZero();
        assertThat(in.acknowledgedUpTo(10)).isEqualTo(2);
        assertThat(in.acknowledgedUpTo(12)).isEqualTo(3);
        assertThat(in.acknowledgedUpTo(11)).as("an older ack changes nothing").isEqualTo(3);
        assertThat(in.acknowledgedUpTo(99)).isEqualTo(5);
        assertThat(in.unhandledDepth()).isEqualTo(1);
        respond(14, 5);
        assertThat(in.acknowledgedUpTo(14)).isEqualTo(6);
        assertThat(in.unhandledDepth()).isZero();
    }

    @Test
    void sm17_aResponseBuiltOutOfRidOrderOnlyDelaysTheAck() {
        in.enabled();
        fromServer(Xml.message("m1"));
        fromServer(Xml.message("m2"));
        respond(21, 1);                                               // m1 went out on the later rid
        respond(20, 1);
        assertThat(in.acknowledgedUpTo(20)).as("m2 without m1 would leave a hole").isZero();
        assertThat(in.acknowledgedUpTo(21)).isEqualTo(2);
    }

    @Test
    void sm17_nonStanzasAndLocalStanzasAreCarriedButNeverCounted() {
        in.enabled();
        fromServer(Xml.message("m1"));
        XmlPayload local = Xml.message("cm-made");
        in.queuedLocally(local);
        queue.add(local);
        fromServer(Xml.csiActive());
        fromServer(Xml.message("m2"));
        respond(30, 10);
        assertThat(in.acknowledgedUpTo(30)).isEqualTo(2);
        assertThatThrownBy(() -> in.carried(31, 1)).as("a response cannot carry what was never queued")
                .isInstanceOf(IllegalStateException.class);
    }

    /** SM-16: "UM receives <a h=…/> that does not count M(x)" when the BOSH session dies with M(x) undelivered. */
    @Test
    void sm16_theLastAckLeavesOutWhatTheBrowserNeverSaw() {
        in.enabled();
        fromServer(Xml.message("m1"));
        respond(40, 1);
        in.acknowledgedUpTo(40);
        fromServer(Xml.message("x"));                                 // the browser is away
        respond(41, 1);                                               // sent, but never acknowledged
        fromServer(Xml.message("y"));                                 // still queued
        assertThat(in.ack()).isEqualTo(SmElements.ack(1));
    }

    /**
     * SM-17: "UM sends 5 messages while the browser has acknowledged 3 and the CM holds 2, then drops TCP.
     * After the resume with h=3, UM resends 2 (+1 new). The browser receives exactly the new one plus the
     * 2 originals, with no duplicates."
     */
    @Test
    void sm17_resumeDropsTheRetransmissionsTheCmHoldsByCount() {
        fromServer(Xml.sm("enabled", Map.of("id", "sm1", "resume", "true")));
        for (int i = 1; i <= 5; i++) {
            fromServer(Xml.message("m" + i));
        }
        respond(50, 3);
        in.acknowledgedUpTo(50);
        assertThat(queue).containsExactly(Xml.message("m4"), Xml.message("m5"));

        // TCP drops; reconnect, re-authenticate, restart
        long h = in.resumeSent();
        assertThat(h).isEqualTo(3);
        assertThat(SmElements.resume("sm1", h).text()).isEqualTo("<resume xmlns='urn:xmpp:sm:3' previd='sm1' h='3'/>");
        in.resumed();
        assertThat(in.duplicatesExpected()).isEqualTo(2);

        assertThat(fromServer(Xml.delayed("m4"))).isEqualTo(new Inbound.Duplicate(4, StanzaMark.of(Xml.message("m4"))));
        assertThat(fromServer(Xml.delayed("m5"))).isInstanceOf(Inbound.Duplicate.class);
        assertThat(fromServer(Xml.message("m6"))).isEqualTo(new Inbound.Counted(6));
        assertThat(in.duplicatesExpected()).isZero();

        respond(51, 10);
        assertThat(browser.subList(3, browser.size()))
                .as("the 2 originals (no <delay/>) and the new one, once each")
                .containsExactly(Xml.message("m4"), Xml.message("m5"), Xml.message("m6"));
        assertThat(in.acknowledgedUpTo(51)).isEqualTo(6);
    }

    @Test
    void sm17_heldStanzasInUnacknowledgedResponsesAndAcksDuringTheOutage() {
        in.enabled();
        for (int i = 1; i <= 5; i++) {
            fromServer(Xml.message("m" + i));
        }
        respond(60, 3);
        in.acknowledgedUpTo(60);
        respond(61, 1);                                               // m4 is with the browser, not acknowledged
        long h = in.resumeSent();
        assertThat(h).isEqualTo(3);
        in.acknowledgedUpTo(61);                                      // the browser acks m4 while upstream is down
        assertThat(in.handled()).isEqualTo(4);
        in.resumed();
        // the server resends from h + 1 = 4 as the <resume/> said, not from 5
        assertThat(fromServer(Xml.delayed("m4"))).isEqualTo(new Inbound.Duplicate(4, StanzaMark.of(Xml.message("m4"))));
        assertThat(fromServer(Xml.delayed("m5"))).isEqualTo(new Inbound.Duplicate(5, StanzaMark.of(Xml.message("m5"))));
        assertThat(fromServer(Xml.message("m6"))).isEqualTo(new Inbound.Counted(6));
        respond(62, 10);
        assertThat(ids(browser)).containsExactly("m1", "m2", "m3", "m4", "m5", "m6");
        assertThat(in.acknowledgedUpTo(62)).isEqualTo(6);
    }

    @Test
    void sm17_nothingHeldMeansNothingDropped() {
        in.enabled();
        fromServer(Xml.message("m1"));
        respond(70, 1);
        in.acknowledgedUpTo(70);
        assertThat(in.resumeSent()).isEqualTo(1);
        in.resumed();
        assertThat(fromServer(Xml.message("m2"))).isEqualTo(new Inbound.Counted(2));
    }

    /** SM-19: "Sanity-check name, type and id where present; on a mismatch deliver rather than drop." */
    @Test
    void sm19_aRetransmissionThatDoesNotMatchIsDeliveredUncountedAndReported() {
        in.enabled();
        for (int i = 1; i <= 5; i++) {
            fromServer(Xml.message("m" + i));
        }
        respond(80, 3);
        in.acknowledgedUpTo(80);
        in.resumeSent();
        in.resumed();
        Inbound first = fromServer(Xml.iq("surprise"));
        assertThat(first).isEqualTo(new Inbound.Mismatch(4, StanzaMark.of(Xml.message("m4")), StanzaMark.of(Xml.iq("surprise"))));
        assertThat(first.deliver()).isTrue();
        assertThat(fromServer(Xml.delayed("m5"))).isInstanceOf(Inbound.Duplicate.class);
        assertThat(fromServer(Xml.message("m6"))).isEqualTo(new Inbound.Counted(6));
        respond(81, 10);
        assertThat(ids(browser)).containsExactly("m1", "m2", "m3", "m4", "m5", "surprise", "m6");
        assertThat(in.acknowledgedUpTo(81)).as("the surprise takes no number of its own").isEqualTo(6);
    }

    @Test
    void sm19_marksCompareNameTypeAndIdTheOriginalCarried() {
        StanzaMark original = StanzaMark.of(Xml.message("m1"));
        assertThat(original.matches(StanzaMark.of(Xml.delayed("m1")))).isTrue();
        assertThat(original.matches(StanzaMark.of(Xml.message("m2")))).isFalse();
        assertThat(original.matches(StanzaMark.of(Xml.stanza("message", "groupchat", "m1", "")))).isFalse();
        assertThat(original.matches(new StanzaMark("message", Optional.of("chat"), Optional.empty())))
                .as("a retransmission without the id").isFalse();
        assertThat(StanzaMark.of(Xml.presence()).matches(StanzaMark.of(Xml.stanza("presence", "unavailable", "p1", ""))))
                .as("nothing to compare but the name").isTrue();
    }

    @Test
    void misuseIsABug() {
        assertThatThrownBy(in::resumeSent).isInstanceOf(IllegalStateException.class);
        in.enabled();
        assertThatThrownBy(in::enabled).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(in::resumed).isInstanceOf(IllegalStateException.class);
    }
}
