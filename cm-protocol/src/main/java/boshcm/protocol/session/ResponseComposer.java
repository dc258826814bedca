package boshcm.protocol.session;

import boshcm.protocol.body.BodyAttribute;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.ServerBody;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.rid.ResponseBuffer;
import boshcm.protocol.xmpp.StreamHeader;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the bodies a session answers with, like
 * {@code <body ack='1573741821' stream='s2' xmlns='http://jabber.org/protocol/httpbind'>…</body>}: the
 * payloads of the stream whose turn it is (XEP-0124 §16 #multi-transmit), {@code ack} and
 * {@code report}/{@code time} (§9), the session creation attributes (§7.2), the stream attributes of
 * XEP-0206 §4 on stream features, and the stream's name. Also reads the client's {@code ack} (§9.2).
 * Not thread-safe; owned by its {@link BoshSession}.
 */
final class ResponseComposer {

    private static final long REPORT_AFTER_NANOS = Duration.ofSeconds(1).toNanos();

    private final String sid;
    private final SessionPolicy policy;
    private final SessionParams params;
    private final long creationRid;
    private final RequestAdmission admission;
    private final ResponseBuffer responses;
    private final SessionStreams streams;

    ResponseComposer(String sid, SessionPolicy policy, SessionParams params, long creationRid,
                     RequestAdmission admission, ResponseBuffer responses, SessionStreams streams) {
        this.sid = sid;
        this.policy = policy;
        this.params = params;
        this.creationRid = creationRid;
        this.admission = admission;
        this.responses = responses;
        this.streams = streams;
    }

    /**
     * XEP-0124 §9.2: prunes the response cache by the client's {@code ack} and returns the response to
     * {@code report} when the client missed one sent a while ago (B-9.2-1).
     */
    Optional<HeldRequests.Report> acknowledged(ClientBody body, long now) {
        if (body.ack().isPresent()) {
            long ack = body.ack().getAsLong();
            long missing = ack + 1;
            responses.acknowledge(ack);
            if (policy.sendAcks() && missing < body.rid() && missing <= responses.lastRid()) {
                Optional<ResponseBuffer.Sent> sent = responses.get(missing);
                if (sent.isPresent() && now - sent.get().sentAtNanos() >= REPORT_AFTER_NANOS) {
                    return Optional.of(new HeldRequests.Report(missing,
                            Math.min(65535, (now - sent.get().sentAtNanos()) / 1_000_000)));
                }
            }
        } else if (params.clientAcks()) {
            responses.acknowledge(body.rid() - 1);                    // B-7.1-8: no ack means "all received"
        }
        return Optional.empty();
    }

    /**
     * One held request's answer: the next batch of the stream whose turn it is, or the notice that it
     * ended; never payloads of two streams (XEP-0124 §16 #multi-transmit). A pause is answered empty.
     */
    ServerBody answer(HeldRequests.Held h) {
        SessionStream source = h.pause ? null : streams.nextTurn();
        ServerBody body = ServerBody.empty();
        if (source != null && !source.outbound.isEmpty()) {
            List<XmlPayload> batch = source.outbound.takeBatch(policy.maxBodyPayloads(), policy.maxResponseBytes());
            if (source.managed != null) {
                source.managed.inbound.carried(h.rid, batch);           // SM-17: H_in once this rid is acknowledged
            }
            body = body.withPayloads(batch);
        } else if (source != null) {
            body = source.endNotice;
            source.endNotice = null;
        }
        if (source != null) {
            streams.requeue(source);
        }
        body = withAck(body, h.rid);
        if (h.rid == creationRid) {
            body = withCreationAttributes(body);
        }
        List<XmlPayload> payloads = body.payloads();
        if (!payloads.isEmpty() && payloads.get(0).is(Namespaces.STREAMS, "features")) {
            body = withStreamAttributes(body, source);                // X-4-1, X-4-3
        }
        if (!payloads.isEmpty()) {
            body = withStreamName(body, source);
        }
        if (h.report.isPresent()) {
            body = body.with(BodyAttribute.REPORT, Long.toString(h.report.get().rid()))
                    .with(BodyAttribute.TIME, Long.toString(h.report.get().millis()));
        }
        return body;
    }

    /**
     * XEP-0124 §16 #multi-transmit: once a second stream was opened, every non-empty response names the
     * stream its payloads belong to. Before that there is one stream and nothing to name: a client takes
     * payloads without a name as the first stream's.
     */
    ServerBody withStreamName(ServerBody body, SessionStream source) {
        return streams.severalOpened() ? body.with(BodyAttribute.STREAM, source.name) : body;
    }

    /** §9.1: {@code ack} on every response, except where it would equal the rid answered (B-7.2-10). */
    ServerBody withAck(ServerBody body, long rid) {
        long ack = admission.lastInOrder();
        if (!policy.sendAcks() || (ack == rid && rid != creationRid)) {
            return body;
        }
        return body.with(BodyAttribute.ACK, Long.toString(ack));
    }

    /** XEP-0124 §7.2 #session-create, XEP-0206 §4 (B-7.2-2 … B-7.2-11, X-4-2). */
    private ServerBody withCreationAttributes(ServerBody body) {
        Map<BodyAttribute, String> a = new EnumMap<>(BodyAttribute.class);
        a.put(BodyAttribute.SID, sid);
        a.put(BodyAttribute.WAIT, Long.toString(params.waitPeriod().toSeconds()));
        a.put(BodyAttribute.REQUESTS, Integer.toString(params.requests()));
        a.put(BodyAttribute.HOLD, Integer.toString(params.hold()));
        a.put(BodyAttribute.INACTIVITY, Long.toString(params.inactivity().toSeconds()));
        a.put(BodyAttribute.POLLING, Long.toString(params.pollingInterval().toSeconds()));
        if (policy.pauseSupported()) {
            a.put(BodyAttribute.MAXPAUSE, Long.toString(policy.maxPause().toSeconds()));
        }
        params.ver().ifPresent(v -> a.put(BodyAttribute.VER, v.toString()));
        if (!policy.accept().isEmpty()) {
            a.put(BodyAttribute.ACCEPT, policy.accept());
        }
        a.put(BodyAttribute.XMPP_RESTARTLOGIC, "true");
        if (policy.multiStreams()) {
            a.put(BodyAttribute.STREAM, streams.first().name);        // §16 #multi-discover (B-16-2)
        }
        ServerBody result = body;
        for (Map.Entry<BodyAttribute, String> e : a.entrySet()) {
            result = result.with(e.getKey(), e.getValue());
        }
        return result;
    }

    /** XEP-0206 §4: {@code xmpp:version}, and {@code authid} and {@code from} from the server's stream header. */
    private ServerBody withStreamAttributes(ServerBody body, SessionStream s) {
        ServerBody result = body.with(BodyAttribute.XMPP_VERSION,
                s.serverHeader.flatMap(StreamHeader::version).orElse(s.xmppVersion));
        if (s.serverHeader.isPresent()) {
            StreamHeader h = s.serverHeader.get();
            if (h.id().isPresent()) {
                result = result.with(BodyAttribute.AUTHID, h.id().get());
            }
            if (h.from().isPresent()) {
                result = result.with(BodyAttribute.FROM, h.from().get());
            }
        }
        return result;
    }
}
