package dev.promptrelay.provider;

import dev.promptrelay.journal.Job;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps count of each output's download tries for the store route: result URLs expire, so a failed try is repeated
 * soon, a few times; an output known only by its provider id gets a fresh link first, and one more when the old one is
 * refused.
 */
public class Downloads {

    private static final Logger LOG = LoggerFactory.getLogger(Downloads.class);

    private final int maxRetries;

    public Downloads(int maxRetries) {
        this.maxRetries = maxRetries;
    }

    public DownloadAttempts start(TaskOutput output) {
        return new DownloadAttempts(maxRetries, output.url() == null);
    }

    public void started(DownloadAttempts attempts) {
        attempts.started();
    }

    public void linked(DownloadAttempts attempts) {
        attempts.markLinked();
    }

    public void written(DownloadAttempts attempts) {
        attempts.markWritten();
    }

    /** A redirect to follow: at once, not counted as a try. */
    public void askAgainNow(DownloadAttempts attempts) {
        attempts.askAgainNow();
    }

    /** Whether a refused link may be replaced by a fresh one: only for outputs the provider names by id, and once. */
    public boolean canRelink(DownloadAttempts attempts, TaskOutput output) {
        return output.reference() != null && attempts.canRelink();
    }

    public void relink(DownloadAttempts attempts) {
        attempts.relink();
    }

    public boolean triesLeft(DownloadAttempts attempts) {
        return attempts.triesLeft();
    }

    public void retryLater(DownloadAttempts attempts) {
        attempts.retryLater();
    }

    /**
     * The disk refused the file. The result was produced and paid for, so it is downloaded again for as long as the
     * provider serves it, without counting as a try: at once the first time (into the state directory), later growing
     * to a minute while no folder takes it.
     */
    public void diskRefused(DownloadAttempts attempts, Job job, Throwable refusal) {
        attempts.diskRefused();
        LOG.warn("{}: the result of task {} could not be written ({}); downloading it again in {} ms", job.label(),
                job.taskId(), refusal.getMessage(), attempts.getWaitMillis());
    }
}
