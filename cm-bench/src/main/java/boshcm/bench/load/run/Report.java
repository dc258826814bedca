package boshcm.bench.load.run;

import boshcm.bench.load.target.TargetKind;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Renders the results as Markdown tables, one row per target (and rate), side by side. With
 * several repetitions a cell shows the median and, in brackets, the lowest and highest value.
 * The ratios against raw c2s to the same server (Prosody or ejabberd), measured in the same run,
 * are the result that travels between machines; the absolute numbers describe this machine only.
 */
final class Report {

    private final LoadOptions options;
    private final Machine machine;
    private final Map<String, List<TargetResult>> byTarget = new LinkedHashMap<>();

    Report(LoadOptions options, Machine machine, List<TargetResult> results) {
        this.options = options;
        this.machine = machine;
        for (String name : options.targets().stream().map(k -> k.label()).toList()) {
            byTarget.put(name, new ArrayList<>());
        }
        for (TargetResult r : results) {
            byTarget.computeIfAbsent(r.target(), k -> new ArrayList<>()).add(r);
        }
    }

    /** The whole report, without charts. */
    String markdown() {
        return markdown(List.of(), null);
    }

    /**
     * The whole report: the tables, then the charts ({@code charts}: caption → link relative to the
     * report), then {@code extra} (the scale run's section), then any failed runs.
     */
    String markdown(List<Map.Entry<String, String>> charts, String extra) {
        StringBuilder md = new StringBuilder();
        md.append("# boshcm load benchmark\n\n");
        md.append("- Date: ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withLocale(Locale.ROOT))).append('\n');
        md.append("- Command: `").append(options.commandLine()).append("`\n");
        md.append("- Machine: ").append(machine.text()).append('\n');
        md.append("- ").append(options.sessions()).append(" sessions (").append(options.sessions() / 2)
                .append(" pairs, each session sends to its peer), SASL ").append(options.auth())
                .append(", ").append(LoadOptions.text(options.duration())).append(" per rate")
                .append(options.repeat() > 1 ? ", " + options.repeat() + " repetitions: median [min–max]" : "")
                .append('\n');
        md.append("- Everything on one machine over loopback: the load generator, the connection managers and the XMPP servers.\n\n");
        md.append(tables());
        if (!charts.isEmpty()) {
            md.append("\n### Charts\n\n");
            for (Map.Entry<String, String> c : charts) {
                md.append("![").append(c.getKey()).append("](").append(c.getValue()).append(")\n\n");
            }
        }
        if (extra != null && !extra.isBlank()) {
            md.append('\n').append(extra.strip()).append('\n');
        }
        List<String> errors = new ArrayList<>();
        byTarget.forEach((name, runs) -> runs.stream().filter(r -> r.error() != null)
                .forEach(r -> errors.add(name + " (repetition " + r.repetition() + "): " + r.error())));
        if (!errors.isEmpty()) {
            md.append("\n### Failed runs\n\n");
            errors.forEach(e -> md.append("- ").append(e).append('\n'));
        }
        return md.toString();
    }

    /** The tables alone (also printed at the end of a run). */
    String tables() {
        StringBuilder md = new StringBuilder();
        md.append("### Login (").append(options.sessions()).append(" sessions, ").append(options.loginConcurrency())
                .append(" in flight)\n\n");
        md.append("After the login warm-up (").append(options.loginWarmup()).append(" logins in rounds of at most ")
                .append(options.sessions()).append("); \"cold\" is the warm-up's first round, on a freshly started target.\n\n");
        md.append("| target | logged in | logins/s | cold logins/s | p50 ms | p99 ms | max ms | servers CPU µs/login | generator CPU µs/login |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        byTarget.forEach((name, runs) -> md.append("| ").append(name)
                .append(" | ").append(cell(runs, r -> r.login() == null ? Double.NaN : r.login().ok(), "%.0f"))
                .append(" | ").append(cell(runs, r -> r.login() == null ? Double.NaN : r.login().rate(), "%.0f"))
                .append(" | ").append(cell(runs, r -> r.coldLogin() == null ? Double.NaN : r.coldLogin().rate(), "%.0f"))
                .append(" | ").append(cell(runs, r -> r.login() == null ? Double.NaN : r.login().latency().p50() / 1000.0, "%.2f"))
                .append(" | ").append(cell(runs, r -> r.login() == null ? Double.NaN : r.login().latency().p99() / 1000.0, "%.2f"))
                .append(" | ").append(cell(runs, r -> r.login() == null ? Double.NaN : r.login().latency().max() / 1000.0, "%.2f"))
                .append(" | ").append(cell(runs, Report::serversLoginCpu, "%.0f"))
                .append(" | ").append(cell(runs, r -> r.login() == null ? Double.NaN : r.login().cpuMicrosPerLogin(CpuClock.GENERATOR), "%.0f"))
                .append(" |\n"));

        md.append("\n### End-to-end message latency\n\n");
        md.append("From the moment the sender's session is handed a message to the moment the receiver has parsed it.\n\n");
        md.append("| target | offered msg/s | delivered msg/s | lost | late | p50 ms | p90 ms | p99 ms | max ms | generator lag p99 ms |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int i = 0; i < options.rates().size(); i++) {
            int k = i;
            byTarget.forEach((name, runs) -> md.append("| ").append(name)
                    .append(" | ").append(LoadOptions.number(options.rates().get(k)))
                    .append(" | ").append(cell(runs, r -> rate(r, k) == null ? Double.NaN : rate(r, k).deliveredRate(), "%.0f"))
                    .append(" | ").append(cell(runs, r -> rate(r, k) == null ? Double.NaN : rate(r, k).lost(), "%.0f"))
                    .append(" | ").append(cell(runs, r -> rate(r, k) == null ? Double.NaN : rate(r, k).late(), "%.0f"))
                    .append(" | ").append(cell(runs, r -> latency(r, k, 50), "%.2f"))
                    .append(" | ").append(cell(runs, r -> latency(r, k, 90), "%.2f"))
                    .append(" | ").append(cell(runs, r -> latency(r, k, 99), "%.2f"))
                    .append(" | ").append(cell(runs, r -> latency(r, k, 100), "%.2f"))
                    .append(" | ").append(cell(runs, r -> rate(r, k) == null ? Double.NaN : rate(r, k).sendLag().p99() / 1000.0, "%.2f"))
                    .append(" |\n"));
        }

        Set<String> processes = new LinkedHashSet<>();
        byTarget.values().forEach(runs -> runs.forEach(r -> processes.addAll(r.processes())));
        md.append("\n### CPU time per delivered message (µs, utime + stime from /proc)\n\n");
        md.append("| target | offered msg/s |");
        processes.forEach(p -> md.append(' ').append(p).append(" |"));
        md.append(" servers total | generator |\n|---|---:|");
        processes.forEach(p -> md.append("---:|"));
        md.append("---:|---:|\n");
        for (int i = 0; i < options.rates().size(); i++) {
            int k = i;
            byTarget.forEach((name, runs) -> {
                md.append("| ").append(name).append(" | ").append(LoadOptions.number(options.rates().get(k))).append(" |");
                for (String p : processes) {
                    md.append(' ').append(cell(runs, r -> rate(r, k) == null ? Double.NaN : rate(r, k).cpuMicrosPerMessage(p), "%.1f")).append(" |");
                }
                md.append(' ').append(cell(runs, r -> serversCpu(r, k), "%.1f")).append(" |");
                md.append(' ').append(cell(runs, r -> rate(r, k) == null ? Double.NaN : rate(r, k).cpuMicrosPerMessage(CpuClock.GENERATOR), "%.1f")).append(" |\n");
            });
        }

        md.append("\n### Memory with every session logged in and idle (one long-poll held per BOSH session)\n\n");
        md.append("| target | process | RSS before login MiB | RSS idle MiB | KiB per session |\n|---|---|---:|---:|---:|\n");
        byTarget.forEach((name, runs) -> {
            Set<String> names = new LinkedHashSet<>();
            runs.forEach(r -> names.addAll(r.processes()));
            names.add("generator");
            for (String p : names) {
                md.append("| ").append(name).append(" | ").append(p)
                        .append(" | ").append(cell(runs, r -> mem(r, p, true) / 1048576.0, "%.1f"))
                        .append(" | ").append(cell(runs, r -> mem(r, p, false) / 1048576.0, "%.1f"))
                        .append(" | ").append(cell(runs, r -> r.memory() == null ? Double.NaN : r.memory().bytesPerSession(p) / 1024, "%.1f"))
                        .append(" |\n");
            }
        });

        if (options.maxRate().on()) {
            maxRateTables(md);
        }

        List<String[]> compared = comparedWithFloor();
        if (!compared.isEmpty()) {
            md.append("\n### Against raw c2s to the same server, same run (medians)\n\n");
            md.append("| target | compared with | offered msg/s | p50 − c2s ms | p99 − c2s ms | servers CPU/msg ÷ c2s | login rate ÷ c2s |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|\n");
            for (int i = 0; i < options.rates().size(); i++) {
                int k = i;
                for (String[] pair : compared) {
                    List<TargetResult> runs = byTarget.get(pair[0]);
                    List<TargetResult> floor = byTarget.get(pair[1]);
                    double floorLogin = median(floor, r -> r.login() == null ? Double.NaN : r.login().rate());
                    md.append("| ").append(pair[0]).append(" | ").append(pair[1])
                            .append(" | ").append(LoadOptions.number(options.rates().get(k)))
                            .append(" | ").append(fmt(median(runs, r -> latency(r, k, 50)) - median(floor, r -> latency(r, k, 50)), "%+.2f"))
                            .append(" | ").append(fmt(median(runs, r -> latency(r, k, 99)) - median(floor, r -> latency(r, k, 99)), "%+.2f"))
                            .append(" | ").append(fmt(median(runs, r -> serversCpu(r, k)) / median(floor, r -> serversCpu(r, k)), "%.2f"))
                            .append(" | ").append(fmt(median(runs, r -> r.login() == null ? Double.NaN : r.login().rate()) / floorLogin, "%.2f"))
                            .append(" |\n");
                }
            }
        }
        return md.toString();
    }

    /**
     * The highest sustained rate of each target (median [min–max] over repetitions), its ratio to raw
     * c2s to the same server (per repetition, then the median), the latency and CPU at that rate, what
     * stopped the search; then every step of every search.
     */
    private void maxRateTables(StringBuilder md) {
        MaxRateSettings m = options.maxRate();
        md.append("\n### Highest sustained rate\n\n");
        md.append("The highest offered rate at which p99 ≤ ").append(LoadOptions.text(m.p99Limit()))
                .append(", nothing was lost and the generator kept to its schedule (p99 lag ≤ ")
                .append(LoadOptions.text(m.lagLimit())).append("). Search: from ").append(LoadOptions.number(m.start()))
                .append(" msg/s ×").append(LoadOptions.number(m.factor())).append(" up to at most ")
                .append(LoadOptions.number(m.limit())).append(" msg/s, then bisection to ")
                .append(LoadOptions.number(Math.round(m.resolution() * 1000) / 10.0)).append(" %; ")
                .append(LoadOptions.text(m.stepDuration())).append(" per step. Latency and CPU are those of the step at")
                .append(" the highest rate. CPU in cores (1 = one core busy); the generator shares the machine's")
                .append(" cores with the servers.\n\n");
        md.append("| target | highest msg/s | ÷ raw c2s | p50 ms | p99 ms | servers CPU cores | generator CPU cores"
                + " | generator µs/msg | generator lag p99 ms | next step failed on |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        boolean anyCapped = false;
        boolean anyGenerator = false;
        for (Map.Entry<String, List<TargetResult>> e : byTarget.entrySet()) {
            String name = e.getKey();
            List<TargetResult> runs = e.getValue();
            boolean capped = runs.stream().anyMatch(r -> r.maxRate() != null && r.maxRate().reachedLimit());
            boolean generator = runs.stream().anyMatch(r -> r.maxRate() != null && r.maxRate().generatorBound());
            anyCapped |= capped;
            anyGenerator |= generator;
            TargetKind kind = TargetKind.byLabel(name);
            List<TargetResult> floor = kind == null || kind.isFloor() ? null : byTarget.get(kind.floor().label());
            md.append("| ").append(name)
                    .append(" | ").append(capped ? "≥ " : "").append(cell(runs, Report::highest, "%.0f"))
                    .append(generator ? " ‡" : "")
                    .append(" | ").append(floor == null ? "–" : cell(runs, r -> highest(r) / highest(sameRepetition(floor, r)), "%.2f"))
                    .append(" | ").append(cell(runs, r -> best(r) == null ? Double.NaN : best(r).latency().p50() / 1000.0, "%.2f"))
                    .append(" | ").append(cell(runs, r -> best(r) == null ? Double.NaN : best(r).latency().p99() / 1000.0, "%.2f"))
                    .append(" | ").append(cell(runs, r -> best(r) == null ? Double.NaN : serversCores(r, best(r)), "%.2f"))
                    .append(" | ").append(cell(runs, r -> best(r) == null ? Double.NaN : best(r).cores(CpuClock.GENERATOR), "%.2f"))
                    .append(" | ").append(cell(runs, r -> best(r) == null ? Double.NaN : best(r).cpuMicrosPerMessage(CpuClock.GENERATOR), "%.0f"))
                    .append(" | ").append(cell(runs, r -> best(r) == null ? Double.NaN : best(r).sendLag().p99() / 1000.0, "%.2f"))
                    .append(" | ").append(limitedBy(runs))
                    .append(" |\n");
        }
        if (anyCapped) {
            md.append("\n≥: the limit (`--max-rate-limit ").append(LoadOptions.number(m.limit()))
                    .append("`) passed in some repetition; the real ceiling is higher.\n");
        }
        if (anyGenerator) {
            md.append("\n‡: in some repetition the next step failed only because the load generator fell behind its")
                    .append(" schedule: that result is the generator's ceiling on this machine (it shares the cores with")
                    .append(" the servers), not necessarily the target's.\n");
        }
        md.append("\n#### Max-rate search steps\n\n");
        md.append("Each step: offered msg/s, ✓ passed or ✗ with what failed, p99 in ms.\n\n");
        byTarget.forEach((name, runs) -> runs.forEach(r -> {
            if (r.maxRate() == null) {
                return;
            }
            md.append("- ").append(name).append(", repetition ").append(r.repetition()).append(": ");
            List<String> parts = new ArrayList<>();
            for (MaxRateStep step : r.maxRate().steps()) {
                String p99 = step.result() == null || step.result().latency().count() == 0 ? ""
                        : " (" + ms(step.result().latency().p99()) + ")";
                parts.add(LoadOptions.number(step.rate()) + (step.passed() ? " ✓" : " ✗ " + MaxRateSearch.text(step.failures())) + p99);
            }
            md.append(String.join(" · ", parts));
            if (r.maxRate().note() != null) {
                md.append(" — ").append(r.maxRate().note());
            }
            md.append('\n');
        }));
    }

    private static double highest(TargetResult r) {
        return r == null || r.maxRate() == null ? Double.NaN : r.maxRate().highest();
    }

    /** The measured step at the highest passing rate, or null. */
    private static RateResult best(TargetResult r) {
        return r.maxRate() == null ? null : r.maxRate().best().map(MaxRateStep::result).orElse(null);
    }

    /** The run of {@code runs} in the same repetition as {@code r}, or null. */
    private static TargetResult sameRepetition(List<TargetResult> runs, TargetResult r) {
        return runs.stream().filter(f -> f.repetition() == r.repetition()).findFirst().orElse(null);
    }

    /** The CPU of the target's processes (not the generator) during {@code x}, in cores. */
    private static double serversCores(TargetResult r, RateResult x) {
        double sum = 0;
        for (String p : r.processes()) {
            sum += x.cores(p);
        }
        return sum;
    }

    /** What the step above the highest pass failed on, counted over the repetitions: "p99 ×2, p99, loss ×1". */
    private static String limitedBy(List<TargetResult> runs) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (TargetResult r : runs) {
            if (r.maxRate() == null) {
                continue;
            }
            String why = r.maxRate().reachedLimit() ? "(limit passed)"
                    : r.maxRate().limitedBy().isEmpty() ? "–" : MaxRateSearch.text(r.maxRate().limitedBy());
            counts.merge(why, 1, Integer::sum);
        }
        if (counts.isEmpty()) {
            return "–";
        }
        List<String> out = new ArrayList<>();
        counts.forEach((why, n) -> out.add(runs.size() > 1 ? why + " ×" + n : why));
        return String.join("; ", out);
    }

    /**
     * The rows of the comparison table: {target label, label of the raw c2s target to the same
     * server}, for every target whose floor ran too, in report order.
     */
    List<String[]> comparedWithFloor() {
        List<String[]> out = new ArrayList<>();
        for (String name : byTarget.keySet()) {
            TargetKind kind = TargetKind.byLabel(name);
            if (kind == null || kind.isFloor()) {
                continue;
            }
            List<TargetResult> floor = byTarget.get(kind.floor().label());
            if (floor != null && !floor.isEmpty()) {
                out.add(new String[] {name, kind.floor().label()});
            }
        }
        return out;
    }

    private static RateResult rate(TargetResult r, int k) {
        return r.rates() != null && k < r.rates().size() ? r.rates().get(k) : null;
    }

    /** Latency percentile {@code p} (100 = max) of rate {@code k}, in ms. */
    private static double latency(TargetResult r, int k, int p) {
        RateResult x = rate(r, k);
        if (x == null || x.latency().count() == 0) {
            return Double.NaN;
        }
        long micros = switch (p) {
            case 50 -> x.latency().p50();
            case 90 -> x.latency().p90();
            case 99 -> x.latency().p99();
            default -> x.latency().max();
        };
        return micros / 1000.0;
    }

    /** CPU per login of every process but the generator, summed. */
    private static double serversLoginCpu(TargetResult r) {
        if (r.login() == null) {
            return Double.NaN;
        }
        double sum = 0;
        for (String p : r.processes()) {
            sum += r.login().cpuMicrosPerLogin(p);
        }
        return sum;
    }

    /** CPU per message of every process but the generator, summed. */
    private static double serversCpu(TargetResult r, int k) {
        RateResult x = rate(r, k);
        if (x == null) {
            return Double.NaN;
        }
        double sum = 0;
        for (String p : r.processes()) {
            sum += x.cpuMicrosPerMessage(p);
        }
        return sum;
    }

    private static double mem(TargetResult r, String process, boolean before) {
        if (r.memory() == null) {
            return Double.NaN;
        }
        Long v = (before ? r.memory().rssBefore() : r.memory().rssIdle()).get(process);
        return v == null ? Double.NaN : v;
    }

    /** The median over repetitions, with [min–max] when there are several. */
    static String cell(List<TargetResult> runs, ToDoubleFunction<TargetResult> f, String format) {
        double[] v = runs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) {
            return "–";
        }
        String median = fmt(median(v), format);
        return v.length == 1 ? median : median + " [" + fmt(v[0], format) + "–" + fmt(v[v.length - 1], format) + "]";
    }

    static double median(List<TargetResult> runs, ToDoubleFunction<TargetResult> f) {
        double[] v = runs.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        return v.length == 0 ? Double.NaN : median(v);
    }

    static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String fmt(double v, String format) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–" : String.format(Locale.ROOT, format, v);
    }

    /** Microseconds as milliseconds with two decimals. */
    static String ms(long micros) {
        return String.format(Locale.ROOT, "%.2f", micros / 1000.0);
    }
}
