package boshcm.server.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** RFC 2782 SRV RDATA decoding and target ordering, with hand-built records (no DNS). */
class SrvRecordTest {

    private static final String NAME = "_xmpp-client._tcp.example.com.";

    @Test
    void decodesPriorityWeightPortAndTarget() {
        DnsRawRecord raw = srv(5, 10, 5222, "xmpp.example.com");
        try {
            assertThat(SrvRecord.decode(raw)).contains(new SrvRecord(5, 10, 5222, "xmpp.example.com"));
        } finally {
            raw.release();
        }
    }

    @Test
    void decodesUnsignedSixteenBitValues() {
        DnsRawRecord raw = srv(65535, 65535, 65535, "a.example");
        try {
            assertThat(SrvRecord.decode(raw)).contains(new SrvRecord(65535, 65535, 65535, "a.example"));
        } finally {
            raw.release();
        }
    }

    /** A target name compressed with a pointer into the rest of the message (RFC 1035 §4.1.4). */
    @Test
    void decodesCompressedTargetAgainstTheWholeMessage() {
        ByteBuf message = Unpooled.buffer();
        message.writeZero(12); // header
        int exampleCom = message.writerIndex();
        writeName(message, "example.com");
        int rdataStart = message.writerIndex();
        message.writeShort(1).writeShort(0).writeShort(5223);
        message.writeByte(4).writeBytes("xmpp".getBytes(StandardCharsets.US_ASCII));
        message.writeShort(0xC000 | exampleCom);
        int rdataEnd = message.writerIndex();
        // Netty's decoder hands out the rdata as a duplicate of the message with indexes set.
        DnsRawRecord raw = new DefaultDnsRawRecord(NAME, DnsRecordType.SRV, 60,
                message.setIndex(rdataStart, rdataEnd));
        try {
            assertThat(SrvRecord.decode(raw)).contains(new SrvRecord(1, 0, 5223, "xmpp.example.com"));
            assertThat(raw.content().readerIndex()).as("content left untouched").isEqualTo(rdataStart);
        } finally {
            raw.release();
        }
    }

    /** RFC 2782: a target of "." means "decidedly not available". */
    @Test
    void rootTargetMeansNoService() {
        DnsRawRecord raw = srv(0, 0, 0, ".");
        try {
            SrvRecord record = SrvRecord.decode(raw).orElseThrow();
            assertThat(record.noService()).isTrue();
        } finally {
            raw.release();
        }
    }

    @Test
    void truncatedRdataIsIgnored() {
        DnsRawRecord raw = new DefaultDnsRawRecord(NAME, DnsRecordType.SRV, 60, Unpooled.buffer().writeShort(1).writeShort(2));
        try {
            assertThat(SrvRecord.decode(raw)).isEmpty();
        } finally {
            raw.release();
        }
    }

    @Test
    void otherRecordTypesAreIgnored() {
        DnsRawRecord raw = new DefaultDnsRawRecord(NAME, DnsRecordType.A, 60, Unpooled.buffer().writeInt(0x7f000001));
        try {
            assertThat(SrvRecord.decode(raw)).isEmpty();
        } finally {
            raw.release();
        }
    }

    /** RFC 2782: "A client MUST attempt to contact the target host with the lowest-numbered priority it can reach". */
    @Test
    void lowerPriorityComesFirstWhateverTheWeights() {
        List<SrvRecord> records = List.of(
                new SrvRecord(20, 100, 5222, "c"), new SrvRecord(10, 0, 5222, "b"), new SrvRecord(5, 1, 5222, "a"),
                new SrvRecord(10, 50, 5222, "b2"));
        for (int seed = 0; seed < 50; seed++) {
            List<SrvRecord> ordered = SrvRecord.order(records, new Random(seed));
            assertThat(ordered).extracting(SrvRecord::priority).containsExactly(5, 10, 10, 20);
        }
    }

    /** RFC 2782 weights: over many orderings, a weight-3 target comes first about three times as often as a weight-1 one. */
    @Test
    void weightsSetTheProbabilityOfComingFirst() {
        List<SrvRecord> records = List.of(new SrvRecord(0, 1, 5222, "light"), new SrvRecord(0, 3, 5222, "heavy"));
        Map<String, Integer> first = new HashMap<>();
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            first.merge(SrvRecord.order(records, random).get(0).target(), 1, Integer::sum);
        }
        // running sums are 1 and 4 over picks 0..4: "light" wins picks 0 and 1 (2/5), "heavy" 2..4 (3/5)
        assertThat(first.get("heavy") / 20_000.0).isBetween(0.57, 0.63);
        assertThat(first.get("light") / 20_000.0).isBetween(0.37, 0.43);
    }

    /** RFC 2782: weight-0 records go first in the running sum, so a pick of 0 selects them. */
    @Test
    void zeroWeightRecordsAreRarelyFirstButAlwaysIncluded() {
        List<SrvRecord> records = List.of(new SrvRecord(0, 10, 5222, "weighted"), new SrvRecord(0, 0, 5222, "zero"));
        assertThat(SrvRecord.order(records, fixed(0))).extracting(SrvRecord::target).containsExactly("zero", "weighted");
        assertThat(SrvRecord.order(records, fixed(1))).extracting(SrvRecord::target).containsExactly("weighted", "zero");
        assertThat(SrvRecord.order(records, fixed(10))).extracting(SrvRecord::target).containsExactly("weighted", "zero");
    }

    @Test
    void allZeroWeightsKeepEveryRecord() {
        List<SrvRecord> records = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            records.add(new SrvRecord(0, 0, 5222, "h" + i));
        }
        assertThat(SrvRecord.order(records, new Random(7))).containsExactlyInAnyOrderElementsOf(records);
    }

    /** A generator whose every bounded draw is {@code min(value, bound - 1)}. */
    private static RandomGenerator fixed(long value) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return value;
            }

            @Override
            public long nextLong(long bound) {
                return Math.min(value, bound - 1);
            }
        };
    }

    private static DnsRawRecord srv(int priority, int weight, int port, String target) {
        ByteBuf rdata = Unpooled.buffer().writeShort(priority).writeShort(weight).writeShort(port);
        writeName(rdata, target);
        return new DefaultDnsRawRecord(NAME, DnsRecordType.SRV, 60, rdata);
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
