package dev.promptrelay.provider;

import java.time.Duration;

/**
 * The tries of one paid submit. A try is repeated only when the provider certainly did not take the request.
 */
public class SubmitAttempts {

    private final int maxAttempts;
    private int attempts;
    private boolean again = true;
    private long waitMillis;

    public SubmitAttempts(int maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    public boolean isAgain() {
        return again;
    }

    public long getWaitMillis() {
        return waitMillis;
    }

    public int getAttempts() {
        return attempts;
    }

    void started() {
        attempts++;
        again = false;
        waitMillis = 0;
    }

    /** The provider refused before taking the job; returns false when no try is left. */
    boolean retryLater(Duration askedWait) {
        if (attempts >= maxAttempts) {
            return false;
        }
        long backoff = Math.min(60_000L, 1000L << Math.min(attempts, 6));
        waitMillis = askedWait != null ? Math.max(askedWait.toMillis(), 100) : backoff;
        again = true;
        return true;
    }

    void heldOff() {
        waitMillis = 0;
    }
}
