package dev.promptrelay.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A bound for any client that polls each task on a fixed schedule: the schedule that notices ends soonest on average
 * with at most {@link #POLLS} polls a task, worked out on the true distribution of the durations (log-normal with the
 * given mean and sigma, on a grid of 1/400 of the median), and the efficiency it would reach on the drawn durations with the next submit
 * leaving at the very moment the end is seen (list scheduling, as the oracle). What remains between it and the oracle
 * no client that knows only the elapsed time can win back.
 */
final class BestSchedule {

    static final double POLLS = 5.0;
    /** Grid points per median duration: 5 ms at L=2 s. */
    private static final int GRID_PER_MEDIAN = 400;
    /** Two polls are never further apart than this many grid points (2.5 medians): far beyond any best gap. */
    private static final int WIDEST_GAP = 1000;

    private final long[] polls;

    private BestSchedule(long[] polls) {
        this.polls = polls;
    }

    /** The best schedule for log-normal durations of this mean and sigma within {@link #POLLS} polls a task. */
    static BestSchedule forLogNormal(long meanMillis, double sigma) {
        double median = meanMillis * Math.exp(-sigma * sigma / 2);
        double grid = median / GRID_PER_MEDIAN;
        int n = (int) (GRID_PER_MEDIAN * Math.exp(5 * sigma)) + 2;
        double[] time = new double[n];
        double[] cdf = new double[n];
        double[] partialMean = new double[n];
        for (int i = 0; i < n; i++) {
            time[i] = i * grid;
            cdf[i] = i == 0 ? 0 : normalCdf(Math.log(time[i] / median) / sigma);
        }
        cdf[n - 1] = 1;
        for (int i = 1; i < n; i++) {
            // the mass between two grid points sits at their middle
            partialMean[i] = partialMean[i - 1] + (cdf[i] - cdf[i - 1]) * (time[i] + time[i - 1]) / 2;
        }
        double low = 0;
        double high = time[n - 1];
        int[] best = null;
        for (int round = 0; round < 40; round++) {
            double price = (low + high) / 2;
            int[] next = new int[n];
            if (plan(time, cdf, partialMean, price, next) <= POLLS) {
                high = price;
                best = next;
            } else {
                low = price;
            }
        }
        if (best == null) {
            best = new int[n];
            plan(time, cdf, partialMean, high, best);
        }
        List<Long> planned = new ArrayList<>();
        for (int i = best[0]; ; i = best[i]) {
            planned.add((long) time[i]);
            if (i == n - 1) {
                break;
            }
        }
        return new BestSchedule(planned.stream().mapToLong(Long::longValue).toArray());
    }

    /** The cheapest path for one price per poll, from the end backwards; returns its expected polls a task. */
    private static double plan(double[] time, double[] cdf, double[] partialMean, double price, int[] next) {
        int n = time.length;
        double[] cost = new double[n];
        for (int a = n - 2; a >= 0; a--) {
            double cheapest = Double.MAX_VALUE;
            double running = 1 - cdf[a];
            for (int b = a + 1; b < Math.min(n, a + WIDEST_GAP); b++) {
                double waits = time[b] * (cdf[b] - cdf[a]) - (partialMean[b] - partialMean[a]);
                double total = price * running + waits + cost[b];
                if (total < cheapest) {
                    cheapest = total;
                    next[a] = b;
                }
            }
            cost[a] = cheapest;
        }
        double polls = 0;
        for (int a = 0; a < n - 1; a = next[a]) {
            polls += 1 - cdf[a];
        }
        return polls;
    }

    /** When this schedule sees a task of this duration end. */
    long seenAt(long durationMillis) {
        for (long poll : polls) {
            if (poll >= durationMillis) {
                return poll;
            }
        }
        return durationMillis;
    }

    /** The efficiency on C slots with each task holding its slot until its end is seen, as the oracle counts it. */
    double efficiency(List<Long> durations, int slots) {
        PriorityQueue<Long> free = new PriorityQueue<>();
        for (int i = 0; i < slots; i++) {
            free.add(0L);
        }
        long makespan = 0;
        long total = 0;
        for (long duration : durations) {
            long end = free.poll() + seenAt(duration);
            free.add(end);
            makespan = Math.max(makespan, end);
            total += duration;
        }
        return makespan == 0 ? Double.NaN : total / (double) slots / makespan;
    }

    /** Mean delay from end to seen over these durations. */
    double meanDelayMillis(List<Long> durations) {
        return durations.stream().mapToLong(d -> seenAt(d) - d).average().orElse(Double.NaN);
    }

    private static double normalCdf(double z) {
        // Abramowitz and Stegun 7.1.26: within 1.5e-7
        double t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.sqrt(2));
        double erf = 1 - t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                + t * 1.061405429)))) * Math.exp(-z * z / 2);
        return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
    }
}
