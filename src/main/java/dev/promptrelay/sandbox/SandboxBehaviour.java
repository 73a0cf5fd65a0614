package dev.promptrelay.sandbox;

/**
 * How the sandbox behaves: how long a task takes, and which prompts it refuses the way a moderation check would.
 */
public record SandboxBehaviour(long taskMillis, String refuseMarker) {

    public static final String DEFAULT_REFUSE_MARKER = "[sandbox:refuse]";

    public boolean refuses(String prompt) {
        return refuseMarker != null && !refuseMarker.isEmpty() && prompt.contains(refuseMarker);
    }
}
