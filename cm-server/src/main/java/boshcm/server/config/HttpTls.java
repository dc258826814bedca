package boshcm.server.config;

import java.nio.file.Path;

/**
 * TLS on the BOSH listener (checklist B-19.1-1): the key store with the listener's certificate chain
 * and private key. The password is never in {@link #toString()}.
 *
 * @param keyStore the file, read at start and again whenever it changes (certificate renewal)
 * @param type     {@code PKCS12} or {@code JKS}
 * @param password the store's password, also used for the key
 */
public record HttpTls(Path keyStore, String type, String password) {

    @Override
    public String toString() {
        return "HttpTls[" + keyStore + ", " + type + ", password=***]";
    }
}
