package dev.promptrelay.journal;

import java.util.Arrays;

/**
 * Where a job is. The word is what the journal stores and what users see.
 */
public enum JobState {
    QUEUED("queued"),
    /** Handed to the submit route, nothing sent yet. */
    DISPATCHED("dispatched"),
    /** The paid request may be on the wire: after a crash the outcome is unknown. */
    SUBMITTING("submitting"),
    RUNNING("running"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    /** The provider may have accepted the submit; never resubmitted automatically. */
    SUBMIT_UNKNOWN("submit-unknown"),
    /** Stopped by its caller (DELETE /api/jobs/{id}): never submitted, or no longer polled. */
    CANCELLED("cancelled");

    private final String word;

    JobState(String word) {
        this.word = word;
    }

    public String word() {
        return word;
    }

    public boolean ended() {
        return this == SUCCEEDED || this == FAILED || this == SUBMIT_UNKNOWN || this == CANCELLED;
    }

    public static JobState of(String word) {
        return Arrays.stream(values()).filter(s -> s.word.equals(word)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown job state " + word));
    }

    @Override
    public String toString() {
        return word;
    }
}
