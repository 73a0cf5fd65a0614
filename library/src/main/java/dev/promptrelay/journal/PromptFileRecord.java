package dev.promptrelay.journal;

import java.time.Instant;

/**
 * A prompt file taken from the inbox (or a request from the API) and held in the state directory until all its jobs
 * have ended.
 *
 * @param held   where it is held, as journaled: relative to the folder of held prompt files
 * @param sha256       of the content its jobs were read from
 * @param outputFolder the outbox folder it shares with others (a schedule's fires), or null for its own
 */
public record PromptFileRecord(String id, String name, String held, String sha256, String state, int jobCount,
        Instant receivedAt, String outputFolder) {
}
