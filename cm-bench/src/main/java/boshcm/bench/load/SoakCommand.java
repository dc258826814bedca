package boshcm.bench.load;

import boshcm.bench.load.soak.SoakBenchmark;
import boshcm.bench.load.soak.SoakOptions;

/** {@code java -jar cm-bench.jar soak [options]}: see {@link SoakOptions#USAGE} and docs/benchmarks.md, "Soak test". */
public final class SoakCommand {

    private SoakCommand() {}

    public static int run(String... args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(SoakOptions.USAGE);
            return 0;
        }
        SoakOptions options;
        try {
            options = SoakOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("soak: " + e.getMessage());
            System.err.print(SoakOptions.USAGE);
            return 2;
        }
        return SoakBenchmark.run(options, System.out);
    }
}
