package dev.promptrelay.sandbox;

/**
 * How the sandbox behaves: how long a task takes, which prompts it refuses the way a moderation check would, whether
 * it answers every Nth ModelScope submit with 429 and {@code Retry-After: 1} (0: never), how large a video result is,
 * and how long a signed Scenario download link stays valid.
 */
public record SandboxBehaviour(long taskMillis, String refuseMarker, int throttleEvery, long videoBytes,
        long linkMillis) {

    public static final String DEFAULT_REFUSE_MARKER = "[sandbox:refuse]";
    public static final long DEFAULT_VIDEO_BYTES = 1 << 20;
    public static final long DEFAULT_LINK_MILLIS = 60_000;

    public SandboxBehaviour(long taskMillis, String refuseMarker, int throttleEvery) {
        this(taskMillis, refuseMarker, throttleEvery, DEFAULT_VIDEO_BYTES, DEFAULT_LINK_MILLIS);
    }

    public SandboxBehaviour(long taskMillis, String refuseMarker) {
        this(taskMillis, refuseMarker, 0);
    }

    public boolean refuses(String prompt) {
        return refuseMarker != null && !refuseMarker.isEmpty() && prompt.contains(refuseMarker);
    }
}
