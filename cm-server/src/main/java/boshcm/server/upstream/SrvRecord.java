package boshcm.server.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.dns.DefaultDnsRecordDecoder;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * One DNS SRV record (RFC 2782), like {@code _xmpp-client._tcp.example.com. 86400 IN SRV 5 10 5222 xmpp.example.com.}.
 * Netty has no SRV record class, so {@link #decode} reads the RDATA of a {@link DnsRawRecord}:
 * priority, weight and port as unsigned 16-bit integers, then the target name (which may use
 * compression pointers into the rest of the message; Netty's raw record content keeps the whole
 * message around for that).
 *
 * @param target host name without the trailing dot; {@code "."} means "no such service here"
 */
record SrvRecord(int priority, int weight, int port, String target) {

    /** RFC 2782: a target of "." means the service is decidedly not available at this domain. */
    boolean noService() {
        return target.equals(".");
    }

    /** The record's content if it is an SRV record with well-formed RDATA; the record itself is not released. */
    static Optional<SrvRecord> decode(DnsRecord record) {
        if (record.type() != DnsRecordType.SRV || !(record instanceof DnsRawRecord)) {
            return Optional.empty();
        }
        ByteBuf rdata = ((DnsRawRecord) record).content().duplicate();
        if (rdata.readableBytes() < 7) {
            return Optional.empty();
        }
        int priority = rdata.readUnsignedShort();
        int weight = rdata.readUnsignedShort();
        int port = rdata.readUnsignedShort();
        String name;
        try {
            name = DefaultDnsRecordDecoder.decodeName(rdata);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        if (name.equals(".")) {
            return Optional.of(new SrvRecord(priority, weight, port, "."));
        }
        String target = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (target.isEmpty() || port == 0) {
            return Optional.empty();
        }
        return Optional.of(new SrvRecord(priority, weight, port, target));
    }

    /**
     * RFC 2782 "Usage rules": lowest priority first; within one priority, a weighted random order in
     * which every pick takes record {@code i} with probability {@code weight_i / sum(weights)}, with
     * weight-0 records placed first in the running sum so that they are picked only rarely when
     * others have weight.
     */
    static List<SrvRecord> order(List<SrvRecord> records, RandomGenerator random) {
        TreeMap<Integer, List<SrvRecord>> byPriority = new TreeMap<>();
        for (SrvRecord r : records) {
            byPriority.computeIfAbsent(r.priority, p -> new ArrayList<>()).add(r);
        }
        List<SrvRecord> ordered = new ArrayList<>(records.size());
        for (List<SrvRecord> group : byPriority.values()) {
            List<SrvRecord> unordered = new ArrayList<>(group);
            // "all those with weight 0 are placed at the beginning of the list" (stable sort)
            unordered.sort(Comparator.comparingInt(r -> r.weight == 0 ? 0 : 1));
            while (!unordered.isEmpty()) {
                long sum = 0;
                for (SrvRecord r : unordered) {
                    sum += r.weight;
                }
                // "a uniform random number between 0 and the sum computed (inclusive)"
                long pick = random.nextLong(sum + 1);
                long running = 0;
                int chosen = unordered.size() - 1;
                for (int i = 0; i < unordered.size(); i++) {
                    running += unordered.get(i).weight;
                    if (running >= pick) {
                        chosen = i;
                        break;
                    }
                }
                ordered.add(unordered.remove(chosen));
            }
        }
        return ordered;
    }
}
