package boshcm.bench.load.run;

import boshcm.bench.load.target.TargetKind;
import java.time.Duration;

/**
 * A rough estimate of how long a load run takes, from its options, printed before it starts. The
 * fixed parts are known (the phases' durations); the rest is assumed from runs on the 2-core machine:
 * starting a target, logging in, and how many steps the max-rate search takes, which depends on each
 * target's ceiling (assumed from the reference figures of issue 5). The scale run is not included.
 */
final class RunEstimate {

    private RunEstimate() {}

    /** Seconds to start and stop one target (servers, connection manager). */
    static double startStopSeconds(TargetKind kind) {
        return kind.server() == TargetKind.Server.EJABBERD ? 12 : 6;
    }

    /** The highest sustained rate assumed for the estimate (msg/s). */
    static double assumedCeiling(TargetKind kind) {
        return switch (kind) {
            case C2S, BOSHCM -> 3000;
            case NXB -> 1500;
            case PROSODY_BOSH -> 500;
            case C2S_EJABBERD, BOSHCM_EJABBERD -> 12_000;
            case EJABBERD_BOSH -> 3000;
        };
    }

    /** The number of search steps when the ceiling is {@code ceiling}, and how many of them fail. */
    static int[] searchSteps(MaxRateSettings m, double ceiling) {
        RateSearch search = new RateSearch(m.start(), m.factor(), m.limit(), m.resolution());
        int steps = 0;
        int failed = 0;
        for (var next = search.next(); next.isPresent() && steps < 100; next = search.next()) {
            boolean pass = next.getAsDouble() <= ceiling;
            search.record(next.getAsDouble(), pass);
            steps++;
            failed += pass ? 0 : 1;
        }
        return new int[] {steps, failed};
    }

    static Duration of(LoadOptions o) {
        double total = 0;
        double loginSeconds = o.sessions() / 300.0 + 2; // about 300 logins/s through the slower targets
        for (TargetKind kind : o.targets()) {
            double t = startStopSeconds(kind);
            if (o.loginWarmup() > 0) {
                t += o.loginWarmup() / 300.0 + 2 + seconds(o.settle());
            }
            t += loginSeconds + seconds(o.settle());
            if (!o.warmup().isZero()) {
                t += seconds(o.warmup()) + 1;
            }
            t += o.rates().size() * (seconds(o.duration()) + 1);
            MaxRateSettings m = o.maxRate();
            if (m.on()) {
                int[] steps = searchSteps(m, assumedCeiling(kind));
                // A failed step drains (at most --drain) and waits for its backlog (2 s of quiet at least).
                t += seconds(m.pause()) + steps[0] * (seconds(m.stepDuration()) + seconds(m.pause()) + 0.5)
                        + steps[1] * (Math.min(seconds(o.drain()), 5) + seconds(MaxRateSettings.QUIET) + 3);
            }
            t += 2; // logout
            total += t;
        }
        return Duration.ofSeconds(Math.round(total * o.repeat()));
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }

    /** "about 12 minutes", "about 40 seconds", "about 1 h 05 min". */
    static String text(Duration d) {
        long s = d.toSeconds();
        if (s < 90) {
            return "about " + s + " seconds";
        }
        long min = Math.round(s / 60.0);
        return min < 90 ? "about " + min + " minutes" : String.format("about %d h %02d min", min / 60, min % 60);
    }
}
