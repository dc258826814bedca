package boshcm.protocol.body;

/**
 * A BOSH protocol version like {@code 1.11}. XEP-0124 §7.1: major and minor are compared as
 * separate integers, so 1.10 is newer than 1.9 (checklist B-7.1-2).
 */
public record BoshVersion(int major, int minor) implements Comparable<BoshVersion> {

    public static final BoshVersion V1_11 = new BoshVersion(1, 11);

    public BoshVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("version " + major + "." + minor);
        }
    }

    /** Parses {@code major.minor}; throws IllegalArgumentException on anything else. */
    public static BoshVersion parse(String s) {
        int dot = s.indexOf('.');
        if (dot <= 0 || dot == s.length() - 1 || s.length() > 21) {
            throw new IllegalArgumentException("not a BOSH version: " + s);
        }
        return new BoshVersion(digits(s.substring(0, dot)), digits(s.substring(dot + 1)));
    }

    private static int digits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new IllegalArgumentException("not a BOSH version number: " + s);
            }
        }
        long v = Long.parseLong(s);
        return (int) Math.min(v, Integer.MAX_VALUE);
    }

    public BoshVersion min(BoshVersion other) {
        return compareTo(other) <= 0 ? this : other;
    }

    @Override
    public int compareTo(BoshVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
