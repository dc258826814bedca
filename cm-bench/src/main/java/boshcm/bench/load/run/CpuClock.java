package boshcm.bench.load.run;

import boshcm.bench.load.measure.ProcProbe;
import boshcm.bench.load.target.MeasuredProcess;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the CPU time of the measured processes and of this JVM ("generator") from /proc, by name. */
final class CpuClock {

    static final String GENERATOR = "generator";

    private final List<MeasuredProcess> processes;

    CpuClock(List<MeasuredProcess> processes) {
        this.processes = List.copyOf(processes);
    }

    /** CPU time so far, in nanoseconds, in process order then the generator. */
    Map<String, Long> read() throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        for (MeasuredProcess p : processes) {
            out.put(p.name(), ProcProbe.cpuNanos(p.pid()));
        }
        out.put(GENERATOR, ProcProbe.cpuNanos(ProcProbe.self()));
        return out;
    }

    /** CPU time used since {@code before} (an earlier {@link #read()}). */
    Map<String, Long> since(Map<String, Long> before) throws IOException {
        Map<String, Long> now = read();
        Map<String, Long> used = new LinkedHashMap<>();
        before.forEach((name, then) -> used.put(name, now.get(name) - then));
        return used;
    }
}
