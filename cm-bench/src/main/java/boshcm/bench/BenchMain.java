package boshcm.bench;

import java.util.Arrays;

/**
 * The benchmark jar's entry point ({@code java -jar cm-bench/target/cm-bench.jar …}):
 * {@code jmh [JMH options]} runs the microbenchmarks of the protocol core with JMH's own command
 * line (e.g. {@code jmh -prof gc BodyParse}). See docs/benchmarks.md.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println("usage: java -jar cm-bench.jar jmh [JMH options]   microbenchmarks (docs/benchmarks.md)");
            return;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "jmh" -> org.openjdk.jmh.Main.main(rest);
            default -> {
                System.err.println("unknown command " + args[0] + "; try --help");
                System.exit(2);
            }
        }
    }
}
