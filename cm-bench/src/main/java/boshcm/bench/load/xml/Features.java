package boshcm.bench.load.xml;

import java.util.List;

/**
 * What a {@code <stream:features/>} offers that a login needs (RFC 6120 §4.3.2): SASL mechanisms,
 * resource binding, and the legacy session establishment of RFC 3921 §3 when it is not optional.
 */
public record Features(List<String> mechanisms, boolean bind, boolean sessionRequired) {

    public Features {
        mechanisms = List.copyOf(mechanisms);
    }
}
