package dev.promptrelay.sandbox;

/**
 * Faults the sandbox injects into its ModelScope answers, for tests and for trying how promptrelay copes. 0 switches a
 * fault off; "every N" counts requests or tasks from 1, "percent" spreads exactly that share over each hundred.
 *
 * @param throttleEvery         every Nth submit answered 429 with {@code Retry-After: retryAfterSeconds}
 * @param submitErrorEvery      every Nth submit answered 500 after the task was created: the outcome is unknown
 * @param failPollsPercent      polls answered 503
 * @param resetPollsPercent     polls whose connection is closed without an answer
 * @param malformedPollsPercent polls answered 200 with a body that is not JSON
 * @param refuseEvery           every Nth task ends FAILED, as a moderation refusal
 * @param neverEndEvery         every Nth task never ends
 * @param slowMillis            every answer waits this long first
 * @param retryAfterSeconds     the Retry-After of a throttled submit (at least 1)
 */
public record SandboxFaults(int throttleEvery, int submitErrorEvery, int failPollsPercent, int resetPollsPercent,
        int malformedPollsPercent, int refuseEvery, int neverEndEvery, long slowMillis, int retryAfterSeconds) {

    public static final SandboxFaults NONE = new SandboxFaults(0, 0, 0, 0, 0, 0, 0, 0);

    public SandboxFaults {
        retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** With the 1 s Retry-After a provider gives most often. */
    public SandboxFaults(int throttleEvery, int submitErrorEvery, int failPollsPercent, int resetPollsPercent,
                         int malformedPollsPercent, int refuseEvery, int neverEndEvery, long slowMillis) {
        this(throttleEvery, submitErrorEvery, failPollsPercent, resetPollsPercent, malformedPollsPercent, refuseEvery,
                neverEndEvery, slowMillis, 1);
    }

    static boolean every(int n, long count) {
        return n > 0 && count % n == 0;
    }

    static boolean percent(int percent, long count) {
        return percent > 0 && count * percent / 100 > (count - 1) * percent / 100;
    }
}
