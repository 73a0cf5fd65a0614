package dev.promptrelay.sandbox;

/**
 * How the sandbox behaves, and which faults it injects: how long a task takes; which prompts it refuses the way a
 * moderation check would (a marker in the prompt, or every Nth task); every Nth ModelScope submit answered 429 with
 * {@code Retry-After: 1}; a share of polls answered 503; how large a video result is; how long a signed Scenario link
 * stays valid. 0 switches a fault off.
 */
public record SandboxBehaviour(long taskMillis, String refuseMarker, int throttleEvery, long videoBytes,
        long linkMillis, int failPollsPercent, int refuseEvery) {

    public static final String DEFAULT_REFUSE_MARKER = "[sandbox:refuse]";
    public static final long DEFAULT_VIDEO_BYTES = 1 << 20;
    public static final long DEFAULT_LINK_MILLIS = 60_000;

    public SandboxBehaviour(long taskMillis, String refuseMarker, int throttleEvery) {
        this(taskMillis, refuseMarker, throttleEvery, DEFAULT_VIDEO_BYTES, DEFAULT_LINK_MILLIS, 0, 0);
    }

    public SandboxBehaviour(long taskMillis, String refuseMarker) {
        this(taskMillis, refuseMarker, 0);
    }

    public SandboxBehaviour withFaults(int newThrottleEvery, int newFailPollsPercent, int newRefuseEvery) {
        return new SandboxBehaviour(taskMillis, refuseMarker, newThrottleEvery, videoBytes, linkMillis,
                newFailPollsPercent, newRefuseEvery);
    }

    public boolean refuses(String prompt) {
        return refuseMarker != null && !refuseMarker.isEmpty() && prompt.contains(refuseMarker);
    }

    /** Whether the task with this 1-based sequence number is refused: by its prompt, or as every Nth task. */
    public boolean refuses(String prompt, long taskNumber) {
        return refuses(prompt) || refuseEvery > 0 && taskNumber % refuseEvery == 0;
    }

    /** Whether the Nth poll (1-based) fails with 503: exactly failPollsPercent of every hundred, spread out. */
    public boolean failsPoll(long pollNumber) {
        return failPollsPercent > 0 && pollNumber * failPollsPercent / 100 > (pollNumber - 1) * failPollsPercent / 100;
    }
}
