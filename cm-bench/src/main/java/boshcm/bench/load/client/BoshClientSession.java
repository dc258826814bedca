package boshcm.bench.load.client;

import boshcm.bench.load.xml.BoshResponseReader;
import boshcm.bench.load.xml.ChatFormat;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A BOSH client session that behaves like strophe.js (XEP-0124, XEP-0206): {@code hold='1'}, one
 * request always held by the server, and a new request sent as soon as there is something to send
 * while fewer than {@code requests} are outstanding; what cannot go yet waits for the next
 * response and then leaves in one request. Requests carry consecutive rids; responses are handled
 * in the order they arrive.
 *
 * <p>Messages waiting to be sent are kept as (seq, time stamp) pairs in a ring, and written straight
 * into the request buffer, so a message costs no allocation besides the pooled buffer and Netty's
 * request object.
 */
public final class BoshClientSession extends ClientSession implements BoshResponseReader.Events {

    private static final AsciiString CONTENT_TYPE = AsciiString.cached("text/xml; charset=utf-8");
    private static final int WAIT_SECONDS = 60;

    final BoshEndpoint endpoint;
    private final AsciiString hostHeader;
    private final BoshConnection[] connections = new BoshConnection[2];
    private final ArrayDeque<byte[]> control = new ArrayDeque<>(2);
    private long[] ring = new long[8];
    private int ringHead;
    private int ringSize;
    private long rid;
    private String sid;
    /** {@code ' sid='…' xmlns='http://jabber.org/protocol/httpbind'}, written into every request after the rid. */
    private byte[] sidPart;
    private int maxRequests = 2;
    private int outstanding;
    private boolean restartPending;
    private boolean terminateSent;

    public BoshClientSession(LoopContext ctx, int index, Credentials credentials, BoshEndpoint endpoint) {
        super(ctx, index, credentials);
        this.endpoint = endpoint;
        this.hostHeader = AsciiString.cached(endpoint.hostHeader());
    }

    // --- Sending ----------------------------------------------------------------------------------

    @Override
    protected void connect() {
        // XEP-0124 §14.1: a random initial rid, far enough below 2^53 for a long session.
        rid = ThreadLocalRandom.current().nextLong(1L << 20, 1L << 40);
        String creation = "<body content='text/xml; charset=utf-8' hold='1' rid='" + rid + "' to='"
                + ChatFormat.escape(credentials.domain()) + "' ver='1.6' wait='" + WAIT_SECONDS
                + "' xml:lang='en' xmpp:version='1.0' xmlns='http://jabber.org/protocol/httpbind'"
                + " xmlns:xmpp='urn:xmpp:xbosh'/>";
        post(ByteBufUtil.writeUtf8(ctx.alloc, creation));
    }

    @Override
    public void send(byte[] element) {
        control.add(element);
        pump();
    }

    @Override
    public void restartStream() {
        restartPending = true; // XEP-0206 §5: an empty request that carries only the restart
        pump();
    }

    @Override
    public void sendChat(long seq, long stampNanos) {
        if (state != State.READY) {
            return;
        }
        if (ringSize * 2 == ring.length) {
            long[] bigger = new long[ring.length * 2];
            for (int i = 0; i < ringSize * 2; i++) {
                bigger[i] = ring[(ringHead + i) % ring.length];
            }
            ring = bigger;
            ringHead = 0;
        }
        int tail = (ringHead + ringSize * 2) % ring.length;
        ring[tail] = seq;
        ring[tail + 1] = stampNanos;
        ringSize++;
        pump();
    }

    /**
     * Sends requests while the session may: one whenever nothing is outstanding (the held request
     * of a long-poll client), more while something waits and fewer than {@code requests} are out.
     */
    private void pump() {
        if (sid == null || terminateSent || state == State.FAILED || state == State.CLOSED) {
            return;
        }
        while (outstanding < maxRequests && (outstanding == 0 || restartPending || !control.isEmpty() || ringSize > 0)) {
            sendNext();
        }
    }

    private void sendNext() {
        ByteBuf buf = ctx.alloc.buffer(256 + (peerPrefix == null ? 0 : ringSize * ChatFormat.maxLength(peerPrefix)));
        rid++;
        buf.writeBytes(BODY_RID);
        ChatFormat.writeDecimal(buf, rid);
        buf.writeBytes(sidPart);
        if (restartPending) {
            restartPending = false;
            buf.writeCharSequence(" to='" + ChatFormat.escape(credentials.domain())
                    + "' xml:lang='en' xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh'/>", StandardCharsets.UTF_8);
        } else if (control.isEmpty() && ringSize == 0) {
            buf.writeBytes(EMPTY_END);
        } else {
            buf.writeByte('>');
            byte[] element;
            while ((element = control.poll()) != null) {
                buf.writeBytes(element);
            }
            while (ringSize > 0) {
                long seq = ring[ringHead];
                long stamp = ring[ringHead + 1];
                ringHead = (ringHead + 2) % ring.length;
                ringSize--;
                ChatFormat.write(buf, peerPrefix, seq, stamp);
            }
            buf.writeBytes(BODY_END);
        }
        post(buf);
    }

    private static final byte[] BODY_RID = "<body rid='".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EMPTY_END = "/>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY_END = "</body>".getBytes(StandardCharsets.US_ASCII);

    /** POSTs {@code body} on an idle connection, opening one if needed. */
    private void post(ByteBuf body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, endpoint.path(), body);
        HttpHeaders h = request.headers();
        h.set(HttpHeaderNames.HOST, hostHeader);
        h.set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
        h.setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        outstanding++;
        idleConnection().send(request);
    }

    private BoshConnection idleConnection() {
        for (int i = 0; i < connections.length; i++) {
            BoshConnection c = connections[i];
            if (c == null || c.closed()) {
                c = new BoshConnection(this);
                connections[i] = c;
                return c;
            }
            if (c.idle()) {
                return c;
            }
        }
        throw new IllegalStateException("no idle connection with " + outstanding + " requests outstanding");
    }

    // --- Receiving --------------------------------------------------------------------------------

    void onResponse(BoshConnection connection, FullHttpResponse response) {
        outstanding--;
        if (response.status().code() != 200) {
            fail("HTTP " + response.status());
            return;
        }
        ByteBuf content = response.content();
        byte[] bytes = ctx.bytesOf(content);
        boolean creation = sid == null;
        if (!ctx.boshReader.read(bytes, 0, content.readableBytes(), creation, this)) {
            fail("unreadable response: " + content.toString(StandardCharsets.UTF_8));
            return;
        }
        if (creation && sid == null) {
            fail("creation response without sid");
            return;
        }
        if (state == State.CLOSING && outstanding == 0) {
            closeConnections();
            return;
        }
        pump();
    }

    @Override
    public void onCreated(String sid, int requests) {
        this.sid = sid;
        this.maxRequests = Math.max(1, Math.min(requests, connections.length));
        this.sidPart = ("' sid='" + ChatFormat.escape(sid) + "' xmlns='http://jabber.org/protocol/httpbind'")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void onTerminate(String condition) {
        if (state == State.CLOSING) {
            closeConnections();
        } else {
            fail("terminated: " + condition);
        }
    }

    void onConnectionFailed(BoshConnection connection, String reason) {
        outstanding--;
        if (state == State.CLOSING || state == State.CLOSED) {
            if (isClosed()) {
                state = State.CLOSED;
            }
            return;
        }
        fail(reason);
    }

    void onConnectionClosed(BoshConnection connection) {
        if ((state == State.CLOSING || state == State.FAILED) && isClosed()) {
            state = State.CLOSED;
        }
    }

    // --- Ending -----------------------------------------------------------------------------------

    @Override
    public void close() {
        if (state != State.READY && state != State.LOGGING_IN) {
            abort();
            return;
        }
        state = State.CLOSING;
        if (sid == null) {
            closeConnections();
            return;
        }
        // XEP-0124 §13: type='terminate'; the server answers the held request and this one.
        terminateSent = true;
        ByteBuf buf = ctx.alloc.buffer(160);
        rid++;
        buf.writeBytes(BODY_RID);
        ChatFormat.writeDecimal(buf, rid);
        buf.writeBytes(sidPart);
        buf.writeCharSequence(" type='terminate'/>", StandardCharsets.US_ASCII);
        if (outstanding >= maxRequests) {
            buf.release(); // no free slot: drop the connections instead
            closeConnections();
            return;
        }
        post(buf);
    }

    @Override
    protected void abort() {
        closeConnections();
    }

    private void closeConnections() {
        for (BoshConnection c : connections) {
            if (c != null) {
                c.close();
            }
        }
        if (state == State.CLOSING) {
            state = State.CLOSED;
        }
    }

    @Override
    public boolean isClosed() {
        for (BoshConnection c : connections) {
            if (c != null && !c.closed()) {
                return false;
            }
        }
        return true;
    }
}
