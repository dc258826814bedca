package boshcm.server.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny authoritative DNS server on 127.0.0.1 (UDP, ephemeral port) built from Netty's DNS codec:
 * it answers SRV and A questions from tables the test fills in, NXDOMAIN for other SRV and A names,
 * and an empty answer for anything else. It counts questions per name so tests can see caching.
 */
final class FakeDnsServer implements AutoCloseable {

    /** One SRV answer line: {@code priority weight port target}. */
    record Srv(int priority, int weight, int port, String target) {}

    private final Map<String, List<Srv>> srv = new ConcurrentHashMap<>();
    private final Map<String, InetAddress> a = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> questions = new ConcurrentHashMap<>();
    private final Channel channel;

    FakeDnsServer(EventLoopGroup group) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Responder());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    void srv(String name, Srv... records) {
        srv.put(fqdn(name), List.of(records));
    }

    void a(String name, InetAddress address) {
        a.put(fqdn(name), address);
    }

    int questionsFor(String name) {
        AtomicInteger n = questions.get(fqdn(name));
        return n == null ? 0 : n.get();
    }

    @Override
    public void close() throws InterruptedException {
        channel.close().sync();
    }

    private static String fqdn(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + ".";
    }

    private final class Responder extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DnsQuestion question = query.recordAt(DnsSection.QUESTION);
            String name = fqdn(question.name());
            questions.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setAuthoritativeAnswer(true);
            response.addRecord(DnsSection.QUESTION, question);
            if (question.type() == DnsRecordType.SRV) {
                List<Srv> records = srv.get(name);
                if (records == null) {
                    response.setCode(DnsResponseCode.NXDOMAIN);
                } else {
                    for (Srv r : records) {
                        ByteBuf rdata = Unpooled.buffer().writeShort(r.priority()).writeShort(r.weight()).writeShort(r.port());
                        writeName(rdata, r.target());
                        response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(name, DnsRecordType.SRV, 300, rdata));
                    }
                }
            } else if (question.type() == DnsRecordType.A) {
                InetAddress address = a.get(name);
                if (address == null) {
                    response.setCode(DnsResponseCode.NXDOMAIN);
                } else {
                    response.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(name, DnsRecordType.A, 300,
                            Unpooled.wrappedBuffer(address.getAddress())));
                }
            }
            ctx.writeAndFlush(response);
        }
    }

    private static void writeName(ByteBuf out, String name) {
        if (!name.equals(".")) {
            for (String label : name.split("\\.")) {
                byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
                out.writeByte(bytes.length).writeBytes(bytes);
            }
        }
        out.writeByte(0);
    }
}
