package boshcm.bench.load.target;

/**
 * The benchmark's XMPP accounts, the same on every server: users {@code u1…uN} with passwords
 * {@code p1…pN} on {@link #DOMAIN}, and a second virtual host {@link #ANON_DOMAIN} with SASL ANONYMOUS
 * ({@code --auth anonymous}).
 */
public final class Accounts {
    public static final String DOMAIN = "bench.test";
    public static final String ANON_DOMAIN = "anon.bench.test";

    private Accounts() {
    }

    public static String username(int i) {
        return "u" + i;
    }

    public static String password(int i) {
        return "p" + i;
    }
}
