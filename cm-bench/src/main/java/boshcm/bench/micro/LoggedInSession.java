package boshcm.bench.micro;

import boshcm.protocol.body.BodyLimits;
import boshcm.protocol.body.BodyParser;
import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ParseOutcome;
import boshcm.protocol.session.BoshSession;
import boshcm.protocol.session.Effect;
import boshcm.protocol.session.ExchangeId;
import boshcm.protocol.session.SessionPolicy;
import boshcm.protocol.session.Step;
import boshcm.protocol.xmpp.StreamTokenizer;
import boshcm.protocol.xmpp.TokenizerOptions;
import java.nio.ByteBuffer;

/**
 * A {@link BoshSession} with the production defaults ({@link SessionPolicy#defaults()}), driven
 * without I/O through a login the way a strophe.js client and Prosody do it: session creation with
 * {@code hold='1'}, SASL PLAIN, the XEP-0206 restart, resource binding. The server's side is bytes fed
 * through a {@link StreamTokenizer}, as on a real upstream connection. Afterwards no request is held
 * and the session waits for the next one: the steady state the benchmarks measure from.
 *
 * <p>Time is a fake {@code System.nanoTime()} that moves forward by {@link #STEP_NANOS} per event,
 * far too little for any {@code wait} or {@code inactivity} deadline to matter; nothing calls
 * {@code onTimer}.
 */
final class LoggedInSession {

    static final long STEP_NANOS = 1_000;

    final BodyParser parser = new BodyParser(BodyLimits.defaults());
    final StreamTokenizer tokenizer = new StreamTokenizer(TokenizerOptions.defaults());
    final BoshSession session;
    final String stream;
    /** The last rid sent; the next request uses {@code rid + 1}. */
    long rid = Traffic.FIRST_RID;
    long now = 1_000_000_000_000L;
    private int streamNames;

    LoggedInSession() {
        session = new BoshSession(Traffic.SID, SessionPolicy.defaults(), () -> "st" + ++streamNames);
        Step created = session.onCreate(parse("<body content='text/xml; charset=utf-8' hold='1' rid='" + rid
                + "' to='example.com' ver='1.6' wait='60' xml:lang='en' xmpp:version='1.0'"
                + " xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh'/>"), exchange(), tick());
        stream = expect(created, Effect.OpenUpstream.class).stream();
        expect(server(Traffic.SERVER_HEADER + "<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                + "<mechanism>PLAIN</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms></stream:features>"),
                Effect.Respond.class);

        expect(client("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                + "AHJvbWVvAHIwbTMwbXlyMG0zMA==</auth>"), Effect.SendUpstream.class);
        expect(server("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"), Effect.Respond.class);

        expect(session.onRequest(parse("<body rid='" + ++rid + "' sid='" + Traffic.SID + "' to='example.com'"
                + " xml:lang='en' xmpp:restart='true' xmlns='http://jabber.org/protocol/httpbind'"
                + " xmlns:xmpp='urn:xmpp:xbosh'/>"), exchange(), tick()), Effect.RestartUpstream.class);
        tokenizer.reset(); // what the driver does on RestartUpstream; the tokenizer already restarted after <success/>
        expect(server(Traffic.SERVER_HEADER + "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                + "<session xmlns='urn:ietf:params:xml:ns:xmpp-session'><optional/></session>"
                + "<sm xmlns='urn:xmpp:sm:3'/></stream:features>"), Effect.Respond.class);

        expect(client("<iq type='set' id='_bind_auth_2' xmlns='jabber:client'><bind"
                + " xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>orchard</resource></bind></iq>"),
                Effect.SendUpstream.class);
        expect(server("<iq type='result' id='_bind_auth_2'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>"
                + "<jid>romeo@example.net/orchard</jid></bind></iq>"), Effect.Respond.class);
        if (session.boundJid().isEmpty() || session.ended()) {
            throw new IllegalStateException("login failed: " + session);
        }
    }

    /** The next fake {@code System.nanoTime()}. */
    long tick() {
        return now += STEP_NANOS;
    }

    ExchangeId exchange() {
        return new ExchangeId(rid);
    }

    private Step client(String payloads) {
        ++rid;
        return session.onRequest(parse("<body rid='" + rid + "' sid='" + Traffic.SID
                + "' xmlns='http://jabber.org/protocol/httpbind'>" + payloads + "</body>"), exchange(), tick());
    }

    private Step server(String xml) {
        return session.onUpstream(stream, tokenizer.feed(ByteBuffer.wrap(Traffic.utf8(xml))), tick());
    }

    private ClientBody parse(String xml) {
        ParseOutcome outcome = parser.parse(Traffic.utf8(xml));
        if (outcome instanceof ParseOutcome.Parsed parsed) {
            return parsed.body();
        }
        throw new IllegalStateException(outcome + " for " + xml);
    }

    /** The one effect of {@code type} in {@code step}; fails when there is none, or the session ended. */
    static <T extends Effect> T expect(Step step, Class<T> type) {
        if (step.all(type).size() != 1 || !step.all(Effect.Ended.class).isEmpty()) {
            throw new IllegalStateException("expected one " + type.getSimpleName() + " in " + step);
        }
        return step.all(type).get(0);
    }
}
