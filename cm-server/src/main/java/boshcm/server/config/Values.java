package boshcm.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed reads from the merged config. A value that cannot be read records a problem naming the
 * key and where the value came from, and yields the default instead so that checking goes on.
 */
final class Values {

    private final Config merged;
    private final Config reference;
    private final Map<String, String> flags;
    private final Map<String, String> env;
    private final Config file;
    private final List<String> problems;

    Values(Config merged, Config reference, Map<String, String> flags, Map<String, String> env, Config file,
           List<String> problems) {
        this.merged = merged;
        this.reference = reference;
        this.flags = flags;
        this.env = env;
        this.file = file;
        this.problems = problems;
    }

    boolean hasProblems() {
        return !problems.isEmpty();
    }

    void problem(String key, String message) {
        problems.add(key + source(key) + ": " + message);
    }

    /** True when a flag, the environment or the file gives {@code key}; false when it is left at its default. */
    boolean given(String key) {
        return flags.containsKey(key) || env.containsKey(key) || file.hasPathOrNull(key);
    }

    private String source(String key) {
        Optional<Setting> s = Setting.byKey(key);
        if (s.isEmpty()) {
            return "";
        }
        if (flags.containsKey(key)) {
            return " (from " + s.get().flag() + ")";
        }
        if (env.containsKey(key)) {
            return " (from " + s.get().envVar() + ")";
        }
        if (file.hasPathOrNull(key)) {
            return " (from " + file.getValue(key).origin().description() + ")";
        }
        return "";
    }

    private void unreadable(String key, String expected) {
        Setting s = Setting.byKey(key).orElseThrow();
        String shown = s.secret() ? "" : " but got " + merged.getValue(key).render();
        problem(key, "expected " + expected + shown);
    }

    String string(String key) {
        try {
            ConfigValue value = merged.getValue(key);
            if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST) {
                unreadable(key, "a single value");
                return reference.getString(key);
            }
            return value.valueType() == ConfigValueType.NULL ? "" : String.valueOf(value.unwrapped());
        } catch (ConfigException e) {
            problem(key, e.getMessage());
            return reference.getString(key);
        }
    }

    int integer(String key, int min, int max) {
        int value;
        try {
            value = merged.getInt(key);
        } catch (ConfigException e) {
            unreadable(key, "an integer");
            return reference.getInt(key);
        }
        if (value < min || value > max) {
            problem(key, "must be between " + min + " and " + max + ", got " + value);
            return reference.getInt(key);
        }
        return value;
    }

    double number(String key, double min, double max) {
        double value;
        try {
            value = merged.getDouble(key);
        } catch (ConfigException e) {
            unreadable(key, "a number");
            return reference.getDouble(key);
        }
        if (!(value >= min && value <= max)) {
            problem(key, "must be between " + min + " and " + max + ", got " + value);
            return reference.getDouble(key);
        }
        return value;
    }

    boolean bool(String key) {
        try {
            return merged.getBoolean(key);
        } catch (ConfigException e) {
            unreadable(key, "true or false");
            return reference.getBoolean(key);
        }
    }

    Duration duration(String key) {
        if (!hasUnit(key, "a duration like 30s")) {
            return reference.getDuration(key);
        }
        Duration value;
        try {
            value = merged.getDuration(key);
        } catch (ConfigException e) {
            unreadable(key, "a duration like 30s");
            return reference.getDuration(key);
        }
        if (value.isNegative()) {
            problem(key, "must not be negative");
            return reference.getDuration(key);
        }
        return value;
    }

    /**
     * HOCON reads a bare number as milliseconds, so {@code wait = 60} would mean 60 ms: a trap for a
     * protocol counted in seconds. A duration must say its unit.
     */
    private boolean hasUnit(String key, String expected) {
        String raw;
        try {
            raw = merged.getValue(key).unwrapped().toString().trim();
        } catch (ConfigException e) {
            return true;                      // missing or unreadable: reported by the caller
        }
        if (!raw.isEmpty() && raw.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.' || c == '-')) {
            problem(key, "needs a unit: " + expected + " (a bare number would be read as milliseconds)");
            return false;
        }
        return true;
    }

    Duration referenceDuration(String key) {
        return reference.getDuration(key);
    }

    Duration durationOrAuto(String key, Duration auto) {
        if (string(key).trim().equalsIgnoreCase("auto")) {
            return auto;
        }
        if (!hasUnit(key, "a duration like 90s, or auto")) {
            return auto;
        }
        Duration value;
        try {
            value = merged.getDuration(key);
        } catch (ConfigException e) {
            unreadable(key, "a duration like 90s, or auto");
            return auto;
        }
        if (value.isNegative()) {
            problem(key, "must not be negative");
            return auto;
        }
        return value;
    }

    long bytes(String key, long min, long max) {
        long value;
        try {
            value = merged.getBytes(key);
        } catch (ConfigException e) {
            unreadable(key, "a size like 256k");
            return reference.getBytes(key);
        }
        if (value < min || value > max) {
            problem(key, "must be between " + min + " and " + max + " bytes, got " + value);
            return reference.getBytes(key);
        }
        return value;
    }

    List<String> list(String key) {
        try {
            return merged.getStringList(key).stream().map(String::trim).toList();
        } catch (ConfigException e) {
            unreadable(key, "a list of strings");
            return reference.getStringList(key);
        }
    }

    /** A path like {@code /http-bind}: starts with '/', no query, no whitespace. */
    String path(String key, boolean mayBeEmpty) {
        String p = string(key).trim();
        if (p.isEmpty() && mayBeEmpty) {
            return p;
        }
        if (!p.startsWith("/") || p.length() > 1 && p.endsWith("/") || p.chars().anyMatch(c -> c <= ' ' || c == '?' || c == '#' || c > '~')) {
            problem(key, "must be a path like /http-bind (leading '/', no trailing '/', no query)");
            return reference.getString(key);
        }
        return p;
    }
}
