package dev.promptrelay.sandbox;

/**
 * How the sandbox behaves: how long a task takes, which prompts it refuses the way a moderation check would, and
 * whether it answers every Nth submit with 429 and {@code Retry-After: 1} (0: never).
 */
public record SandboxBehaviour(long taskMillis, String refuseMarker, int throttleEvery) {

    public static final String DEFAULT_REFUSE_MARKER = "[sandbox:refuse]";

    public SandboxBehaviour(long taskMillis, String refuseMarker) {
        this(taskMillis, refuseMarker, 0);
    }

    public boolean refuses(String prompt) {
        return refuseMarker != null && !refuseMarker.isEmpty() && prompt.contains(refuseMarker);
    }
}
