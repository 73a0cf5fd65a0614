package dev.promptrelay.provider;

import java.time.Instant;

/** One ended task as a poll plan sees it: how long it took from its submit, and when its end was seen. */
public record TaskEnd(long millis, Instant endedAt) {
}
