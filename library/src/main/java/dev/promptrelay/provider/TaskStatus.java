package dev.promptrelay.provider;

/**
 * The one task life cycle every provider's own status words are mapped onto.
 */
public enum TaskStatus {
    SUBMITTED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELED,
    /** The provider said something we do not know: keep polling, never treat as failed. */
    UNKNOWN;

    public boolean ended() {
        return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }
}
