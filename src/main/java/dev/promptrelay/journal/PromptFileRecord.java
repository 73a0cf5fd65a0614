package dev.promptrelay.journal;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A prompt file taken from the inbox and held in the state directory until all its jobs have ended.
 */
public record PromptFileRecord(String id, String name, Path heldPath, String state, int jobCount,
        Instant receivedAt) {
}
