package boshcm.bench.load.run;

/**
 * Why a step of the highest-sustained-rate search failed. A step passes when none applies: every
 * message arrived (after the drain), the p99 end-to-end latency is within the limit (100 ms by
 * default), and the generator kept to its schedule. With no message skipped and none lost, the
 * delivered rate equals the offered one, so "delivered ≈ offered" needs no test of its own.
 */
enum StepFailure {
    /** p99 end-to-end latency above the limit (or nothing delivered at all). */
    LATENCY("p99"),
    /** A message was lost (still missing after the drain) or bounced with {@code type='error'}. */
    LOSS("loss"),
    /**
     * The generator's p99 lag behind its send schedule was above the limit: the load was not offered
     * as asked, so the step says nothing sure about the target. When this is a boundary step's only
     * failure, the result is marked as limited by the generator.
     */
    GENERATOR_LAG("generator lag"),
    /** A session was dropped by the target (or a sender was down): the search stops here. */
    SESSIONS_LOST("sessions lost"),
    /** The step itself broke off (e.g. the senders never finished). */
    ERROR("error");

    private final String text;

    StepFailure(String text) {
        this.text = text;
    }

    String text() {
        return text;
    }
}
