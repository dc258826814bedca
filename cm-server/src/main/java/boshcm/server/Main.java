package boshcm.server;

/** The command line entry point and composition root. */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        throw new UnsupportedOperationException("not yet implemented");
    }

    /**
     * Starts a connection manager exactly as the command line {@code args} would (flags, then
     * {@code --config} file, then environment), and returns once it accepts requests. For tests and
     * embedding. Throws IllegalArgumentException listing every configuration problem.
     */
    public static RunningCm start(String... args) throws Exception {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
