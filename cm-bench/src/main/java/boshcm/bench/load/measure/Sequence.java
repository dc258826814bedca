package boshcm.bench.load.measure;

/**
 * The receiving side of one sender → receiver stream of numbered messages: tells an in-order
 * arrival from a gap (some earlier number missing so far) and from a late one (a number below the
 * next expected: reordered or duplicated). Loss itself is counted at the end, as sent minus
 * received after a drain. Not thread-safe.
 */
public final class Sequence {

    /** How an arrival relates to the ones before it. */
    public enum Arrival {
        IN_ORDER, AFTER_GAP, LATE
    }

    private long expected;

    /** Starts expecting {@code first} (the sender's next number). */
    public void expect(long first) {
        expected = first;
    }

    public Arrival arrived(long seq) {
        if (seq == expected) {
            expected++;
            return Arrival.IN_ORDER;
        }
        if (seq > expected) {
            expected = seq + 1;
            return Arrival.AFTER_GAP;
        }
        return Arrival.LATE;
    }

    public long expected() {
        return expected;
    }
}
