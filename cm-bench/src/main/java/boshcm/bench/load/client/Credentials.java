package boshcm.bench.load.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How one simulated user logs in: SASL PLAIN with a username and password (RFC 4616), or SASL
 * ANONYMOUS (RFC 4505, {@code password} unused) on a host that allows it.
 */
public record Credentials(Mechanism mechanism, String domain, String username, String password) {

    public enum Mechanism {
        PLAIN, ANONYMOUS;
    }

    public static Credentials plain(String domain, String username, String password) {
        return new Credentials(Mechanism.PLAIN, domain, username, password);
    }

    public static Credentials anonymous(String domain) {
        return new Credentials(Mechanism.ANONYMOUS, domain, "", "");
    }

    /** The {@code <auth/>} element that starts the SASL exchange (RFC 6120 §6.4.2). */
    public byte[] authElement() {
        String xml = switch (mechanism) {
            case PLAIN -> {
                byte[] message = ("\0" + username + "\0" + password).getBytes(StandardCharsets.UTF_8);
                yield "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                        + Base64.getEncoder().encodeToString(message) + "</auth>";
            }
            case ANONYMOUS -> "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='ANONYMOUS'/>";
        };
        return xml.getBytes(StandardCharsets.UTF_8);
    }
}
