package boshcm.server.http;

/** How a listener's bind address is written in a URI that reaches it (for logs and tests). */
final class ListenAddress {

    private ListenAddress() {
    }

    /**
     * The host part of a URI for a listener bound to {@code bindAddress}: a wildcard address becomes
     * loopback ({@code 0.0.0.0} → {@code 127.0.0.1}, {@code ::} → {@code [::1]}), and an IPv6 literal
     * gets its brackets (RFC 3986 §3.2.2).
     */
    static String uriHost(String bindAddress) {
        if (bindAddress.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        if (bindAddress.equals("::") || bindAddress.equals("[::]")) {
            return "[::1]";
        }
        if (bindAddress.indexOf(':') >= 0 && !bindAddress.startsWith("[")) {
            return "[" + bindAddress + "]";
        }
        return bindAddress;
    }
}
