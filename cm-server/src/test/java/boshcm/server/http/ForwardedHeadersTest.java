package boshcm.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Checklist B-19.1-1: {@code X-Forwarded-Proto} and {@code X-Forwarded-For} are believed only from
 * configured proxies; {@link Exchange#secure()} and {@link Exchange#clientAddress()} show the result.
 */
class ForwardedHeadersTest {

    private static Exchange exchangeFor(TestCm cm, String... headers) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", cm.server.port())) {
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(TestCm.post("<body rid='1'/>", headers).getBytes(StandardCharsets.UTF_8));
            RawResponse.read(socket.getInputStream());
            return cm.endpoint.next().exchange();
        }
    }

    @Test
    void B1911_forwardedHeadersFromAnUntrustedPeerAreIgnored() throws Exception {
        try (TestCm cm = new TestCm()) {
            Exchange e = exchangeFor(cm, "X-Forwarded-Proto: https", "X-Forwarded-For: 203.0.113.9");
            assertThat(e.secure()).isFalse();
            assertThat(e.clientAddress()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void B1911_forwardedHeadersFromATrustedProxyAreBelieved() throws Exception {
        try (TestCm cm = new TestCm("--http-trusted-proxies", "127.0.0.1, 10.0.0.0/8")) {
            Exchange e = exchangeFor(cm, "X-Forwarded-Proto: https", "X-Forwarded-For: 198.51.100.1, 203.0.113.9, 10.1.2.3");
            assertThat(e.secure()).isTrue();
            // Rightmost address that is not one of our proxies: 198.51.100.1 could be forged by the client.
            assertThat(e.clientAddress()).isEqualTo("203.0.113.9");
        }
    }

    @Test
    void B1911_trustedProxyWithoutHeadersIsTheClient() throws Exception {
        try (TestCm cm = new TestCm("--http-trusted-proxies", "127.0.0.0/8")) {
            Exchange e = exchangeFor(cm);
            assertThat(e.secure()).isFalse();
            assertThat(e.clientAddress()).isEqualTo("127.0.0.1");
        }
    }

    @Test
    void B1911_forwardedProtoHttpFromATrustedProxyIsNotSecure() throws Exception {
        try (TestCm cm = new TestCm("--http-trusted-proxies", "127.0.0.1")) {
            Exchange e = exchangeFor(cm, "X-Forwarded-Proto: http", "X-Forwarded-For: [2001:db8::7]:4711");
            assertThat(e.secure()).isFalse();
            assertThat(e.clientAddress()).isEqualTo("2001:db8:0:0:0:0:0:7");
        }
    }
}
