package boshcm.bench.load;

import boshcm.bench.load.run.LoadOptions;
import boshcm.bench.load.run.LoadBenchmark;

/** {@code java -jar cm-bench.jar load [options]}: see {@link LoadOptions#USAGE} and docs/benchmarks.md. */
public final class LoadCommand {

    private LoadCommand() {}

    public static int run(String... args) throws Exception {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.print(LoadOptions.USAGE);
            return 0;
        }
        LoadOptions options;
        try {
            options = LoadOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("load: " + e.getMessage());
            System.err.print(LoadOptions.USAGE);
            return 2;
        }
        return LoadBenchmark.run(options, System.out);
    }
}
