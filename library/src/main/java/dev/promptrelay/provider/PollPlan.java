package dev.promptrelay.provider;

import java.util.ArrayList;
import java.util.List;

/**
 * When to poll a task, from how long the last tasks of the same provider and model took. The polls are the fixed
 * schedule that, had it been used for those tasks, would have noticed their ends soonest on average while spending at
 * most {@link #POLLS_PER_TASK} polls a task: an optimal inspection schedule over the durations seen (smoothed), worked
 * out by dynamic programming. Polls come close together where tasks usually end and far apart where they rarely do, and each
 * sits just after a duration seen, never closer than a small share of the typical duration to the one before. A task
 * slower than every one seen is left to {@link TaskWatch} (polled again after a tenth of its age, then backing off).
 * With too few durations known, nothing is planned.
 */
public final class PollPlan {

    /** Durations needed before they are trusted. */
    static final int MIN_SAMPLES = 3;
    /** The polls a task may cost on average, over the durations seen (the tail past them costs a few more). */
    static final double POLLS_PER_TASK = 5.0;
    /** The closest two polls come, as a share of the typical duration. */
    static final double MIN_STEP_SHARE = 0.01;

    public static final PollPlan UNKNOWN = new PollPlan(new long[0], -1);

    /** The planned polls, in milliseconds after the submit, ascending. */
    private final long[] polls;
    private final long minStepMillis;

    private PollPlan(long[] polls, long minStepMillis) {
        this.polls = polls;
        this.minStepMillis = minStepMillis;
    }

    public static PollPlan from(List<Long> durations, long minStepMillis, long maxStepMillis) {
        if (durations.size() < MIN_SAMPLES) {
            return UNKNOWN;
        }
        long[] sorted = durations.stream().mapToLong(Long::longValue).map(d -> Math.max(0, d)).sorted().toArray();
        long typical = sorted[sorted.length / 2];
        long step = Math.max(minStepMillis, Math.min(maxStepMillis, Math.round(typical * MIN_STEP_SHARE)));
        return new PollPlan(schedule(smoothed(sorted), step), step);
    }

    /** Nine points of equal weight of the standard normal distribution, at the middle of each ninth. */
    private static final double[] NINTHS = {-1.5932, -0.9674, -0.5895, -0.2822, 0, 0.2822, 0.5895, 0.9674, 1.5932};

    /**
     * The durations seen, each spread into nine around it on a log scale (a kernel density estimate, Silverman's
     * bandwidth): a new task rarely takes exactly what an earlier one did, and a schedule fitted to the few seen
     * exactly would place its polls at them and miss the ones between.
     */
    static long[] smoothed(long[] sorted) {
        int n = sorted.length;
        double mean = 0;
        for (long d : sorted) {
            mean += Math.log(Math.max(1, d));
        }
        mean /= n;
        double variance = 0;
        for (long d : sorted) {
            variance += Math.pow(Math.log(Math.max(1, d)) - mean, 2);
        }
        variance /= n - 1;
        double bandwidth = 1.06 * Math.sqrt(variance) * Math.pow(n, -0.2);
        if (bandwidth == 0) {
            return sorted;
        }
        long[] spread = new long[n * NINTHS.length];
        int k = 0;
        for (long d : sorted) {
            for (double z : NINTHS) {
                spread[k++] = Math.round(d * Math.exp(bandwidth * z));
            }
        }
        java.util.Arrays.sort(spread);
        return spread;
    }

    /**
     * The schedule: candidate polls half a step after each group of durations (those within a step of each other
     * share one); then, for a price per poll, the cheapest path through them by dynamic programming (the delay each
     * task's end waits for the next poll, plus the price of every poll a still-running task makes); the price is the
     * lowest that keeps the polls within {@link #POLLS_PER_TASK}.
     */
    static long[] schedule(long[] sorted, long step) {
        // index 0 is the submit; candidate c ends the first ended[c] durations, whose sum is sumEnded[c]
        long[] at = new long[sorted.length + 1];
        int[] ended = new int[sorted.length + 1];
        double[] sumEnded = new double[sorted.length + 1];
        int k = 0;
        double sum = 0;
        for (int i = 0; i < sorted.length; i++) {
            long groupStart = sorted[i];
            sum += sorted[i];
            while (i + 1 < sorted.length && sorted[i + 1] - groupStart < step) {
                sum += sorted[++i];
            }
            k++;
            at[k] = sorted[i] + step / 2;
            ended[k] = i + 1;
            sumEnded[k] = sum;
        }
        at = java.util.Arrays.copyOf(at, k + 1);
        ended = java.util.Arrays.copyOf(ended, k + 1);
        sumEnded = java.util.Arrays.copyOf(sumEnded, k + 1);
        int[] next = new int[k + 1];
        double low = 0;
        // at this price the cheapest plan is one poll after the slowest task: within any budget
        double high = sorted[sorted.length - 1] + step;
        path(at, ended, sumEnded, sorted.length, high, next);
        int[] best = next.clone();
        for (int round = 0; round < 30; round++) {
            double price = (low + high) / 2;
            if (path(at, ended, sumEnded, sorted.length, price, next) <= POLLS_PER_TASK) {
                high = price;
                best = next.clone();
            } else {
                low = price;
            }
        }
        List<Long> planned = new ArrayList<>();
        for (int c = best[0]; c > 0; c = c == k ? 0 : best[c]) {
            planned.add(at[c]);
        }
        return planned.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * The cheapest schedule for one price per poll, as {@code next[c]}: the poll after candidate c (0: the submit).
     * Returns its polls per task over the durations seen.
     */
    private static double path(long[] at, int[] ended, double[] sumEnded, int n, double price, int[] next) {
        int k = at.length - 1;
        double[] cost = new double[k + 1];
        for (int j = k - 1; j >= 0; j--) {
            int running = n - ended[j];
            double cheapest = Double.MAX_VALUE;
            for (int c = j + 1; c <= k; c++) {
                // the tasks ending between the polls at j and c wait until c; every task still running pays a poll
                double waits = at[c] * (double) (ended[c] - ended[j]) - (sumEnded[c] - sumEnded[j]);
                double total = price * running + waits + cost[c];
                if (total < cheapest) {
                    cheapest = total;
                    next[j] = c;
                }
            }
            cost[j] = cheapest;
        }
        double polls = 0;
        for (int j = 0; j < k; j = next[j]) {
            polls += n - ended[j];
        }
        return polls / n;
    }

    public boolean known() {
        return polls.length > 0;
    }

    /** The first poll, in milliseconds after the submit. */
    public long firstPollMillis() {
        return polls[0];
    }

    /**
     * The next poll after one at {@code elapsedMillis} found the task still running, in milliseconds after the
     * submit; -1 when every task seen had ended by then (this one is unusually slow).
     */
    public long nextPollMillis(long elapsedMillis) {
        for (long poll : polls) {
            if (poll > elapsedMillis) {
                return Math.max(elapsedMillis + minStepMillis, poll);
            }
        }
        return -1;
    }

    public long minStepMillis() {
        return minStepMillis;
    }
}
