package boshcm.server.config;

import java.util.List;
import java.util.Locale;

/**
 * Cross-origin access for browser clients (checklist H-1, H-2). The default is any origin without
 * credentials ({@code Access-Control-Allow-Origin: *}); listing origins switches to echoing the
 * request's {@code Origin} when it is on the list.
 *
 * @param allowedOrigins   like {@code https://chat.example.com}; {@code *} means any origin
 * @param allowCredentials send {@code Access-Control-Allow-Credentials: true} (then never {@code *})
 */
public record CorsConfig(List<String> allowedOrigins, boolean allowCredentials) {

    public static final String ANY = "*";

    public CorsConfig {
        allowedOrigins = allowedOrigins.stream().map(o -> o.trim().toLowerCase(Locale.ROOT)).toList();
    }

    public boolean anyOrigin() {
        return allowedOrigins.contains(ANY);
    }

    /** Whether a request carrying {@code Origin: origin} gets CORS headers. */
    public boolean allows(String origin) {
        return anyOrigin() || allowedOrigins.contains(origin.trim().toLowerCase(Locale.ROOT));
    }
}
