package boshcm.bench.load.soak;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MalformedTest {

    private static Malformed.Answer parse(String response) {
        byte[] b = response.getBytes(StandardCharsets.ISO_8859_1);
        return Malformed.parse(b, b.length);
    }

    @Test
    void aTerminateBodyIsReadFromTheAnswer() {
        Malformed.Answer a = parse("HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: 99\r\n\r\n"
                + "<body type='terminate' condition='bad-request' xmlns='http://jabber.org/protocol/httpbind'/>");
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.type()).isEqualTo("terminate");
        assertThat(a.condition()).isEqualTo("bad-request");
        assertThat(a.matches(Malformed.Kind.GARBAGE)).isTrue();
        assertThat(a.matches(Malformed.Kind.ENTITIES)).isTrue();
        assertThat(a.matches(Malformed.Kind.UNKNOWN_SID)).isFalse();
        assertThat(a.matches(Malformed.Kind.OVERSIZED)).isFalse();
        assertThat(a.describe()).isEqualTo("HTTP 200 terminate bad-request");
    }

    @Test
    void doubleQuotesAndOtherAttributeOrdersWork() {
        Malformed.Answer a = parse("HTTP/1.1 200 OK\r\n\r\n<body xmlns=\"http://jabber.org/protocol/httpbind\" "
                + "condition=\"item-not-found\" type=\"terminate\"></body>");
        assertThat(a.matches(Malformed.Kind.UNKNOWN_SID)).isTrue();
    }

    @Test
    void a413IsWhatAnOversizedRequestShouldGet() {
        Malformed.Answer a = parse("HTTP/1.1 413 Payload Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(a.status()).isEqualTo(413);
        assertThat(a.matches(Malformed.Kind.OVERSIZED)).isTrue();
        assertThat(a.matches(Malformed.Kind.GARBAGE)).isFalse();
    }

    @Test
    void noAnswerAndFailuresNeverMatch() {
        Malformed.Answer none = Malformed.parse(new byte[0], 0);
        assertThat(none.status()).isZero();
        assertThat(none.describe()).contains("no answer");
        assertThat(none.matches(Malformed.Kind.OVERSIZED)).isFalse();
        Malformed.Answer failed = new Malformed.Answer(0, null, null, "java.net.SocketException: Connection reset");
        assertThat(failed.matches(Malformed.Kind.GARBAGE)).isFalse();
        assertThat(parse("SSH-2.0-OpenSSH\r\n").describe()).startsWith("not HTTP");
        assertThat(parse("HTTP/1.1 400 Bad Request\r\n\r\n").matches(Malformed.Kind.GARBAGE)).isFalse();
    }

    @Test
    void theRequestsAreWhatTheirKindSays() {
        Random random = new Random(7);
        for (Malformed.Kind kind : Malformed.Kind.values()) {
            String req = new String(Malformed.request(kind, "127.0.0.1:5280", "/http-bind", "bench.test", random),
                    StandardCharsets.ISO_8859_1);
            assertThat(req).startsWith("POST /http-bind HTTP/1.1\r\nHost: 127.0.0.1:5280\r\n").contains("Connection: close\r\n");
            int headersEnd = req.indexOf("\r\n\r\n") + 4;
            String body = req.substring(headersEnd);
            String length = req.replaceAll("(?s).*Content-Length: (\\d+)\r\n.*", "$1");
            switch (kind) {
                case OVERSIZED -> {
                    assertThat(body).isEmpty();
                    assertThat(Long.parseLong(length)).isEqualTo(Malformed.OVERSIZED_LENGTH).isGreaterThan(256 * 1024);
                }
                case GARBAGE -> {
                    assertThat(body).isNotEmpty().doesNotStartWith("<");
                    assertThat(Integer.parseInt(length)).isEqualTo(body.length());
                }
                case ENTITIES -> assertThat(body).contains("<!DOCTYPE").contains("&lol3;");
                case DEEP -> assertThat(body).contains("<a>".repeat(1000));
                case UNKNOWN_SID -> assertThat(body).contains("sid='soak-").endsWith("/>");
            }
            if (kind != Malformed.Kind.OVERSIZED) {
                assertThat(Integer.parseInt(length)).isEqualTo(body.getBytes(StandardCharsets.ISO_8859_1).length);
            }
        }
    }

    @Test
    void theTallyCountsPerKindAndKeepsAFewSamples() {
        Malformed.Tally t = new Malformed.Tally();
        Malformed.Answer badRequest = new Malformed.Answer(200, "terminate", "bad-request", null);
        t.record(Malformed.Kind.GARBAGE, badRequest);
        t.record(Malformed.Kind.GARBAGE, badRequest);
        t.record(Malformed.Kind.UNKNOWN_SID, badRequest);
        for (int i = 0; i < 20; i++) {
            t.record(Malformed.Kind.OVERSIZED, new Malformed.Answer(0, null, null, "reset " + i));
        }
        assertThat(t.sent()).isEqualTo(23);
        assertThat(t.sent(Malformed.Kind.GARBAGE)).isEqualTo(2);
        assertThat(t.asDocumented(Malformed.Kind.GARBAGE)).isEqualTo(2);
        assertThat(t.asDocumented(Malformed.Kind.UNKNOWN_SID)).isZero();
        assertThat(t.sent(Malformed.Kind.DEEP)).isZero();
        assertThat(t.unexpected()).isEqualTo(21);
        assertThat(t.samples()).hasSize(10).first().asString()
                .isEqualTo("unknown sid: HTTP 200 terminate bad-request (expected terminate item-not-found)");
    }
}
