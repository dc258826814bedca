package boshcm.server.logging;

import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The session a log line is about, as the MDC entry {@code sid} holding a redacted sid like
 * {@code n1-q2Xk0v1V…}: set while a session's work runs, so that every line logged meanwhile, on
 * whatever logger, can be found by that label (the bundled text pattern prints it as
 * {@code sid=…}, the JSON format as {@code "mdc": {"sid": …}}).
 *
 * <p>The MDC is per thread and a Netty event loop or a Jetty thread serves many sessions in turn,
 * so the entry is set and restored around each unit of work, never left behind:
 * <pre>{@code
 * String outer = SessionMdc.enter(label);
 * try { ... } finally { SessionMdc.exit(outer); }
 * }</pre>
 * Restoring the outer value (rather than removing) keeps nested entries for the same session right,
 * for example a session step that writes upstream while a pipeline callback of its connection runs.
 */
public final class SessionMdc {

    /** The MDC key: {@code %X{sid}} in a Logback pattern. */
    public static final String KEY = "sid";

    /** Characters of the random part kept by {@link #redact}: 48 of 128 bits (8 base64url characters). */
    static final int KEPT = 8;
    /** A node prefix longer than node.id allows is not a prefix: nothing before the dash is trusted. */
    private static final int MAX_PREFIX = 17;

    private SessionMdc() {}

    /**
     * A sid shortened for logs, like {@code n1-q2Xk0v1V…} for {@code n1-q2Xk0v1V9yXGZJtW3pF2ag}: the
     * node prefix and the first 8 characters of the random part. A whole sid plus the next rid is
     * enough to take over a session (checklist S-4), so logs never show one: the 80 bits left out
     * cannot be guessed, while 48 bits keep the labels of concurrent sessions apart, so that grepping
     * a label finds one session. Total on any input: a sid sent by a client is cut the same way and
     * anything but {@code [A-Za-z0-9_-]} becomes {@code ?}, so a forged sid cannot forge log lines.
     */
    public static String redact(String sid) {
        int dash = sid.indexOf('-');
        int keep = (dash >= 0 && dash < MAX_PREFIX ? dash + 1 : 0) + KEPT;
        int n = Math.min(keep, sid.length());
        StringBuilder sb = new StringBuilder(n + 1);
        for (int i = 0; i < n; i++) {
            char c = sid.charAt(i);
            boolean safe = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
            sb.append(safe ? c : '?');
        }
        if (sid.length() > keep) {
            sb.append('…');
        }
        return sb.toString();
    }

    /**
     * Makes {@code label} (a {@link #redact redacted} sid) the current session of this thread's log
     * lines and returns the previous one, to pass to {@link #exit}. A null label changes nothing.
     */
    public static @Nullable String enter(@Nullable String label) {
        String outer = MDC.get(KEY);
        if (label != null) {
            MDC.put(KEY, label);
        }
        return outer;
    }

    /** Puts back what {@link #enter} returned: the outer session's label, or no entry at all. */
    public static void exit(@Nullable String outer) {
        if (outer == null) {
            MDC.remove(KEY);
        } else {
            MDC.put(KEY, outer);
        }
    }

    /** The label of the session this thread is working for, if any. */
    public static @Nullable String current() {
        return MDC.get(KEY);
    }
}
