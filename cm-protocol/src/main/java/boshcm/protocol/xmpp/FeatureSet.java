package boshcm.protocol.xmpp;

import java.util.List;

/**
 * What an upstream {@code <stream:features/>} offered, as the CM needs it.
 *
 * @param startTls         {@code <starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>} was offered
 * @param startTlsRequired it had a {@code <required/>} child
 * @param mechanisms       SASL mechanisms offered, as offered (including any -PLUS ones)
 * @param bind             resource binding was offered
 * @param sm               XEP-0198 {@code <sm xmlns='urn:xmpp:sm:3'/>} was offered
 * @param sasl2            XEP-0388 {@code <authentication xmlns='urn:xmpp:sasl:2'>} was offered
 */
public record FeatureSet(boolean startTls, boolean startTlsRequired, List<String> mechanisms, boolean bind,
                         boolean sm, boolean sasl2) {

    public FeatureSet {
        mechanisms = List.copyOf(mechanisms);
    }
}
