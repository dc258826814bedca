package boshcm.bench.load.target;

/** A process whose CPU time and RSS the runner reads from /proc. */
public record MeasuredProcess(String name, long pid) {
}
