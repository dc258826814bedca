package boshcm.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The HTTP listener: where BOSH is served and how requests are bounded.
 *
 * @param bindAddress      interface to listen on, like {@code 127.0.0.1} or {@code 0.0.0.0}
 * @param port             TCP port; 0 picks a free one (tests)
 * @param boshPath         path of the BOSH endpoint, like {@code /http-bind} (a trailing slash is also accepted)
 * @param h2c              also speak cleartext HTTP/2 (prior knowledge or {@code Upgrade: h2c}) on the same port
 * @param maxBodyBytes     request body limit, after content decoding (checklist S-1)
 * @param idleTimeout      connection idle timeout; always longer than the longest {@code wait} (H-4)
 * @param exchangeBackstop a held request still unanswered after this long is dropped and reported gone;
 *                         the session's own timers should always answer first
 * @param trustedProxies   peers whose {@code X-Forwarded-For}/{@code X-Forwarded-Proto} are believed (B-19.1-1)
 * @param maxThreads       Jetty thread pool size (held requests park no thread)
 * @param acceptQueue      the listen backlog: connections the kernel completes and queues until
 *                         they are accepted; a full queue drops SYNs, which clients retry after 1 s
 * @param stopTimeout      how long a graceful stop waits for in-flight requests
 * @param tls              HTTPS on this listener instead of plain HTTP (B-19.1-1); empty for plain HTTP
 * @param maxHeaderBytes   request line and headers together; more gets HTTP 431 (checklist S-7)
 * @param requestTimeout   how long a request may take to arrive, from its first byte to the end of its body
 *                         (slowloris, checklist S-7); a held request is not arriving any more
 * @param keepAliveTimeout how long a connection may stay open with no request in it (no byte of one
 *                         arrived, none held)
 */
public record HttpConfig(String bindAddress, int port, String boshPath, boolean h2c, int maxBodyBytes,
                         Duration idleTimeout, Duration exchangeBackstop, List<IpBlock> trustedProxies,
                         int maxThreads, int acceptQueue, Duration stopTimeout, Optional<HttpTls> tls, int maxHeaderBytes,
                         Duration requestTimeout, Duration keepAliveTimeout) {

    public HttpConfig {
        trustedProxies = List.copyOf(trustedProxies);
    }

    /** Whether the socket peer {@code ip} is a configured proxy. */
    public boolean isTrustedProxy(String ip) {
        for (IpBlock block : trustedProxies) {
            if (block.contains(ip)) {
                return true;
            }
        }
        return false;
    }
}
