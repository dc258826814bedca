package boshcm.bench.load.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** A description of the machine the benchmark ran on, for the report: CPU, memory, kernel, Java, the servers' versions, load. */
public record Machine(String cpu, int cores, long memoryBytes, String kernel, String java, String servers, String loadAverage) {

    public static Machine describe() {
        String cpu = "unknown CPU";
        long mem = 0;
        String load = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse(cpu);
            mem = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal:"))
                    .map(l -> Long.parseLong(l.replaceAll("\\D", "")) * 1024).findFirst().orElse(0L);
            load = Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            // not Linux: leave the defaults
        }
        return new Machine(cpu, Runtime.getRuntime().availableProcessors(), mem,
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                serverVersions(), load);
    }

    /** The versions of the servers the targets run: Prosody, ejabberd (Debian packages) and Node.js. */
    private static String serverVersions() {
        List<String> out = new ArrayList<>();
        out.add(output(List.of("dpkg-query", "-W", "-f=${Version}", "prosody")).map(v -> "Prosody " + v + " (Debian package)")
                .orElse("Prosody (version unknown)"));
        output(List.of("dpkg-query", "-W", "-f=${Version}", "ejabberd")).ifPresent(v -> out.add("ejabberd " + v + " (Debian package)"));
        output(List.of("node", "--version")).ifPresent(v -> out.add("Node.js " + v));
        return String.join("; ", out);
    }

    /** The trimmed output of a command that exits with 0, if it does. */
    private static Optional<String> output(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 && !out.isEmpty() ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    public String text() {
        return String.format("%s, %d cores visible, %.1f GiB RAM; %s; %s; %s; load average at start: %s",
                cpu, cores, memoryBytes / (1024.0 * 1024 * 1024), kernel, java, servers, loadAverage);
    }
}
