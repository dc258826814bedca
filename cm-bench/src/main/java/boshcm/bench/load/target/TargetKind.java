package boshcm.bench.load.target;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The targets of the load benchmark, with their command-line name, their label in the report and the
 * XMPP server behind them. Each server's raw c2s target is the floor the others are compared with.
 */
public enum TargetKind {
    C2S("c2s", "raw c2s \u2192 Prosody", Server.PROSODY),
    BOSHCM("boshcm", "boshcm \u2192 Prosody", Server.PROSODY),
    PROSODY_BOSH("prosody-bosh", "Prosody mod_bosh", Server.PROSODY),
    NXB("nxb", "node-xmpp-bosh \u2192 Prosody", Server.PROSODY),
    C2S_EJABBERD("c2s-ejabberd", "raw c2s \u2192 ejabberd", Server.EJABBERD),
    BOSHCM_EJABBERD("boshcm-ejabberd", "boshcm \u2192 ejabberd", Server.EJABBERD),
    EJABBERD_BOSH("ejabberd-bosh", "ejabberd mod_bosh", Server.EJABBERD);

    /** The XMPP server a target ends at. */
    public enum Server {
        PROSODY, EJABBERD
    }

    /**
     * Names that stand for several targets in {@code --targets}: {@code all}, and every target of one
     * server ({@code prosody}, {@code ejabberd}), each in declaration order.
     */
    public static final List<String> GROUPS = List.of("all", "prosody", "ejabberd");

    private final String option;
    private final String label;
    private final Server server;

    private TargetKind(String option, String label, Server server) {
        this.option = option;
        this.label = label;
        this.server = server;
    }

    public String option() {
        return this.option;
    }

    public String label() {
        return this.label;
    }

    public Server server() {
        return this.server;
    }

    /** Raw c2s to this target's server: what the report compares it with. */
    public TargetKind floor() {
        return this.server == Server.PROSODY ? C2S : C2S_EJABBERD;
    }

    public boolean isFloor() {
        return this == this.floor();
    }

    public static TargetKind parse(String option) {
        for (TargetKind k : TargetKind.values()) {
            if (k.option.equals(option)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown target '" + option + "'; known: "
                + Arrays.stream(TargetKind.values()).map(TargetKind::option).collect(Collectors.joining(", "))
                + ", or a group: " + String.join(", ", GROUPS));
    }

    /**
     * Parses a comma-separated {@code --targets} value: target names and groups, in the order given,
     * each target once (its first mention wins).
     */
    public static List<TargetKind> parseList(String value) {
        LinkedHashSet<TargetKind> out = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            switch (name) {
                case "all" -> out.addAll(List.of(TargetKind.values()));
                case "prosody" -> out.addAll(of(Server.PROSODY));
                case "ejabberd" -> out.addAll(of(Server.EJABBERD));
                default -> out.add(parse(name));
            }
        }
        return List.copyOf(out);
    }

    /** The target whose label is {@code label}, or null. */
    public static TargetKind byLabel(String label) {
        for (TargetKind k : TargetKind.values()) {
            if (k.label.equals(label)) {
                return k;
            }
        }
        return null;
    }

    private static List<TargetKind> of(Server server) {
        List<TargetKind> out = new ArrayList<>();
        for (TargetKind k : TargetKind.values()) {
            if (k.server == server) {
                out.add(k);
            }
        }
        return out;
    }
}
