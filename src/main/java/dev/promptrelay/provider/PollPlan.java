package dev.promptrelay.provider;

import java.util.List;

/**
 * When to poll a task, from how long the last tasks of the same provider and model took. Each poll is placed where,
 * among the earlier tasks that had not ended by the last poll, a fixed share would have ended: polls come close
 * together where tasks usually end and far apart where they rarely do, so each poll has the same fair chance of
 * finding the end, and few are spent. Polls are never closer than a small share of the typical duration. Past the
 * slowest task seen, polls back off from the smallest step. With too few durations known, nothing is planned.
 */
public final class PollPlan {

    /** Durations needed before they are trusted. */
    static final int MIN_SAMPLES = 3;
    /** The chance each poll has of finding the end: about 1/0.3 = 3.3 polls a task. */
    static final double CHANCE_PER_POLL = 0.3;
    /** The closest two polls come, as a share of the typical duration. */
    static final double MIN_STEP_SHARE = 0.01;

    public static final PollPlan UNKNOWN = new PollPlan(new long[0], -1);

    private final long[] sorted;
    private final long minStepMillis;

    private PollPlan(long[] sorted, long minStepMillis) {
        this.sorted = sorted;
        this.minStepMillis = minStepMillis;
    }

    public static PollPlan from(List<Long> durations, long minStepMillis, long maxStepMillis) {
        if (durations.size() < MIN_SAMPLES) {
            return UNKNOWN;
        }
        long[] sorted = durations.stream().mapToLong(Long::longValue).map(d -> Math.max(0, d)).sorted().toArray();
        long typical = quantile(sorted, 0.5);
        long step = Math.max(minStepMillis, Math.min(maxStepMillis, Math.round(typical * MIN_STEP_SHARE)));
        return new PollPlan(sorted, step);
    }

    public boolean known() {
        return sorted.length > 0;
    }

    /** The first poll, in milliseconds after the submit: half a step before the first share of tasks ended. */
    public long firstPollMillis() {
        return Math.max(0, quantile(sorted, CHANCE_PER_POLL) - minStepMillis / 2);
    }

    /**
     * The next poll after one at {@code elapsedMillis} found the task still running, in milliseconds after the
     * submit; -1 when every task seen had ended by then (this one is unusually slow).
     */
    public long nextPollMillis(long elapsedMillis) {
        int stillRunning = 0;
        for (int i = sorted.length - 1; i >= 0 && sorted[i] > elapsedMillis; i--) {
            stillRunning++;
        }
        if (stillRunning == 0) {
            return -1;
        }
        double survived = stillRunning / (double) sorted.length;
        long target = quantile(sorted, 1 - (1 - CHANCE_PER_POLL) * survived);
        return Math.max(elapsedMillis + minStepMillis, target);
    }

    public long minStepMillis() {
        return minStepMillis;
    }

    static long quantile(long[] sorted, double share) {
        int index = (int) Math.min(sorted.length - 1, Math.max(0, Math.round(share * (sorted.length - 1))));
        return sorted[index];
    }
}
