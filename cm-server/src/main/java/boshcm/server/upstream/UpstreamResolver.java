package boshcm.server.upstream;

import boshcm.protocol.session.UpstreamTarget;
import boshcm.server.upstream.UpstreamSettings.HostPort;
import boshcm.server.upstream.UpstreamSettings.TlsMode;
import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds where the c2s stream for a domain goes (RFC 6120 §3.2, checklist U-1), in this order: the
 * configured fixed upstream; the client's allow-listed {@code route}; SRV {@code _xmpp-client._tcp}
 * records in RFC 2782 order; A/AAAA of the domain itself on 5222. In {@link TlsMode#DIRECT} mode
 * {@code _xmpps-client._tcp} records (XEP-0368) come first and are connected with direct TLS.
 *
 * <p>Lookups go through one Netty {@link DnsNameResolver} per event loop (created on first use on
 * that loop, its own caches off) and are cached here with Caffeine for the configured TTL. SRV
 * answers are cached unordered; each connection attempt gets its own weighted random order.
 * Futures returned here may complete on any thread.
 */
final class UpstreamResolver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamResolver.class);
    static final int DEFAULT_PORT = 5222;

    /** Where to try to connect, and whether that service speaks TLS from the first byte. */
    record Candidate(String host, int port, boolean directTls) {
        @Override
        public String toString() {
            return new HostPort(host, port) + (directTls ? " (direct TLS)" : "");
        }
    }

    /** Where no connection must be attempted: the domain publishes "." as its only target (RFC 2782). */
    static final class NoServiceException extends Exception {
        NoServiceException(String message) {
            super(message, null, false, false);
        }
    }

    private final UpstreamSettings settings;
    private final Map<EventLoop, DnsNameResolver> resolvers = new ConcurrentHashMap<>();
    private final Optional<AsyncCache<String, List<SrvRecord>>> srvCache;
    private final Optional<AsyncCache<String, List<InetAddress>>> addressCache;

    UpstreamResolver(UpstreamSettings settings) {
        this.settings = settings;
        if (settings.dnsCacheTtl().isZero()) {
            this.srvCache = Optional.empty();
            this.addressCache = Optional.empty();
        } else {
            this.srvCache = Optional.of(Caffeine.newBuilder().expireAfterWrite(settings.dnsCacheTtl())
                    .maximumSize(10_000).buildAsync());
            this.addressCache = Optional.of(Caffeine.newBuilder().expireAfterWrite(settings.dnsCacheTtl())
                    .maximumSize(10_000).buildAsync());
        }
    }

    /** The places to try for {@code target}, best first; fails with {@link NoServiceException} or a DNS error. */
    CompletableFuture<List<Candidate>> candidates(EventLoop loop, UpstreamTarget target) {
        boolean direct = settings.tlsMode() == TlsMode.DIRECT;
        if (settings.fixedUpstream().isPresent()) {
            HostPort fixed = settings.fixedUpstream().get();
            return CompletableFuture.completedFuture(List.of(new Candidate(fixed.host(), fixed.port(), direct)));
        }
        if (target.routeHost().isPresent()) {
            return CompletableFuture.completedFuture(
                    List.of(new Candidate(target.routeHost().get(), target.routePort(), direct)));
        }
        String domain = target.domain();
        CompletableFuture<List<SrvRecord>> plain = srv(loop, "_xmpp-client._tcp." + domain);
        CompletableFuture<List<SrvRecord>> tls = direct
                ? srv(loop, "_xmpps-client._tcp." + domain)
                : CompletableFuture.completedFuture(List.of());
        return tls.thenCombine(plain, (tlsRecords, plainRecords) -> {
            try {
                return fromSrv(domain, tlsRecords, plainRecords);
            } catch (NoServiceException e) {
                throw new CompletionException(e);
            }
        });
    }

    /**
     * XEP-0368 §4 order: usable direct-TLS targets, then STARTTLS targets; A/AAAA fallback (RFC 6120
     * §3.2.1 step 5) only when neither lookup returned any record at all.
     */
    static List<Candidate> fromSrv(String domain, List<SrvRecord> tlsRecords, List<SrvRecord> plainRecords)
            throws NoServiceException {
        if (tlsRecords.isEmpty() && plainRecords.isEmpty()) {
            return List.of(new Candidate(domain, DEFAULT_PORT, false));
        }
        List<Candidate> out = new ArrayList<>();
        for (SrvRecord r : SrvRecord.order(tlsRecords, ThreadLocalRandom.current())) {
            if (!r.noService()) {
                out.add(new Candidate(r.target(), r.port(), true));
            }
        }
        for (SrvRecord r : SrvRecord.order(plainRecords, ThreadLocalRandom.current())) {
            if (!r.noService()) {
                out.add(new Candidate(r.target(), r.port(), false));
            }
        }
        if (out.isEmpty()) {
            throw new NoServiceException("domain " + domain + " publishes no XMPP client service (SRV target '.')");
        }
        return out;
    }

    /** The addresses of {@code host}, an IP literal or a name resolved over A and AAAA. */
    CompletableFuture<List<InetAddress>> addresses(EventLoop loop, String host) {
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
        if (literal != null) {
            return CompletableFuture.completedFuture(List.of(literal));
        }
        String key = host.toLowerCase(Locale.ROOT);
        return cached(addressCache, key, k -> toCompletable(resolver(loop).resolveAll(k)).thenApply(List::copyOf));
    }

    private CompletableFuture<List<SrvRecord>> srv(EventLoop loop, String name) {
        String key = name.toLowerCase(Locale.ROOT);
        return cached(srvCache, key, k -> lookupSrv(loop, k)).exceptionally(e -> List.of());
    }

    private CompletableFuture<List<SrvRecord>> lookupSrv(EventLoop loop, String name) {
        CompletableFuture<List<SrvRecord>> result = new CompletableFuture<>();
        resolver(loop).resolveAll(new DefaultDnsQuestion(name, DnsRecordType.SRV)).addListener(f -> {
            if (f.isSuccess()) {
                @SuppressWarnings("unchecked")
                List<DnsRecord> records = (List<DnsRecord>) f.getNow();
                List<SrvRecord> srv = new ArrayList<>(records.size());
                try {
                    for (DnsRecord r : records) {
                        SrvRecord.decode(r).ifPresent(srv::add);
                    }
                } finally {
                    records.forEach(ReferenceCountUtil::release);
                }
                LOG.debug("SRV {} -> {}", name, srv);
                result.complete(List.copyOf(srv));
            } else if (f.cause() instanceof UnknownHostException) {
                // NXDOMAIN or no SRV answer: a negative result, cached like a positive one.
                LOG.debug("SRV {}: none ({})", name, f.cause().getMessage());
                result.complete(List.of());
            } else {
                // A timeout or server failure: failed futures leave the cache, and srv() falls back
                // to A/AAAA for this attempt only.
                LOG.info("SRV lookup {} failed: {}", name, f.cause().toString());
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    private static <V> CompletableFuture<V> cached(Optional<AsyncCache<String, V>> cache, String key,
                                                   Function<String, CompletableFuture<V>> lookup) {
        if (cache.isEmpty()) {
            return lookup.apply(key);
        }
        return cache.get().get(key, (k, executor) -> lookup.apply(k));
    }

    private static <V> CompletableFuture<V> toCompletable(Future<V> future) {
        CompletableFuture<V> result = new CompletableFuture<>();
        future.addListener(f -> {
            if (f.isSuccess()) {
                result.complete(future.getNow());
            } else {
                result.completeExceptionally(f.cause());
            }
        });
        return result;
    }

    private DnsNameResolver resolver(EventLoop loop) {
        return resolvers.computeIfAbsent(loop, this::newResolver);
    }

    private DnsNameResolver newResolver(EventLoop loop) {
        DnsNameResolverBuilder builder = new DnsNameResolverBuilder(loop)
                .datagramChannelType(UpstreamTransport.datagramChannelType(loop))
                .socketChannelType(UpstreamTransport.socketChannelType(loop))
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                // XMPP domains and SRV targets are fully qualified: never try resolv.conf search suffixes.
                .searchDomains(List.of())
                .queryTimeoutMillis(Math.min(5_000, settings.connectTimeout().toMillis()));
        if (!settings.dnsServers().isEmpty()) {
            builder.nameServerProvider(new SequentialDnsServerAddressStreamProvider(settings.dnsServers()));
        } else {
            builder.nameServerProvider(DnsServerAddressStreamProviders.platformDefault());
        }
        return builder.build();
    }

    @Override
    public void close() {
        resolvers.values().forEach(DnsNameResolver::close);
        resolvers.clear();
    }
}
