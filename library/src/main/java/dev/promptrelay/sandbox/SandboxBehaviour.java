package dev.promptrelay.sandbox;

/**
 * How the sandbox behaves: how long a task takes, which prompts it refuses the way a moderation check would, how
 * large a video result is, how long a signed Scenario link stays valid, which faults it injects, how task durations
 * spread (log-normal, {@code latencySigma}; 0: all alike), and how many ModelScope tasks may run at once
 * ({@code maxRunning}; beyond it a submit is answered 429, as a provider's concurrency limit; 0: no limit).
 */
public record SandboxBehaviour(long taskMillis, String refuseMarker, long videoBytes, long linkMillis,
        SandboxFaults faults, double latencySigma, int maxRunning) {

    public static final String DEFAULT_REFUSE_MARKER = "[sandbox:refuse]";
    public static final long DEFAULT_VIDEO_BYTES = 1 << 20;
    public static final long DEFAULT_LINK_MILLIS = 60_000;

    public SandboxBehaviour(long taskMillis, String refuseMarker, long videoBytes, long linkMillis,
                            SandboxFaults faults) {
        this(taskMillis, refuseMarker, videoBytes, linkMillis, faults, 0, 0);
    }

    public SandboxBehaviour(long taskMillis, String refuseMarker) {
        this(taskMillis, refuseMarker, DEFAULT_VIDEO_BYTES, DEFAULT_LINK_MILLIS, SandboxFaults.NONE);
    }

    public SandboxBehaviour withFaults(SandboxFaults newFaults) {
        return new SandboxBehaviour(taskMillis, refuseMarker, videoBytes, linkMillis, newFaults, latencySigma,
                maxRunning);
    }

    /** A task's duration: taskMillis, or log-normal around it (mean taskMillis) when latencySigma is above 0. */
    public long drawTaskMillis(java.util.Random random) {
        if (latencySigma <= 0) {
            return taskMillis;
        }
        return Math.round(taskMillis * Math.exp(latencySigma * random.nextGaussian() - latencySigma * latencySigma / 2));
    }

    public boolean refuses(String prompt) {
        return refuseMarker != null && !refuseMarker.isEmpty() && prompt.contains(refuseMarker);
    }

    /** Whether the task with this 1-based sequence number is refused: by its prompt, or as every Nth task. */
    public boolean refuses(String prompt, long taskNumber) {
        return refuses(prompt) || SandboxFaults.every(faults.refuseEvery(), taskNumber);
    }
}
