package boshcm.bench.load;

import boshcm.bench.load.run.ScaleBenchmark;
import boshcm.bench.load.run.ScaleOptions;

/** {@code java -jar cm-bench.jar scale [options]}: see {@link ScaleOptions#USAGE} and docs/benchmarks.md. */
public final class ScaleCommand {

    private ScaleCommand() {}

    public static int run(String... args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(ScaleOptions.USAGE);
            return 0;
        }
        ScaleOptions options;
        try {
            options = ScaleOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("scale: " + e.getMessage());
            System.err.print(ScaleOptions.USAGE);
            return 2;
        }
        return ScaleBenchmark.run(options, System.out);
    }
}
