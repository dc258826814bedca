package boshcm.bench.load.measure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a process's CPU time and resident memory from Linux's /proc: {@code /proc/<pid>/stat}
 * fields 14 and 15 ({@code utime}, {@code stime}: all threads, in clock ticks of
 * {@code sysconf(_SC_CLK_TCK)}, 100 per second on Linux) and {@code VmRSS} of
 * {@code /proc/<pid>/status}. See proc(5).
 */
public final class ProcProbe {

    /** USER_HZ: fixed at 100 by the Linux ABI on x86 and arm (proc(5), times(2)). */
    private static final long TICKS_PER_SECOND = 100;

    private ProcProbe() {}

    /** utime + stime of {@code pid}, in nanoseconds (10 ms resolution). */
    public static long cpuNanos(long pid) throws IOException {
        return cpuTicks(Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII))
                * (1_000_000_000L / TICKS_PER_SECOND);
    }

    /** utime + stime from the text of a {@code /proc/<pid>/stat}. */
    static long cpuTicks(String stat) {
        // The command name (field 2) is in parentheses and may itself hold spaces and ')'.
        String rest = stat.substring(stat.lastIndexOf(')') + 2);
        String[] f = rest.split(" ");
        // rest starts at field 3 (state): utime is field 14, stime field 15.
        return Long.parseLong(f[14 - 3]) + Long.parseLong(f[15 - 3]);
    }

    /** The resident set size of {@code pid}, in bytes. */
    public static long rssBytes(long pid) throws IOException {
        return rssKib(Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII)) * 1024;
    }

    /** VmRSS in KiB from the text of a {@code /proc/<pid>/status}. */
    static long rssKib(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
            }
        }
        throw new IllegalArgumentException("no VmRSS line");
    }

    /** The soft limit on open files of {@code pid} ({@code Max open files} in {@code /proc/<pid>/limits}); -1 if unlimited or unknown. */
    public static long openFileLimit(long pid) {
        try {
            return openFileLimit(Files.readString(Path.of("/proc", Long.toString(pid), "limits"), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return -1;
        }
    }

    static long openFileLimit(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
            }
        }
        return -1;
    }

    /** The descriptors {@code pid} has open: the entries of {@code /proc/<pid>/fd}; -1 if they cannot be read. */
    public static long openFiles(long pid) {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return -1;
        }
    }

    /** The threads of {@code pid} (all of them: a JVM's GC and compiler threads too); -1 if unknown. */
    public static long threads(long pid) {
        try {
            return threads(Files.readString(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return -1;
        }
    }

    /** {@code Threads} from the text of a {@code /proc/<pid>/status}. */
    static long threads(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("Threads:")) {
                return Long.parseLong(line.substring(8).trim());
            }
        }
        return -1;
    }

    /** This JVM's pid (the load generator). */
    public static long self() {
        return ProcessHandle.current().pid();
    }
}
