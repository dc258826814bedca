package boshcm.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.List;

/** {@code --help}: every option with its environment variable, config key, default and description. */
final class HelpText {

    private HelpText() {}

    /** The text of {@code --help}, from the settings table and the comments in {@code reference.conf}. */
    static String render(Config reference) {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: java -jar cm-server.jar [OPTIONS]\n\n")
                .append("boshcm, a BOSH (XEP-0124/XEP-0206) connection manager for XMPP.\n\n")
                .append("Every option can also be set in the environment or in a HOCON file given with --config.\n")
                .append("Precedence: command line > environment > --config file > defaults.\n")
                .append("Durations take a unit (30s, 5m); sizes take k or m (256k); lists are comma-separated.\n\n")
                .append("  --config FILE\n      HOCON configuration file; keys as shown below (e.g. http.port = 5280).\n")
                .append("  --help\n      Print this help and exit.\n")
                .append("  --print-config\n      Print the effective configuration (secrets masked, each value's source) and exit.\n");
        for (Setting s : Setting.ALL) {
            ConfigValue value = reference.getValue(s.key());
            String metavar = s.kind().metavar();
            sb.append("\n  ").append(s.flag())
                    .append(s.kind() == Setting.Kind.BOOLEAN ? metavar : " " + metavar).append('\n')
                    .append("      env ").append(s.envVar()).append("   key ").append(s.key())
                    .append("   default ").append(renderDefault(value, s)).append('\n');
            for (String line : value.origin().comments()) {
                sb.append("      ").append(line.trim()).append('\n');
            }
        }
        return sb.toString();
    }

    private static String renderDefault(ConfigValue value, Setting s) {
        if (s.secret()) {
            return "(none)";
        }
        if (value.valueType() == ConfigValueType.LIST) {
            List<?> list = (List<?>) value.unwrapped();
            return list.isEmpty() ? "(none)" : String.join(",", list.stream().map(Object::toString).toList());
        }
        String text = String.valueOf(value.unwrapped());
        return text.isEmpty() ? "\"\"" : text;
    }
}
