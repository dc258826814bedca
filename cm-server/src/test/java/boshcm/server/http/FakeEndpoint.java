package boshcm.server.http;

import boshcm.protocol.body.ClientBody;
import boshcm.protocol.body.ParseOutcome;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A BoshEndpoint that records what it is given. By default it answers at once with
 * {@code <body rid-echo xmlns=…/>}; with {@link #hold()} it keeps exchanges for the test to answer.
 */
final class FakeEndpoint implements BoshEndpoint {

    record Call(ClientBody body, ParseOutcome.Rejected rejected, Exchange exchange) {}

    final BlockingQueue<Call> calls = new LinkedBlockingQueue<>();
    private volatile boolean hold;

    FakeEndpoint hold() {
        hold = true;
        return this;
    }

    static byte[] answerFor(long rid) {
        return ("<body xmlns='http://jabber.org/protocol/httpbind' ack='" + rid + "'/>").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void request(ClientBody body, Exchange exchange) {
        calls.add(new Call(body, null, exchange));
        if (!hold) {
            exchange.respond(200, "text/xml; charset=utf-8", answerFor(body.rid()));
        }
    }

    @Override
    public void rejected(ParseOutcome.Rejected rejected, Exchange exchange) {
        calls.add(new Call(null, rejected, exchange));
        exchange.respond(200, TerminateBody.CONTENT_TYPE, TerminateBody.of(rejected.condition()));
    }

    Call next() throws InterruptedException {
        Call c = calls.poll(5, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("endpoint was not called within 5 s");
        }
        return c;
    }
}
