package boshcm.bench;

import java.util.Arrays;

/**
 * The benchmark jar's entry point ({@code java -jar cm-bench/target/cm-bench.jar …}):
 * {@code jmh [JMH options]} runs the microbenchmarks of the protocol core with JMH's own command
 * line (e.g. {@code jmh -prof gc BodyParse}); {@code load [options]} runs the load benchmark
 * ({@link boshcm.bench.load.LoadCommand}); {@code scale [options]} the scale run of boshcm
 * alone ({@link boshcm.bench.load.ScaleCommand}); {@code soak [options]} the soak test
 * ({@link boshcm.bench.load.SoakCommand}). See docs/benchmarks.md.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println("usage: java -jar cm-bench.jar jmh [JMH options]   microbenchmarks (docs/benchmarks.md)");
            System.out.println("       java -jar cm-bench.jar load [options]     load benchmark: boshcm side by side with its peers (load --help)");
            System.out.println("       java -jar cm-bench.jar scale [options]    scale run: boshcm alone, idle sessions in steps (scale --help)");
            System.out.println("       java -jar cm-bench.jar soak [options]     soak test: long run with churn, upstream cuts, malformed requests (soak --help)");
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            case "load" -> System.exit(boshcm.bench.load.LoadCommand.run(rest));
            case "scale" -> System.exit(boshcm.bench.load.ScaleCommand.run(rest));
            case "soak" -> System.exit(boshcm.bench.load.SoakCommand.run(rest));
            default -> {
                System.err.println("unknown command " + args[0] + "; try --help");
                System.exit(2);
            }
        }
    }
}
