package boshcm.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An address block like {@code 10.0.0.0/8}, {@code 192.168.1.7} or {@code fd00::/8}, used for the
 * trusted-proxy list (checklist B-19.1-1). Parsing never touches DNS: only IP literals are accepted.
 */
public record IpBlock(InetAddress network, int prefixLength) {

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    public IpBlock {
        int max = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix /" + prefixLength + " for " + network.getHostAddress());
        }
    }

    /** Parses {@code address} or {@code address/prefix}. */
    public static IpBlock parse(String s) {
        String text = s.trim();
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        InetAddress address = parseLiteral(addr)
                .orElseThrow(() -> new IllegalArgumentException("not an IP address or CIDR block: \"" + s + "\""));
        int bits = address.getAddress().length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in \"" + s + "\"");
            }
        }
        return new IpBlock(address, bits);
    }

    /** An IPv4 or IPv6 literal (IPv6 optionally in brackets), or empty for anything else; no DNS. */
    public static Optional<InetAddress> parseLiteral(String s) {
        String text = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
        if (!IPV4.matcher(text).matches() && !IPV6.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text));   // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest);
        return (a[full] & mask) == (n[full] & mask);
    }

    /** Whether the textual address {@code ip} (as Jetty reports a peer) is inside this block. */
    public boolean contains(String ip) {
        return parseLiteral(ip).map(this::contains).orElse(false);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
