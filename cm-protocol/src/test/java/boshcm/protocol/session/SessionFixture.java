package boshcm.protocol.session;

import static org.assertj.core.api.Assertions.assertThat;

import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.xmpp.FeatureSet;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamHeader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Drives one {@link BoshSession} the way the server's driver does, with a manual clock: records every
 * effect, answers WakeAt by calling onTimer when time is advanced past it. Tests never sleep.
 */
final class SessionFixture {

    final BoshSession session;
    long now = 1_000_000_000_000L;
    private long nextExchange;
    private long wakeAt = Long.MAX_VALUE;
    final List<Effect> effects = new ArrayList<>();
    private int seen;

    private int nextStream;

    /** Stream names are {@code st1}, {@code st2}, ... in the order the session asks for them. */
    SessionFixture(SessionPolicy policy) {
        session = new BoshSession("S", policy, () -> "st" + ++nextStream);
    }

    SessionFixture() {
        this(rc());
    }

    /** The checklist's reference configuration (RC): wait cap 60, hold cap 1, inactivity 3, polling 2, maxpause 10. */
    static SessionPolicy rc() {
        return rc(1);
    }

    static SessionPolicy rc(int maxHold) {
        SessionPolicy d = SessionPolicy.defaults();
        return new SessionPolicy(d.maxVersion(), Duration.ofSeconds(60), maxHold, Duration.ofSeconds(3),
                Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofSeconds(10), true, false,
                java.util.Set.of("example.com", "example.org"), java.util.Set.of(), d.contentTypes(), "gzip", true, 32, 5,
                Duration.ofSeconds(10), 1 << 20, 200, 64 * 1024, true, 8);
    }

    ExchangeId create(Req req) {
        ExchangeId x = new ExchangeId(++nextExchange);
        apply(session.onCreate(req.build(), x, now));
        return x;
    }

    ExchangeId send(Req req) {
        return send(req.build());
    }

    ExchangeId send(ClientBody body) {
        ExchangeId x = new ExchangeId(++nextExchange);
        apply(session.onRequest(body, x, now));
        return x;
    }

    ExchangeId resend(ClientBody body, ExchangeId x) {
        apply(session.onRequest(body, x, now));
        return x;
    }

    /** An event on the session's first stream. */
    void upstream(StreamEvent event) {
        upstream(all(Effect.OpenUpstream.class).get(0).stream(), event);
    }

    void upstream(String stream, StreamEvent event) {
        apply(session.onUpstream(stream, event, now));
    }

    void serverSends(String stream, XmlPayload... payloads) {
        for (XmlPayload p : payloads) {
            upstream(stream, new StreamEvent.Element(p));
        }
    }

    /** Events the server sent in one read, handed to the session together. */
    void upstreamTogether(StreamEvent... events) {
        apply(session.onUpstream(all(Effect.OpenUpstream.class).get(0).stream(), List.of(events), now));
    }

    void serverSends(XmlPayload... payloads) {
        for (XmlPayload p : payloads) {
            upstream(new StreamEvent.Element(p));
        }
    }

    /** The server opens the first stream and offers PLAIN. */
    void serverReady() {
        serverReady(all(Effect.OpenUpstream.class).get(0).stream(), "example.com", "stream-1");
    }

    /** The server {@code domain} opens {@code stream} with this stream id and offers PLAIN. */
    void serverReady(String stream, String domain, String id) {
        upstream(stream, new StreamEvent.Opened(new StreamHeader(Optional.empty(), Optional.of(domain),
                Optional.of(id), Optional.of("en"), Optional.of("1.0"))));
        upstream(stream, new StreamEvent.Features(Req.features(), new FeatureSet(false, false, List.of("PLAIN"), false, false, false)));
    }

    /** The connection manager is stopping (B-17.2-5). */
    void shutdown() {
        apply(session.onShutdown(now));
    }

    /** The connection manager is stopping, and every open request gets {@code farewell} (B-17.2-3). */
    void shutdown(boshcm.protocol.body.ServerBody farewell) {
        apply(session.onShutdown(farewell, now));
    }

    /** The RC policy with other pause settings: {@code maxPause} zero switches pause off (B-10-8). */
    static SessionPolicy rcWithPause(Duration maxPause, boolean rejectLongPause) {
        SessionPolicy rc = rc();
        return new SessionPolicy(rc.maxVersion(), rc.maxWait(), rc.maxHold(), rc.inactivity(), rc.pollingInactivity(),
                rc.polling(), maxPause, rejectLongPause, rc.strictOveractivity(), rc.servedDomains(), rc.routeAllowList(),
                rc.contentTypes(), rc.accept(), rc.sendAcks(), rc.responseCacheSize(), rc.maxRepeats(), rc.repeatWindow(),
                rc.maxBufferedBytes(), rc.maxBodyPayloads(), rc.maxResponseBytes(), rc.multiStreams(), rc.maxStreams());
    }

    void gone(ExchangeId x) {
        apply(session.onExchangeGone(x, now));
    }

    void advance(Duration d) {
        long target = now + d.toNanos();
        while (wakeAt <= target) {
            now = Math.max(now, wakeAt);
            wakeAt = Long.MAX_VALUE;
            apply(session.onTimer(now));
        }
        now = target;
    }

    void apply(Step step) {
        for (Effect e : step.effects()) {
            if (e instanceof Effect.WakeAt w) {
                wakeAt = w.nanos();
            } else {
                effects.add(e);
            }
        }
    }

    /** Effects recorded since the last call of {@code fresh()}. */
    List<Effect> fresh() {
        List<Effect> f = new ArrayList<>(effects.subList(seen, effects.size()));
        seen = effects.size();
        return f;
    }

    List<Effect.Respond> responses() {
        return effects.stream().filter(Effect.Respond.class::isInstance).map(Effect.Respond.class::cast).toList();
    }

    List<Effect.Respond> responsesTo(ExchangeId x) {
        return responses().stream().filter(r -> r.exchange().equals(x)).toList();
    }

    ServerBody responseTo(ExchangeId x) {
        List<Effect.Respond> r = responsesTo(x);
        assertThat(r).as("responses to %s", x).hasSize(1);
        return r.get(0).body();
    }

    boolean answered(ExchangeId x) {
        return !responsesTo(x).isEmpty();
    }

    List<XmlPayload> sentUpstream() {
        return effects.stream().filter(Effect.SendUpstream.class::isInstance)
                .flatMap(e -> ((Effect.SendUpstream) e).payloads().stream()).toList();
    }

    List<String> sentUpstreamIds() {
        return sentUpstream().stream().map(p -> p.attribute("id").orElse(p.localName())).toList();
    }

    /** The ids (or names) of what was written on the upstream connection of {@code stream}, in order. */
    List<String> sentUpstreamIds(String stream) {
        return all(Effect.SendUpstream.class).stream().filter(e -> e.stream().equals(stream))
                .flatMap(e -> e.payloads().stream()).map(p -> p.attribute("id").orElse(p.localName())).toList();
    }

    /** Ids of the stanzas bounced on a stream (a bounce keeps the original's id). */
    List<String> bouncedIds(String stream) {
        return all(Effect.Bounce.class).stream().filter(e -> e.stream().equals(stream))
                .flatMap(e -> e.bounces().stream()).map(p -> p.attribute("id").orElse(p.localName())).toList();
    }

    Optional<Effect.Ended> ended() {
        return effects.stream().filter(Effect.Ended.class::isInstance).map(Effect.Ended.class::cast).findFirst();
    }

    /** What the session asked to count, in order ({@link Effect.Counted}). */
    List<Tally> tallies() {
        return all(Effect.Counted.class).stream().map(Effect.Counted::what).toList();
    }

    <T extends Effect> List<T> all(Class<T> type) {
        return effects.stream().filter(type::isInstance).map(type::cast).toList();
    }
}
