package boshcm.bench.load.run;

import boshcm.bench.load.chart.BarChart;
import boshcm.bench.load.chart.LineChart;
import boshcm.bench.load.chart.Palette;
import boshcm.bench.load.chart.Point;
import boshcm.bench.load.chart.Series;
import boshcm.bench.load.target.TargetKind;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The PNG charts of a load run, drawn from the same results as the report: latency percentiles and
 * CPU per message against the offered rate (one line per target through the fixed-rate phases,
 * plus the max-rate search's steps as hollow circles), and bars of the login rate, the highest
 * sustained rate and the memory per idle session. Every target keeps its colour in every chart.
 * Several repetitions are drawn as the median with a whisker from the lowest to the highest.
 */
final class LoadCharts {

    /** A written chart: its file name (in the charts directory) and a caption for the report. */
    record Chart(String file, String caption) {
    }

    private final LoadOptions options;
    private final Map<String, List<TargetResult>> byTarget = new LinkedHashMap<>();

    LoadCharts(LoadOptions options, List<TargetResult> results) {
        this.options = options;
        for (TargetKind k : options.targets()) {
            byTarget.put(k.label(), new ArrayList<>());
        }
        for (TargetResult r : results) {
            byTarget.computeIfAbsent(r.target(), k -> new ArrayList<>()).add(r);
        }
    }

    /** Writes every chart into {@code dir} and returns them in report order. */
    List<Chart> write(Path dir) throws IOException {
        List<Chart> out = new ArrayList<>();
        for (int p : new int[] {50, 90, 99}) {
            String file = "latency-p" + p + ".png";
            latency(p).write(dir.resolve(file));
            out.add(new Chart(file, "End-to-end latency, p" + p + ", against offered rate"));
        }
        cpu().write(dir.resolve("cpu-per-message.png"));
        out.add(new Chart("cpu-per-message.png", "Servers' CPU per delivered message against offered rate"));
        loginRate().write(dir.resolve("login-rate.png"));
        out.add(new Chart("login-rate.png", "Login rate"));
        if (options.maxRate().on()) {
            maxRate().write(dir.resolve("max-rate.png"));
            out.add(new Chart("max-rate.png", "Highest sustained rate"));
        }
        memory().write(dir.resolve("memory-per-session.png"));
        out.add(new Chart("memory-per-session.png", "Memory per idle session"));
        return out;
    }

    static Color color(String target) {
        TargetKind k = TargetKind.byLabel(target);
        return Palette.color(k == null ? Math.abs(target.hashCode()) : k.ordinal());
    }

    private String repetitions() {
        return options.repeat() > 1 ? "median of " + options.repeat() + " repetitions, whiskers lowest–highest" : "one run";
    }

    /** Latency percentile {@code p} (ms, log scale) against offered rate (log scale). */
    LineChart latency(int p) {
        LineChart chart = new LineChart("End-to-end message latency, p" + p + " (" + options.sessions() + " sessions)",
                "offered msg/s", "p" + p + " latency, ms").logX(true).logY(true);
        String note = "Lines: fixed-rate phases, " + LoadOptions.text(options.duration()) + " each (" + repetitions() + ").";
        if (options.maxRate().on()) {
            note += " Circles: steps of the max-rate search, " + LoadOptions.text(options.maxRate().stepDuration())
                    + " each, every repetition.";
        }
        chart.note(note);
        byTarget.forEach((name, runs) -> {
            chart.add(Series.line(name, color(name), fixedRatePoints(runs, r -> percentileMs(r, p))));
            chart.add(Series.dots(name, color(name), stepPoints(runs, r -> percentileMs(r, p))));
        });
        if (p == 99 && options.maxRate().on()) {
            chart.referenceY(options.maxRate().p99Limit().toNanos() / 1e6,
                    "max-rate limit: p99 " + LoadOptions.text(options.maxRate().p99Limit()));
        }
        return chart;
    }

    /** Servers' CPU µs per delivered message against offered rate. */
    LineChart cpu() {
        LineChart chart = new LineChart("CPU per delivered message, connection manager + XMPP server",
                "offered msg/s", "CPU µs per message (utime + stime)").logX(true);
        chart.note("From /proc, over each phase including its drain. Lines: fixed-rate phases (" + repetitions() + ")."
                + (options.maxRate().on() ? " Circles: max-rate search steps." : ""));
        byTarget.forEach((name, runs) -> {
            chart.add(Series.line(name, color(name), fixedRatePoints(runs, r -> serversCpu(runs, r))));
            chart.add(Series.dots(name, color(name), stepPoints(runs, r -> serversCpu(runs, r))));
        });
        return chart;
    }

    BarChart loginRate() {
        BarChart chart = new BarChart("Login rate (" + options.sessions() + " sessions, " + options.loginConcurrency()
                + " in flight)", "logins per second", "%.0f").note("Full XEP-0206 login (RFC 6120 on raw c2s); " + repetitions() + ".");
        byTarget.forEach((name, runs) -> {
            double[] s = stats(runs, r -> r.login() == null ? Double.NaN : r.login().rate());
            chart.add(bar(name, s, null));
        });
        return chart;
    }

    BarChart maxRate() {
        MaxRateSettings m = options.maxRate();
        BarChart chart = new BarChart("Highest sustained rate (p99 ≤ " + LoadOptions.text(m.p99Limit()) + ", no loss)",
                "msg/s", "%.0f").note("Highest offered rate that passed, " + repetitions() + ". \"≥\": the limit "
                        + LoadOptions.number(m.limit()) + " msg/s passed; \"generator\": the next step failed only because"
                        + " the load generator fell behind.");
        byTarget.forEach((name, runs) -> {
            double[] s = stats(runs, r -> r.maxRate() == null ? Double.NaN : r.maxRate().highest());
            List<String> marks = new ArrayList<>();
            if (runs.stream().anyMatch(r -> r.maxRate() != null && r.maxRate().reachedLimit())) {
                marks.add("≥");
            }
            if (runs.stream().anyMatch(r -> r.maxRate() != null && r.maxRate().generatorBound())) {
                marks.add("generator");
            }
            chart.add(bar(name, s, marks.isEmpty() ? null : String.join(" ", marks)));
        });
        return chart;
    }

    /**
     * KiB per idle session of each measured process (the generator left out), stacked per target. The
     * colours here are the processes' (Prosody's memory is the same colour under every target).
     */
    BarChart memory() {
        BarChart chart = new BarChart("Memory per idle session (" + options.sessions() + " sessions)", "KiB per session",
                "%.1f").note("RSS growth from before the login to all sessions idle, divided by the sessions, per process,"
                        + " stacked; " + repetitions() + " of the total.").legend(true);
        Set<String> processes = new LinkedHashSet<>();
        byTarget.values().forEach(runs -> runs.forEach(r -> processes.addAll(r.processes())));
        List<String> order = new ArrayList<>(processes);
        byTarget.forEach((name, runs) -> {
            Set<String> own = new LinkedHashSet<>();
            runs.forEach(r -> own.addAll(r.processes()));
            List<BarChart.Segment> segments = new ArrayList<>();
            for (String p : own) {
                double kib = Report.median(runs, r -> r.memory() == null ? Double.NaN : r.memory().bytesPerSession(p) / 1024);
                segments.add(new BarChart.Segment(p, kib, Palette.color(order.indexOf(p))));
            }
            double[] total = stats(runs, r -> {
                if (r.memory() == null || r.processes().isEmpty()) {
                    return Double.NaN;
                }
                double sum = 0;
                for (String p : r.processes()) {
                    sum += r.memory().bytesPerSession(p) / 1024;
                }
                return sum;
            });
            chart.add(new BarChart.Bar(name, segments, runs.size() > 1 ? total[1] : Double.NaN,
                    runs.size() > 1 ? total[2] : Double.NaN, null));
        });
        return chart;
    }

    /** A one-value bar in the target's colour; the whisker only when there were several values. */
    private static BarChart.Bar bar(String name, double[] s, String annotation) {
        boolean range = s[1] < s[2];
        return BarChart.Bar.of(name, s[0], color(name), range ? s[1] : Double.NaN, range ? s[2] : Double.NaN, annotation);
    }

    /** One point per fixed rate: the median over repetitions, with the lowest and highest. */
    private List<Point> fixedRatePoints(List<TargetResult> runs, ToDoubleFunction<RateResult> f) {
        List<Point> out = new ArrayList<>();
        for (int k = 0; k < options.rates().size(); k++) {
            int i = k;
            double[] s = stats(runs, r -> r.rates() != null && i < r.rates().size() ? f.applyAsDouble(r.rates().get(i)) : Double.NaN);
            if (!Double.isNaN(s[0])) {
                out.add(runs.size() > 1 ? new Point(options.rates().get(k), s[0], s[1], s[2])
                        : new Point(options.rates().get(k), s[0]));
            }
        }
        return out;
    }

    /** One point per max-rate search step that was measured, over every repetition. */
    private static List<Point> stepPoints(List<TargetResult> runs, ToDoubleFunction<RateResult> f) {
        List<Point> out = new ArrayList<>();
        for (TargetResult r : runs) {
            if (r.maxRate() == null) {
                continue;
            }
            for (MaxRateStep s : r.maxRate().steps()) {
                if (s.result() != null) {
                    double v = f.applyAsDouble(s.result());
                    if (!Double.isNaN(v)) {
                        out.add(new Point(s.rate(), v));
                    }
                }
            }
        }
        return out;
    }

    private static double percentileMs(RateResult r, int p) {
        if (r.latency().count() == 0) {
            return Double.NaN;
        }
        long micros = switch (p) {
            case 50 -> r.latency().p50();
            case 90 -> r.latency().p90();
            default -> r.latency().p99();
        };
        return micros / 1000.0;
    }

    /** The CPU per message of the target's processes (not the generator), summed. */
    private static double serversCpu(List<TargetResult> runs, RateResult r) {
        Set<String> processes = new LinkedHashSet<>();
        runs.forEach(t -> processes.addAll(t.processes()));
        double sum = 0;
        boolean any = false;
        for (String p : processes) {
            double v = r.cpuMicrosPerMessage(p);
            if (!Double.isNaN(v)) {
                sum += v;
                any = true;
            }
        }
        return any ? sum : Double.NaN;
    }

    /** {median, lowest, highest} of {@code f} over the runs where it is known; NaNs if none. */
    static double[] stats(List<TargetResult> runs, ToDoubleFunction<TargetResult> f) {
        double[] v = runs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return new double[] {Double.NaN, Double.NaN, Double.NaN};
        }
        return new double[] {Report.median(v), v[0], v[v.length - 1]};
    }
}
