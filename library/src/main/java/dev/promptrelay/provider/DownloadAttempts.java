package dev.promptrelay.provider;

/**
 * The tries of one output's download. Result URLs expire, so a failed try is repeated soon; an output known only by
 * its provider id first gets a fresh link, and gets one more when the provider refuses the old one.
 */
public class DownloadAttempts {

    private final int maxRetries;
    private int attempts;
    private boolean again = true;
    private long waitMillis;
    private boolean linkNeeded;
    private boolean relinked;
    private boolean fetched;
    private int diskRefusals;

    public DownloadAttempts(int maxRetries, boolean linkNeeded) {
        this.maxRetries = maxRetries;
        this.linkNeeded = linkNeeded;
    }

    public boolean isAgain() {
        return again;
    }

    public long getWaitMillis() {
        return waitMillis;
    }

    /** True while the output still needs a (fresh) download URL before it can be fetched. */
    public boolean isLinkNeeded() {
        return linkNeeded;
    }

    /** True once the download answered 2xx and its content is on the message. */
    public boolean isFetched() {
        return fetched;
    }

    public int getAttempts() {
        return attempts;
    }

    void started() {
        attempts++;
        again = false;
        waitMillis = 0;
        fetched = false;
    }

    void markLinked() {
        linkNeeded = false;
    }

    void markFetched() {
        fetched = true;
    }

    void markWritten() {
        again = false;
    }

    boolean canRelink() {
        return !relinked;
    }

    /** The link was refused: ask for a new one at once, but only once. */
    void relink() {
        relinked = true;
        linkNeeded = true;
        again = true;
        waitMillis = 0;
    }

    /**
     * The disk refused the file: the download is tried again without counting as a try, at once the first time (it
     * then goes to the state directory), later growing to a minute while no folder takes it.
     */
    void diskRefused() {
        attempts--;
        diskRefusals++;
        waitMillis = diskRefusals == 1 ? 0 : Math.min(60_000L, 1000L << Math.min(diskRefusals - 2, 6));
        again = true;
    }

    public boolean wasDiskRefused() {
        return diskRefusals > 0;
    }

    /** The provider redirected the request: it goes to the new address at once, not counted as a try. */
    void askAgainNow() {
        attempts--;
        again = true;
        waitMillis = 0;
    }

    boolean triesLeft() {
        return attempts <= maxRetries;
    }

    /** A transient failure: tried again after 1, 2, 4 ... s, at most half a minute. */
    void retryLater() {
        waitMillis = Math.min(30_000L, 1000L << Math.min(attempts - 1, 5));
        again = true;
    }
}
