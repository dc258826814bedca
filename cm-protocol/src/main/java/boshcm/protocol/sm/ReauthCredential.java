package boshcm.protocol.sm;

import boshcm.protocol.body.Namespaces;
import boshcm.protocol.body.XmlPayload;
import boshcm.protocol.xml.XmlOutput;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * A way for the CM to authenticate again as the session's user before {@code <resume/>} (XEP-0198 §5,
 * §10: a resume needs a fresh authentication as the same entity; checklist SM-13). Secrets are held as
 * byte arrays, kept in memory only, never shown by {@link Object#toString()}, and zeroed by
 * {@link #wipe()} when the session ends. Not thread-safe; owned by one session.
 */
public sealed interface ReauthCredential
        permits ReauthCredential.Plain, ReauthCredential.External {

    /** The SASL mechanism the credential is replayed with. */
    String mechanism();

    /** {@code <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='…'>initial response</auth>} (RFC 6120 §6.4.2). */
    XmlPayload auth();

    /** Zeroes the secrets; {@link #auth()} must not be called afterwards. */
    void wipe();

    /** SASL PLAIN (RFC 4616): {@code authzid NUL authcid NUL passwd}, held as bytes and zeroed by {@link #wipe()}. */
    abstract sealed class Plain implements ReauthCredential permits CapturedPlain, ServiceAccount {
        private final byte[] authzid;
        private final byte[] authcid;
        private final byte[] password;
        private boolean wiped;

        Plain(byte[] authzid, byte[] authcid, byte[] password) {
            this.authzid = authzid;
            this.authcid = authcid;
            this.password = password;
        }

        @Override
        public final String mechanism() {
            return "PLAIN";
        }

        @Override
        public final XmlPayload auth() {
            if (wiped) {
                throw new IllegalStateException("credential wiped");
            }
            byte[] message = new byte[authzid.length + authcid.length + password.length + 2];
            System.arraycopy(authzid, 0, message, 0, authzid.length);
            System.arraycopy(authcid, 0, message, authzid.length + 1, authcid.length);
            System.arraycopy(password, 0, message, authzid.length + authcid.length + 2, password.length);
            try {
                return build("PLAIN", message);
            } finally {
                Arrays.fill(message, (byte) 0);
            }
        }

        @Override
        public final void wipe() {
            Arrays.fill(authzid, (byte) 0);
            Arrays.fill(authcid, (byte) 0);
            Arrays.fill(password, (byte) 0);
            wiped = true;
        }
    }

    /**
     * SM-13 (c): the client's own {@code <auth mechanism='PLAIN'>} (RFC 4616: {@code authzid NUL
     * authcid NUL passwd}, base64), captured when it went upstream.
     */
    final class CapturedPlain extends Plain {

        public CapturedPlain(byte[] authzid, byte[] authcid, byte[] password) {
            super(authzid.clone(), authcid.clone(), password.clone());
        }

        /**
         * The credential in a client's {@code <auth mechanism='PLAIN'>}; empty for another mechanism, no
         * initial response, bad base64, or a message that is not {@code [authzid] NUL authcid NUL passwd}.
         */
        public static Optional<CapturedPlain> fromAuth(XmlPayload auth) {
            if (!auth.is(Namespaces.SASL, "auth") || !auth.attribute("mechanism").map("PLAIN"::equals).orElse(false)) {
                return Optional.empty();
            }
            byte[] message;
            try {
                message = Base64.getDecoder().decode(textContent(auth.bytes()));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            try {
                int first = indexOf(message, 0);
                int second = first < 0 ? -1 : indexOf(message, first + 1);
                if (second < 0 || indexOf(message, second + 1) >= 0 || second == first + 1) {
                    return Optional.empty();
                }
                return Optional.of(new CapturedPlain(Arrays.copyOfRange(message, 0, first),
                        Arrays.copyOfRange(message, first + 1, second), Arrays.copyOfRange(message, second + 1, message.length)));
            } finally {
                Arrays.fill(message, (byte) 0);
            }
        }

        @Override
        public String toString() {
            return "CapturedPlain[***]";
        }
    }

    /** SM-13 (a): PLAIN as a service account, with the user's JID as authzid (RFC 6120 §6.3.8). */
    final class ServiceAccount extends Plain {

        public ServiceAccount(String userJid, String authcid, String password) {
            super(userJid.getBytes(StandardCharsets.UTF_8), authcid.getBytes(StandardCharsets.UTF_8),
                    password.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String toString() {
            return "ServiceAccount[***]";
        }
    }

    /** SM-13 (a): SASL EXTERNAL with the CM's client certificate, the user's JID as authzid (RFC 6120 §6.3.8). */
    final class External implements ReauthCredential {
        private final String authzid;

        public External(String userJid) {
            this.authzid = userJid;
        }

        @Override
        public String mechanism() {
            return "EXTERNAL";
        }

        @Override
        public XmlPayload auth() {
            return build("EXTERNAL", authzid.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void wipe() {
            // nothing secret
        }

        @Override
        public String toString() {
            return "External[" + authzid + "]";
        }
    }

    /** RFC 6120 §6.4.2: an empty initial response is written as {@code =}. */
    private static XmlPayload build(String mechanism, byte[] initialResponse) {
        byte[] encoded = initialResponse.length == 0 ? new byte[] {'='} : Base64.getEncoder().encode(initialResponse);
        XmlOutput out = new XmlOutput(96 + encoded.length);
        out.ascii("<auth xmlns='" + Namespaces.SASL + "' mechanism='").ascii(mechanism).ascii("'>")
                .bytes(encoded).ascii("</auth>");
        Arrays.fill(encoded, (byte) 0);
        return new XmlPayload(Namespaces.SASL, "auth", Map.of("mechanism", mechanism), out.toByteArray());
    }

    private static int indexOf(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** The base64 text of a serialized element: between the end of its start tag and its end tag, whitespace removed. */
    private static byte[] textContent(byte[] element) {
        int i = 0;
        byte quote = 0;
        for (; i < element.length; i++) {
            byte c = element[i];
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '>') {
                break;
            }
        }
        if (i >= element.length || element[i - 1] == '/') {
            return new byte[0];
        }
        int end = element.length - 1;
        while (end > i && element[end] != '<') {
            end--;
        }
        byte[] text = new byte[end - i - 1 < 0 ? 0 : end - i - 1];
        int n = 0;
        for (int k = i + 1; k < end; k++) {
            byte c = element[k];
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                text[n++] = c;
            }
        }
        byte[] out = Arrays.copyOf(text, n);
        Arrays.fill(text, (byte) 0);
        if (out.length == 1 && out[0] == '=') {
            return new byte[0];
        }
        return out;
    }
}
