package boshcm.bench.load.target;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The targets of the load benchmark, with their command-line name and their label in the report. */
public enum TargetKind {
    C2S("c2s", "raw c2s \u2192 Prosody"),
    BOSHCM("boshcm", "boshcm \u2192 Prosody"),
    PROSODY_BOSH("prosody-bosh", "Prosody mod_bosh");

    private final String option;
    private final String label;

    private TargetKind(String option, String label) {
        this.option = option;
        this.label = label;
    }

    public String option() {
        return this.option;
    }

    public String label() {
        return this.label;
    }

    public static TargetKind parse(String option) {
        for (TargetKind k : TargetKind.values()) {
            if (!k.option.equals(option)) continue;
            return k;
        }
        throw new IllegalArgumentException("unknown target '" + option + "'; known: " + Arrays.stream(TargetKind.values()).map(TargetKind::option).collect(Collectors.joining(", ")));
    }
}
