package boshcm.bench.load.run;

import boshcm.bench.load.client.LoadClient;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.OptionalDouble;
import org.HdrHistogram.Histogram;

/**
 * The highest sustained rate of one target: short fixed-rate steps ({@link MessagePhase}) over the
 * sessions already logged in, at the rates {@link RateSearch} asks for, each judged by
 * {@link MaxRateSettings#judge}. After a failed step the target gets time to recover: the phase
 * waits for the backlog of messages still in flight (at most {@code --max-rate-recovery}), and any
 * that arrive later are counted as stale, not as the next step's. Every step is followed by a
 * pause. A lost session ends the search, since every later step would be missing its messages.
 *
 * <p>A step that failed only on latency or generator lag is run once more at the same rate, after
 * the recovery, and the second run decides: a single pause of a server (Prosody's Lua collector
 * stops it for 100-270 ms now and then) or of the machine fails a 5 s step on p99 whatever the rate,
 * and without the second run one such pause early in the search decided the result of the whole
 * target. A real limit fails both runs. Both runs are listed in the report.
 */
final class MaxRateSearch {

    private final LoadClient client;
    private final MessagePhase phase;
    private final MaxRateSettings settings;
    private final Duration drain;
    private final PrintStream log;
    /** The latency histogram of the best step, for its .hgrm file. */
    Histogram bestLatency;

    MaxRateSearch(LoadClient client, MessagePhase phase, MaxRateSettings settings, Duration drain, PrintStream log) {
        this.client = client;
        this.phase = phase;
        this.settings = settings;
        this.drain = drain;
        this.log = log;
    }

    MaxRateResult run() throws IOException, InterruptedException {
        RateSearch search = new RateSearch(settings.start(), settings.factor(), settings.limit(), settings.resolution());
        List<MaxRateStep> steps = new ArrayList<>();
        String note = null;
        boolean retrying = false;
        OptionalDouble next = search.next();
        while (next.isPresent()) {
            double rate = next.getAsDouble();
            long lostBefore = client.stats().sessionsLost;
            RateResult r;
            try {
                r = phase.run(rate, settings.stepDuration(), drain);
            } catch (IllegalStateException e) {
                steps.add(new MaxRateStep(rate, null, EnumSet.of(StepFailure.ERROR)));
                note = "the step at " + LoadOptions.number(rate) + " msg/s broke off (" + e.getMessage() + "): search ended";
                log.println("   max-rate " + LoadOptions.number(rate) + " msg/s: " + note);
                break;
            }
            long sessionsLost = client.stats().sessionsLost - lostBefore;
            EnumSet<StepFailure> failures = settings.judge(r, sessionsLost);
            steps.add(new MaxRateStep(rate, r, failures));
            boolean retry = !retrying && worthRetrying(failures);
            if (!retry) {
                search.record(rate, failures.isEmpty());
                if (failures.isEmpty() && rate >= search.highest()) {
                    bestLatency = phase.lastLatency;
                }
            }
            log.printf("   max-rate %6s msg/s: %s | sent %d, lost %d, stale %d | p50 %s p99 %s ms | generator lag p99 %s ms,"
                            + " generator %.2f cores%n",
                    LoadOptions.number(rate), failures.isEmpty() ? "pass" : "FAIL (" + text(failures) + ")", r.sent(),
                    r.lost() + r.errors(), r.stale(), Report.ms(r.latency().p50()), Report.ms(r.latency().p99()),
                    Report.ms(r.sendLag().p99()), r.cores(CpuClock.GENERATOR));
            if (failures.contains(StepFailure.SESSIONS_LOST)) {
                note = (sessionsLost > 0 ? sessionsLost + " sessions" : "senders") + " lost at "
                        + LoadOptions.number(rate) + " msg/s: search ended";
                log.println("   max-rate: " + note);
                break;
            }
            if (!failures.isEmpty()) {
                long missing = phase.awaitBacklog(MaxRateSettings.QUIET, settings.recovery());
                if (missing > 0) {
                    log.printf("   max-rate: %d messages of that step never arrived%n", missing);
                }
            }
            Thread.sleep(settings.pause().toMillis());
            if (retry) {
                log.println("   max-rate: once more at " + LoadOptions.number(rate) + " msg/s");
                retrying = true;
            } else {
                retrying = false;
                next = search.next();
            }
        }
        return new MaxRateResult(search.highest(), search.reachedLimit(), List.copyOf(steps), note);
    }

    /** Whether a failed step is run once more: it failed, and only on what a passing pause can cause. */
    static boolean worthRetrying(java.util.Set<StepFailure> failures) {
        return !failures.isEmpty()
                && EnumSet.of(StepFailure.LATENCY, StepFailure.GENERATOR_LAG).containsAll(failures);
    }

    static String text(java.util.Set<StepFailure> failures) {
        return String.join(", ", failures.stream().map(StepFailure::text).toList());
    }
}
