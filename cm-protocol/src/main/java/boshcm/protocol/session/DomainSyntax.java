package boshcm.protocol.session;

/**
 * Whether a {@code to} can be an XMPP domainpart (RFC 7622 §3.2): a DNS name (IDNA U-labels
 * allowed), an IPv4 address, or an IPv6 address in brackets; at most 1023 bytes. Not a full IDNA
 * check: it keeps out what must never reach a DNS lookup, a stream header or a log line, such as
 * whitespace and control characters, {@code @ / " ' < > &}, empty labels and over-long names.
 */
final class DomainSyntax {

    /** RFC 7622 §3.2: a domainpart is at most 1023 octets. */
    static final int MAX_BYTES = 1023;

    private DomainSyntax() {
    }

    static boolean isDomainpart(String s) {
        if (s.isEmpty() || s.length() > MAX_BYTES
                || s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_BYTES) {
            return false;
        }
        if (s.startsWith("[")) {
            return s.endsWith("]") && s.length() > 2
                    && s.substring(1, s.length() - 1).chars().allMatch(c -> c == ':' || c == '.' || Character.digit(c, 16) >= 0);
        }
        String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;   // a trailing dot is stripped (§3.2)
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = c < 128 ? (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                        : Character.isLetterOrDigit(c) || Character.getType(c) == Character.NON_SPACING_MARK
                                || Character.getType(c) == Character.COMBINING_SPACING_MARK;
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
