package boshcm.bench.load.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A description of the machine the benchmark ran on, for the report: CPU, memory, kernel, Java, Prosody, load. */
record Machine(String cpu, int cores, long memoryBytes, String kernel, String java, String prosody, String loadAverage) {

    static Machine describe() {
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
                prosodyVersion(), load);
    }

    private static String prosodyVersion() {
        try {
            Process p = new ProcessBuilder(List.of("dpkg-query", "-W", "-f=${Version}", "prosody"))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? "Prosody " + out + " (Debian package)" : "Prosody (version unknown)";
        } catch (IOException e) {
            return "Prosody (version unknown)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Prosody (version unknown)";
        }
    }

    String text() {
        return String.format("%s, %d cores visible, %.1f GiB RAM; %s; %s; %s; load average at start: %s",
                cpu, cores, memoryBytes / (1024.0 * 1024 * 1024), kernel, java, prosody, loadAverage);
    }
}
