package boshcm.server.config;

import java.nio.file.Path;

/**
 * A key store holding the CAs trusted for upstream TLS, instead of the JDK's default trust store.
 *
 * @param path     the file
 * @param password may be empty; never logged
 * @param type     {@code PKCS12} or {@code JKS}
 */
public record TrustStoreConfig(Path path, String password, String type) {

    @Override
    public String toString() {
        return "TrustStoreConfig[path=" + path + ", password=" + (password.isEmpty() ? "" : "****") + ", type=" + type + "]";
    }
}
