package boshcm.server.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The command line, like {@code --http-port 5281 --upstream=localhost:5222 --insecure-upstream-tls},
 * split into settings (by key, raw text), {@code --config FILE}, {@code --help} and {@code --print-config}. Problems are
 * appended to the list given, not thrown, so that they are reported together with the others.
 */
record CommandLine(boolean help, boolean printConfig, Optional<String> configFile, Map<String, String> values) {

    static final String CONFIG = "--config";
    static final String HELP = "--help";
    static final String PRINT_CONFIG = "--print-config";

    static CommandLine parse(String[] args, List<String> problems) {
        boolean help = false;
        boolean printConfig = false;
        String configFile = null;
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals(HELP) || arg.equals("-h")) {
                help = true;
                continue;
            }
            if (arg.equals(PRINT_CONFIG)) {
                printConfig = true;
                continue;
            }
            if (!arg.startsWith("--")) {
                problems.add("unexpected argument \"" + arg + "\" (options start with --; see --help)");
                continue;
            }
            int eq = arg.indexOf('=');
            String name = eq < 0 ? arg : arg.substring(0, eq);
            String inline = eq < 0 ? null : arg.substring(eq + 1);
            Optional<Setting> setting = Setting.byFlag(name);
            if (!name.equals(CONFIG) && setting.isEmpty()) {
                problems.add("unknown option " + name + " (see --help)");
                continue;
            }
            String value;
            if (inline != null) {
                value = inline;
            } else if (setting.isPresent() && setting.get().kind() == Setting.Kind.BOOLEAN) {
                value = "true";                       // a bare boolean flag switches it on
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                problems.add("option " + name + " needs a value");
                continue;
            }
            if (name.equals(CONFIG)) {
                configFile = value;
            } else {
                values.put(setting.get().key(), value);
            }
        }
        return new CommandLine(help, printConfig, Optional.ofNullable(configFile), values);
    }
}
