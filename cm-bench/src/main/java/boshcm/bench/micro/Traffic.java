package boshcm.bench.micro;

import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.xmpp.StreamEvent;
import boshcm.protocol.xmpp.StreamTokenizer;
import boshcm.protocol.xmpp.TokenizerOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The XML the benchmarks feed the protocol core: what a browser chat client (strophe.js, converse.js)
 * and an XMPP server typically exchange once a session is logged in. Messages carry a short body and
 * a chat state, like most one-to-one chat traffic.
 */
final class Traffic {

    static final String SID = "SomeSID";
    /** Rids are ten digits wide for as long as a benchmark runs, so they can be patched in place. */
    static final long FIRST_RID = 1_000_000_000L;

    /** The server's stream header, as Prosody and ejabberd send it. */
    static final String SERVER_HEADER = "<?xml version='1.0'?><stream:stream xmlns='jabber:client'"
            + " xmlns:stream='http://etherx.jabber.org/streams' from='example.com' id='s-3f2a' version='1.0'"
            + " xml:lang='en'>";

    private Traffic() {
    }

    /** A chat message as a browser client puts it inside {@code <body/>}: with {@code xmlns='jabber:client'}. */
    static String clientMessage(int i) {
        return "<message xmlns='jabber:client' to='juliet@example.com' type='chat' id='m" + i + "'>"
                + "<body>Art thou not Romeo, and a Montague?</body>"
                + "<active xmlns='http://jabber.org/protocol/chatstates'/></message>";
    }

    /** A chat message as the server writes it on the c2s stream: the stream's default namespace applies. */
    static String serverMessage(int i) {
        return "<message from='juliet@example.com/balcony' to='romeo@example.net/orchard' type='chat' id='s" + i + "'>"
                + "<body>Neither, fair saint, if either thee dislike.</body>"
                + "<active xmlns='http://jabber.org/protocol/chatstates'/></message>";
    }

    /** A request body like {@code <body rid='1000000001' sid='SomeSID' xmlns='…'>messages</body>}. */
    static byte[] request(long rid, int messages) {
        StringBuilder b = new StringBuilder("<body rid='").append(rid).append("' sid='").append(SID)
                .append("' xmlns='http://jabber.org/protocol/httpbind'");
        if (messages == 0) {
            b.append("/>");
        } else {
            b.append('>');
            for (int i = 0; i < messages; i++) {
                b.append(clientMessage(i));
            }
            b.append("</body>");
        }
        return utf8(b.toString());
    }

    /**
     * {@code messages} server messages in client form, made the way the server side makes them: by
     * feeding a stream through a {@link StreamTokenizer}.
     */
    static List<XmlPayload> serverPayloads(int messages) {
        StringBuilder b = new StringBuilder(SERVER_HEADER);
        for (int i = 0; i < messages; i++) {
            b.append(serverMessage(i));
        }
        List<XmlPayload> payloads = new ArrayList<>();
        for (StreamEvent e : new StreamTokenizer(TokenizerOptions.defaults()).feed(ByteBuffer.wrap(utf8(b.toString())))) {
            if (e instanceof StreamEvent.Element element) {
                payloads.add(element.payload());
            }
        }
        if (payloads.size() != messages) {
            throw new IllegalStateException("tokenizer gave " + payloads.size() + " of " + messages + " messages");
        }
        return payloads;
    }

    /** Writes {@code rid} as ten ASCII digits at {@code at}: the request template needs no new bytes. */
    static void patchRid(byte[] bytes, int at, long rid) {
        if (rid < FIRST_RID || rid >= 10 * FIRST_RID) {
            throw new IllegalStateException("rid " + rid + " is not ten digits");
        }
        for (int i = at + 9; i >= at; i--) {
            bytes[i] = (byte) ('0' + rid % 10);
            rid /= 10;
        }
    }

    /** Where the value of the first {@code rid='…'} starts. */
    static int ridOffset(byte[] bytes) {
        String s = new String(bytes, StandardCharsets.US_ASCII);
        int at = s.indexOf("rid='");
        if (at < 0) {
            throw new IllegalArgumentException("no rid in " + s);
        }
        return at + 5;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
