package boshcm.protocol.session;

import static boshcm.protocol.body.BodyAttribute.AUTHID;
import static boshcm.protocol.body.BodyAttribute.FROM;
import static boshcm.protocol.body.BodyAttribute.SID;
import static boshcm.protocol.body.BodyAttribute.STREAM;
import static boshcm.protocol.body.BodyAttribute.WAIT;
import static boshcm.protocol.body.BodyAttribute.XMPP_VERSION;
import static boshcm.protocol.session.Req.msg;
import static boshcm.protocol.session.Req.serverMsg;
import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.BodyType;
import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.error.Condition;
import boshcm.protocol.xmpp.StreamEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * XEP-0124 §16 #multi: several XMPP streams in one BOSH session (checklist B-16-1, B-16-2, X-4-5).
 * The fixture names streams {@code st1}, {@code st2}, ...; the reference configuration serves
 * example.com and example.org, with hold 1.
 */
class Xep0124MultiStreamsTest {

    private final SessionFixture f = new SessionFixture();
    /** Rid 1001 of {@link #twoStreams()}, held while the second stream is added. */
    private ExchangeId held;

    /**
     * Creation, features, one held request (rid 1001, {@link #held}), and a second stream to
     * example.org added by rid 1002. Returns the add-stream exchange.
     */
    private ExchangeId twoStreams() {
        f.create(Req.create(1000));
        f.serverReady();
        held = f.send(Req.rid(1001));
        return f.send(Req.rid(1002).to("example.org").lang("de"));
    }

    private static XmlPayload streamError() {
        return new XmlPayload(Namespaces.STREAMS, "error", Map.of(),
                "<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>"
                        .getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------- #multi-discover, #multi-add

    /** §16 #multi-discover: "it MUST include a 'stream' attribute in its Session Creation Response". */
    @Test
    void b16_2_creationResponseNamesTheFirstStream() {
        ExchangeId x = f.create(Req.create(1000));
        f.serverReady();
        assertThat(f.responseTo(x).attribute(STREAM)).contains("st1");
        assertThat(f.all(Effect.OpenUpstream.class)).extracting(Effect.OpenUpstream::stream).containsExactly("st1");
    }

    /**
     * §16 #multi-add: "it MUST open a new stream with the specified server, generate a new stream name,
     * and respond to the client with the name"; the response "SHOULD NOT include 'sid', 'requests',
     * ..."; X-4-5: {@code xmpp:version} on the add-stream response.
     */
    @Test
    void b16_2_addStreamOpensASecondUpstreamAndAnswersWithItsName_x4_5() {
        ExchangeId add = twoStreams();
        List<Effect.OpenUpstream> opens = f.all(Effect.OpenUpstream.class);
        assertThat(opens).hasSize(2);
        assertThat(opens.get(1).stream()).isEqualTo("st2");
        assertThat(opens.get(1).target().domain()).isEqualTo("example.org");
        assertThat(opens.get(1).header().to()).contains("example.org");
        assertThat(opens.get(1).header().lang()).contains("de");
        assertThat(opens.get(1).header().from()).as("the first stream's from is not this stream's").isEmpty();

        ServerBody answer = f.responseTo(add);
        assertThat(answer.type()).isEqualTo(BodyType.NONE);
        assertThat(answer.attribute(STREAM)).contains("st2");
        assertThat(answer.attribute(XMPP_VERSION)).contains("1.0");
        assertThat(answer.attribute(SID)).isEmpty();
        assertThat(answer.attribute(WAIT)).isEmpty();
        assertThat(answer.payloads()).isEmpty();
        assertThat(f.ended()).isEmpty();
    }

    /** §16 #multi-add: 'from' may come "in a subsequent response instead. In that case the 'stream' attribute MUST also be specified". */
    @Test
    void b16_2_secondStreamFeaturesCarryItsNameFromAndAuthid() {
        twoStreams();
        assertThat(f.answered(held)).isFalse();
        f.serverReady("st2", "example.org", "id-2");
        ServerBody features = f.responseTo(held);
        assertThat(features.payloads()).extracting(XmlPayload::localName).containsExactly("features");
        assertThat(features.attribute(STREAM)).contains("st2");
        assertThat(features.attribute(FROM)).contains("example.org");
        assertThat(features.attribute(AUTHID)).contains("id-2");
        assertThat(features.attribute(XMPP_VERSION)).contains("1.0");
    }

    @Test
    void x4_5_addStreamRequestXmppVersionGoesIntoItsHeader() {
        f.create(Req.create(1000));
        f.serverReady();
        ExchangeId add = f.send(Req.rid(1001).to("example.org").xmppVersion("1.1"));
        assertThat(f.all(Effect.OpenUpstream.class).get(1).header().version()).contains("1.1");
        assertThat(f.responseTo(add).attribute(XMPP_VERSION)).contains("1.1");
    }

    /** Adding a stream follows the creation rules (B-7.1-5, S-6); a refusal names the stream and the session goes on. */
    @Test
    void b16_2_addStreamToAnUnservedDomainIsRefusedForThatStreamOnly() {
        f.create(Req.create(1000));
        f.serverReady();
        ExchangeId add = f.send(Req.rid(1001).to("other.test"));
        ServerBody answer = f.responseTo(add);
        assertThat(answer.condition()).contains(Condition.HOST_UNKNOWN);
        assertThat(answer.attribute(STREAM)).contains("st2");
        assertThat(f.all(Effect.OpenUpstream.class)).hasSize(1);
        assertThat(f.ended()).isEmpty();
        f.send(Req.rid(1002).payload(msg("a")));
        assertThat(f.sentUpstreamIds("st1")).containsExactly("a");
    }

    @Test
    void b16_2_addStreamBeyondMaxStreamsIsPolicyViolationForThatStreamOnly() {
        SessionFixture g = new SessionFixture(SessionFixture.rc().withStreams(true, 2));
        g.create(Req.create(1000));
        g.serverReady();
        assertThat(g.responseTo(g.send(Req.rid(1001).to("example.org"))).attribute(STREAM)).contains("st2");
        ServerBody third = g.responseTo(g.send(Req.rid(1002).to("example.org")));
        assertThat(third.condition()).contains(Condition.POLICY_VIOLATION);
        assertThat(third.attribute(STREAM)).contains("st3");
        assertThat(g.all(Effect.OpenUpstream.class)).hasSize(2);
        assertThat(g.ended()).isEmpty();

        SessionFixture legacy = new SessionFixture(SessionFixture.rc().withStreams(true, 1));
        legacy.create(Req.create(1000).noVer());
        ExchangeId x = legacy.send(Req.rid(1001).to("example.org"));
        assertThat(legacy.responsesTo(x).get(0).httpStatus()).as("B-17.1-1 is for session ends only").isEqualTo(200);
    }

    /** §14.3: a retransmitted add-stream request gets the same answer and opens nothing more. */
    @Test
    void b16_2_retransmittedAddStreamOpensNoThirdStream() {
        f.create(Req.create(1000));
        f.serverReady();
        ExchangeId add = f.send(Req.rid(1001).to("example.org"));
        ExchangeId again = f.send(Req.rid(1001).to("example.org"));
        assertThat(f.responseTo(again)).isEqualTo(f.responseTo(add));
        assertThat(f.all(Effect.OpenUpstream.class)).hasSize(2);
    }

    /** §16 #multi-discover: names are unique; a source that repeats itself is asked again. */
    @Test
    void b16_2_streamNamesAreNeverReused() {
        ArrayDeque<String> names = new ArrayDeque<>(List.of("a", "a", "b", "a", "b", "c"));
        BoshSession session = new BoshSession("S", SessionFixture.rc(), names::poll);
        session.onCreate(Req.create(1000).build(), new ExchangeId(1), 0);
        session.onRequest(Req.rid(1001).to("example.org").build(), new ExchangeId(2), 0);
        Step third = session.onRequest(Req.rid(1002).to("example.org").build(), new ExchangeId(3), 0);
        assertThat(third.all(Effect.OpenUpstream.class)).extracting(Effect.OpenUpstream::stream).containsExactly("c");
    }

    // ---------------------------------------------------------------- #multi-transmit

    /** §16 #multi-transmit: a client body with 'stream' goes to that stream only. */
    @Test
    void b16_2_payloadsGoToTheNamedStream() {
        twoStreams();
        f.send(Req.rid(1003).stream("st2").payload(msg("a")));
        assertThat(f.sentUpstreamIds("st2")).containsExactly("a");
        assertThat(f.sentUpstreamIds("st1")).isEmpty();
    }

    /** §16 #multi-transmit: "If no stream name is specified by the client then the connection manager MUST broadcast the payloads over all open streams." */
    @Test
    void b16_2_payloadsWithoutStreamAreBroadcastToEveryOpenStream() {
        twoStreams();
        f.send(Req.rid(1003).payload(msg("a")).payload(msg("b")));
        assertThat(f.sentUpstreamIds("st1")).containsExactly("a", "b");
        assertThat(f.sentUpstreamIds("st2")).containsExactly("a", "b");
    }

    /**
     * §16 #multi-transmit: "all non-empty &lt;body/&gt; elements sent by the connection manager MUST
     * include a 'stream' attribute" once more than one stream was opened, and "A &lt;body/&gt; element
     * MUST NOT contain different payloads for different streams".
     */
    @Test
    void b16_2_responsesNameTheirStreamAndNeverMixStreams() {
        twoStreams();
        f.serverReady("st2", "example.org", "id-2");                 // answers rid 1001
        f.serverSends("st1", serverMsg("a1"));
        f.serverSends("st2", serverMsg("b1"));
        f.serverSends("st1", serverMsg("a2"));
        ServerBody first = f.responseTo(f.send(Req.rid(1003)));
        ServerBody second = f.responseTo(f.send(Req.rid(1004)));
        assertThat(first.attribute(STREAM)).contains("st1");
        assertThat(first.payloads()).extracting(p -> p.attribute("id").orElseThrow()).containsExactly("a1", "a2");
        assertThat(second.attribute(STREAM)).contains("st2");
        assertThat(second.payloads()).extracting(p -> p.attribute("id").orElseThrow()).containsExactly("b1");
    }

    /** §16 #multi-transmit: "Empty &lt;body/&gt; elements ... SHOULD NOT include a 'stream' attribute". */
    @Test
    void b16_2_emptyResponsesCarryNoStream() {
        twoStreams();
        f.advance(Duration.ofSeconds(5));                             // rid 1001 answered empty at 'wait'
        ServerBody empty = f.responseTo(held);
        assertThat(empty.payloads()).isEmpty();
        assertThat(empty.attribute(STREAM)).isEmpty();
    }

    /** With one stream the wire is as without §16: only the creation response names the stream. */
    @Test
    void b16_2_aSingleStreamSessionNamesNothingButTheCreationResponse() {
        f.create(Req.create(1000));
        f.serverReady();
        ExchangeId x = f.send(Req.rid(1001));
        f.serverSends(serverMsg("m"));
        assertThat(f.responseTo(x).attribute(STREAM)).isEmpty();
        assertThat(f.all(Effect.SendUpstream.class)).isEmpty();
    }

    /** §16 #multi-transmit: an unknown stream name → "an 'item-not-found' terminal binding error". */
    @Test
    void b16_2_unknownStreamIsItemNotFound() {
        twoStreams();
        ExchangeId x = f.send(Req.rid(1003).stream("nope").payload(msg("a")));
        assertThat(f.responseTo(x).condition()).contains(Condition.ITEM_NOT_FOUND);
        assertThat(f.ended().orElseThrow().condition()).contains(Condition.ITEM_NOT_FOUND);
        assertThat(f.sentUpstreamIds()).isEmpty();
        assertThat(f.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::stream)
                .containsExactlyInAnyOrder("st1", "st2");
    }

    /** §16 #multi-transmit: an empty body's unknown 'stream' "SHOULD" be ignored. */
    @Test
    void b16_2_emptyRequestNamingAnUnknownStreamIsAnOrdinaryRequest() {
        twoStreams();
        ExchangeId x = f.send(Req.rid(1003).stream("nope"));
        assertThat(f.ended()).isEmpty();
        assertThat(f.answered(held)).as("more than hold=1 held: the older goes").isTrue();
        f.serverSends("st1", serverMsg("a"));
        assertThat(f.responseTo(x).attribute(STREAM)).contains("st1");
    }

    /** §16 #multi-transmit: payloads for a stream "only just closed" MAY be silently ignored. */
    @Test
    void b16_2_payloadsForAStreamJustClosedAreIgnored() {
        twoStreams();
        f.send(Req.rid(1003).stream("st2").terminate());
        f.send(Req.rid(1004).stream("st2").payload(msg("late")));
        assertThat(f.ended()).isEmpty();
        assertThat(f.sentUpstreamIds()).isEmpty();
    }

    // ---------------------------------------------------------------- #multi-close

    /** §16 #multi-close: the client closes one stream; payloads go to it first; the session goes on. */
    @Test
    void b16_2_closingOneStreamKeepsTheSession() {
        twoStreams();
        ExchangeId close = f.send(Req.rid(1003).stream("st2").terminate().payload(msg("bye")));
        assertThat(f.sentUpstreamIds("st2")).containsExactly("bye");
        List<Effect.CloseUpstream> closes = f.all(Effect.CloseUpstream.class);
        assertThat(closes).extracting(Effect.CloseUpstream::stream).containsExactly("st2");
        int sent = f.effects.indexOf(f.all(Effect.SendUpstream.class).get(0));
        assertThat(sent).as("B-13-1: payloads before the close").isLessThan(f.effects.indexOf(closes.get(0)));
        ServerBody answer = f.responseTo(close);
        assertThat(answer.type()).isEqualTo(BodyType.TERMINATE);
        assertThat(answer.condition()).isEmpty();
        assertThat(answer.attribute(STREAM)).contains("st2");
        assertThat(f.ended()).isEmpty();

        f.send(Req.rid(1004).payload(msg("still")));
        assertThat(f.sentUpstreamIds("st1")).containsExactly("still");
        assertThat(f.sentUpstreamIds("st2")).containsExactly("bye");
    }

    /** §16 #multi-close: "If the client closes the last stream the connection manager MUST terminate the session." */
    @Test
    void b16_2_closingTheLastStreamEndsTheSession() {
        twoStreams();
        f.send(Req.rid(1003).stream("st2").terminate());
        f.send(Req.rid(1004).stream("st1").terminate());
        assertThat(f.ended().orElseThrow().cause()).isEqualTo(EndCause.CLIENT_TERMINATE);
        assertThat(f.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::stream).containsExactly("st2", "st1");
        ServerBody end = f.responseTo(held);                          // B-13-2: the oldest open request
        assertThat(end.type()).isEqualTo(BodyType.TERMINATE);
        assertThat(end.attribute(STREAM)).as("the whole session ends: no stream named").isEmpty();
    }

    /** §16 #multi-close: no stream name → "close all open streams (sending any payloads the terminate request contains to all streams)". */
    @Test
    void b16_2_terminateWithoutStreamClosesEveryStream() {
        twoStreams();
        f.send(Req.rid(1003).terminate().payload(msg("bye")));
        assertThat(f.sentUpstreamIds("st1")).containsExactly("bye");
        assertThat(f.sentUpstreamIds("st2")).containsExactly("bye");
        assertThat(f.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::stream).containsExactly("st1", "st2");
        assertThat(f.ended().orElseThrow().cause()).isEqualTo(EndCause.CLIENT_TERMINATE);
    }

    // ---------------------------------------------------------------- #multi-error

    /**
     * §16 #multi-error: a fatal error with 'stream' closes only that stream, "but the session SHOULD
     * NOT be terminated"; X-6-1: undelivered stanzas, then the stream error, in the body.
     */
    @Test
    void b16_2_errorOnOneStreamNamesItAndTheSessionGoesOn() {
        twoStreams();
        f.serverReady("st2", "example.org", "id-2");                 // answers rid 1001
        f.serverSends("st2", serverMsg("b1"));
        f.upstream("st2", new StreamEvent.StreamError(streamError(), "conflict"));
        assertThat(f.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::stream).containsExactly("st2");
        ServerBody notice = f.responseTo(f.send(Req.rid(1003)));
        assertThat(notice.type()).isEqualTo(BodyType.TERMINATE);
        assertThat(notice.condition()).contains(Condition.REMOTE_STREAM_ERROR);
        assertThat(notice.attribute(STREAM)).contains("st2");
        assertThat(notice.payloads()).extracting(XmlPayload::localName).containsExactly("message", "error");
        assertThat(f.ended()).isEmpty();

        ExchangeId next = f.send(Req.rid(1004).payload(msg("on")));
        assertThat(f.sentUpstreamIds("st1")).containsExactly("on");
        f.serverSends("st1", serverMsg("a1"));
        assertThat(f.responseTo(next).attribute(STREAM)).contains("st1");
        f.upstream("st2", new StreamEvent.Lost("late"));              // a closed stream's events are ignored
        assertThat(f.ended()).isEmpty();
    }

    /** §16 #multi-error: without 'stream' "the session MUST be terminated": the last stream's error ends it. */
    @Test
    void b16_2_errorOnTheLastStreamEndsTheSession() {
        twoStreams();
        f.upstream("st2", new StreamEvent.Lost("reset"));
        f.send(Req.rid(1003));                                        // takes st2's notice
        ExchangeId x = f.send(Req.rid(1004));
        f.upstream("st1", new StreamEvent.Lost("reset"));
        assertThat(f.responseTo(x).condition()).contains(Condition.REMOTE_CONNECTION_FAILED);
        assertThat(f.responseTo(x).attribute(STREAM)).isEmpty();
        assertThat(f.ended().orElseThrow().condition()).contains(Condition.REMOTE_CONNECTION_FAILED);
    }

    // ---------------------------------------------------------------- per-stream state

    /** Each stream has its own SASL/restart state: restart names its stream (XEP-0206 §5 per stream). */
    @Test
    void b16_2_restartAndSaslStateArePerStream() {
        twoStreams();
        f.serverSends("st2", Req.element(Namespaces.SASL, "success"));
        f.send(Req.rid(1003).stream("st2").payload(msg("early")));    // X-5-7: waits for st2's restart
        f.send(Req.rid(1004).stream("st1").payload(msg("now")));
        assertThat(f.sentUpstreamIds("st1")).containsExactly("now");
        assertThat(f.sentUpstreamIds("st2")).isEmpty();
        f.send(Req.rid(1005).stream("st2").restart());
        List<Effect.RestartUpstream> restarts = f.all(Effect.RestartUpstream.class);
        assertThat(restarts).extracting(Effect.RestartUpstream::stream).containsExactly("st2");
        assertThat(restarts.get(0).header().to()).contains("example.org");
        assertThat(restarts.get(0).header().lang()).contains("de");
        assertThat(f.sentUpstreamIds("st2")).containsExactly("early");
    }

    /** A restart without 'stream' goes to the stream waiting for one, not to every stream. */
    @Test
    void b16_2_restartWithoutStreamGoesToTheStreamAwaitingIt() {
        twoStreams();
        f.serverSends("st2", Req.element(Namespaces.SASL, "success"));
        f.send(Req.rid(1003).restart());
        assertThat(f.all(Effect.RestartUpstream.class)).extracting(Effect.RestartUpstream::stream).containsExactly("st2");
    }

    @Test
    void b16_2_eachStreamHasItsOwnBoundJid() {
        twoStreams();
        f.upstream("st1", new StreamEvent.Element(serverMsg("b1"), Optional.of("u@example.com/a")));
        f.upstream("st2", new StreamEvent.Element(serverMsg("b2"), Optional.of("v@example.org/b")));
        assertThat(f.session.boundJid()).contains("u@example.com/a");
        assertThat(f.session.boundJid("st1")).contains("u@example.com/a");
        assertThat(f.session.boundJid("st2")).contains("v@example.org/b");
    }

    /** XEP-0206 §7 (X-7-1) per stream: at inactivity each stream's undelivered stanzas bounce through its own connection. */
    @Test
    void x7_1_undeliveredStanzasBounceThroughTheirOwnStream() {
        twoStreams();
        f.advance(Duration.ofSeconds(5));                             // rid 1001 answered empty; nothing held
        f.serverSends("st1", serverMsg("a1"));
        f.serverSends("st2", serverMsg("b1"));
        f.advance(Duration.ofSeconds(4));                             // inactivity 3 s
        assertThat(f.ended().orElseThrow().cause()).isEqualTo(EndCause.INACTIVITY);
        assertThat(f.bouncedIds("st1")).containsExactly("a1");
        assertThat(f.bouncedIds("st2")).containsExactly("b1");
        assertThat(f.all(Effect.CloseUpstream.class)).extracting(Effect.CloseUpstream::stream).containsExactly("st1", "st2");
    }

    // ---------------------------------------------------------------- B-16-1: switched off

    /**
     * B-16-1: without multi-streams the CM "MUST ignore the extra attributes and treat the request as
     * a normal empty request": no second upstream, and no 'stream' attribute anywhere.
     */
    @Test
    void b16_1_switchedOffNoStreamAttributeAnywhereAndLaterToIsIgnored() {
        SessionFixture g = new SessionFixture(SessionFixture.rc().withStreams(false, 1));
        ExchangeId creation = g.create(Req.create(1000));
        g.serverReady();
        assertThat(g.responseTo(creation).attribute(STREAM)).isEmpty();
        ExchangeId x = g.send(Req.rid(1001).to("example.org").lang("en"));
        assertThat(g.answered(x)).as("held like an ordinary empty request").isFalse();
        assertThat(g.all(Effect.OpenUpstream.class)).hasSize(1);
        g.send(Req.rid(1002).stream("whatever").payload(msg("a")));
        assertThat(g.sentUpstreamIds()).containsExactly("a");
        g.serverSends(serverMsg("m1"));
        g.send(Req.rid(1003).stream("whatever").terminate());
        assertThat(g.ended().orElseThrow().cause()).isEqualTo(EndCause.CLIENT_TERMINATE);
        assertThat(g.responses()).isNotEmpty().allSatisfy(r -> assertThat(r.body().attribute(STREAM)).isEmpty());
    }

    // ---------------------------------------------------------------- random interleavings

    /**
     * Three streams, server data arriving on them at random, requests at random: every server payload
     * reaches the browser exactly once, in order within its stream, named with its stream, and no
     * response mixes streams.
     */
    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void b16_2_everyPayloadArrivesOnceInItsStreamUnmixed(long seed) {
        Random random = new Random(seed);
        SessionFixture g = new SessionFixture(SessionFixture.rc(2));
        g.create(Req.create(1000).hold(2));
        g.serverReady();
        long rid = 1001;
        g.send(Req.rid(rid++).to("example.org"));
        g.send(Req.rid(rid++).to("example.com"));
        List<String> names = List.of("st1", "st2", "st3");
        Map<String, List<String>> sent = new HashMap<>();
        int next = 0;
        List<ExchangeId> pending = new ArrayList<>();
        for (int step = 0; step < 400; step++) {
            pending.removeIf(g::answered);
            if (pending.size() < 2 && random.nextInt(3) == 0) {
                pending.add(g.send(Req.rid(rid++)));               // the client keeps at most 'hold' waiting
            } else {
                String stream = names.get(random.nextInt(names.size()));
                String id = stream + "-" + next++;
                sent.computeIfAbsent(stream, k -> new ArrayList<>()).add(id);
                g.serverSends(stream, serverMsg(id));
            }
        }
        for (int i = 0; i < 1000 && count(received(g)) < next; i++) {
            g.send(Req.rid(rid++));
        }
        assertThat(received(g)).isEqualTo(sent);
        assertThat(g.ended()).isEmpty();
    }

    /** Server messages the browser got, by the stream each response names; fails on a response that mixes streams. */
    private static Map<String, List<String>> received(SessionFixture g) {
        Map<String, List<String>> got = new HashMap<>();
        for (Effect.Respond r : g.responses()) {
            List<XmlPayload> payloads = r.body().payloads();
            if (payloads.isEmpty() || !payloads.get(0).localName().equals("message")) {
                continue;
            }
            String stream = r.body().attribute(STREAM).orElseThrow();
            for (XmlPayload p : payloads) {
                String id = p.attribute("id").orElseThrow();
                assertThat(id).as("a response mixes streams").startsWith(stream + "-");
                got.computeIfAbsent(stream, k -> new ArrayList<>()).add(id);
            }
        }
        return got;
    }

    private static int count(Map<String, List<String>> byStream) {
        return byStream.values().stream().mapToInt(List::size).sum();
    }
}
