package dev.promptrelay.sandbox;

/**
 * How the sandbox behaves: how long a task takes, which prompts it refuses the way a moderation check would, how
 * large a video result is, how long a signed Scenario link stays valid, and which faults it injects.
 */
public record SandboxBehaviour(long taskMillis, String refuseMarker, long videoBytes, long linkMillis,
        SandboxFaults faults) {

    public static final String DEFAULT_REFUSE_MARKER = "[sandbox:refuse]";
    public static final long DEFAULT_VIDEO_BYTES = 1 << 20;
    public static final long DEFAULT_LINK_MILLIS = 60_000;

    public SandboxBehaviour(long taskMillis, String refuseMarker) {
        this(taskMillis, refuseMarker, DEFAULT_VIDEO_BYTES, DEFAULT_LINK_MILLIS, SandboxFaults.NONE);
    }

    public SandboxBehaviour withFaults(SandboxFaults newFaults) {
        return new SandboxBehaviour(taskMillis, refuseMarker, videoBytes, linkMillis, newFaults);
    }

    public boolean refuses(String prompt) {
        return refuseMarker != null && !refuseMarker.isEmpty() && prompt.contains(refuseMarker);
    }

    /** Whether the task with this 1-based sequence number is refused: by its prompt, or as every Nth task. */
    public boolean refuses(String prompt, long taskNumber) {
        return refuses(prompt) || SandboxFaults.every(faults.refuseEvery(), taskNumber);
    }
}
