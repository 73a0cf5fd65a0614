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
 * With fewer than {@link #FEW_SAMPLES} ends seen (a model's first tasks), the durations planned over are those of a
 * log-normal fitted to the ends and to the tasks still running, and to a {@link Prior} where one is known (a typical
 * duration from the settings, or the provider's other models); with neither ends nor prior, nothing is planned.
 */
public final class PollPlan {

    /** The polls a task may cost on average, over the durations seen (the tail past them costs a few more). */
    static final double POLLS_PER_TASK = 5.0;
    /** The closest two polls come, as a share of the typical duration. */
    static final double MIN_STEP_SHARE = 0.01;

    public static final PollPlan UNKNOWN = new PollPlan(new long[0], -1, false);

    /** The planned polls, in milliseconds after the submit, ascending. */
    private final long[] polls;
    private final long minStepMillis;
    private final boolean settled;

    private PollPlan(long[] polls, long minStepMillis, boolean settled) {
        this.polls = polls;
        this.minStepMillis = minStepMillis;
        this.settled = settled;
    }

    /** Drawn from enough ends to hold for a task's life; otherwise a task takes the newest plan at each poll. */
    public boolean settled() {
        return settled;
    }

    /** Below this many ends seen, a plan is drawn from a log-normal fitted to them and to the tasks still running. */
    static final int FEW_SAMPLES = 8;
    /**
     * How widely a model's task durations spread before any are seen (sigma of their logarithm): image models run
     * about 0.2 to 0.5; the fit leans on it less as ends come in.
     */
    static final double PRIOR_SIGMA = 0.35;

    public static PollPlan from(List<Long> durations, long minStepMillis, long maxStepMillis) {
        return from(durations, List.of(), null, minStepMillis, maxStepMillis);
    }

    /**
     * What is assumed of a model's tasks before enough of them have ended: their median duration, and how far off
     * that may be (the standard deviation of its logarithm).
     */
    public record Prior(double medianMillis, double spread, String source) {
    }

    /**
     * @param runningAges how long the tasks of the model still running have been running: each took at least that
     *                    long, which corrects a first few ends that are only the quickest of their round
     * @param prior       what is assumed of the model before its own ends say otherwise; null: nothing
     */
    public static PollPlan from(List<Long> durations, List<Long> runningAges, Prior prior, long minStepMillis,
                                long maxStepMillis) {
        if (durations.isEmpty() && prior == null) {
            return UNKNOWN;
        }
        if (durations.size() < FEW_SAMPLES) {
            long[] fitted = fitted(durations, runningAges, prior);
            long typical = fitted[fitted.length / 2];
            long step = Math.max(minStepMillis, Math.min(maxStepMillis, Math.round(typical * MIN_STEP_SHARE)));
            return new PollPlan(schedule(fitted, step), step, false);
        }
        long[] sorted = durations.stream().mapToLong(Long::longValue).map(d -> Math.max(0, d)).sorted().toArray();
        long typical = sorted[sorted.length / 2];
        long step = Math.max(minStepMillis, Math.min(maxStepMillis, Math.round(typical * MIN_STEP_SHARE)));
        return new PollPlan(schedule(smoothed(sorted), step), step, true);
    }

    /** The newest ends that say whether a model's tasks have become slower or faster than the rest of its history. */
    static final int REGIME_SAMPLES = 10;
    /** How far apart (as a ratio of medians) the newest ends and the rest must be to be taken for a change. */
    static final double REGIME_CHANGE = 1.8;

    /**
     * The durations a plan is drawn from, and since when the model's tasks have kept their present pace.
     *
     * @param changedAt the end from which on the durations count (null: all in the window)
     * @param change    the ratio of the newest ends' median to the older ones' when a change was found at this draw,
     *                  else NaN
     */
    public record Pace(List<Long> durations, java.time.Instant changedAt, double change) {
    }

    /**
     * The pace to plan on, from the newest ends (newest first) and the change found before (null: none). When the
     * newest {@link #REGIME_SAMPLES} ends are {@link #REGIME_CHANGE} times slower or faster than the others since the
     * last change (a spread as wide as 0.5 crosses that line by chance in under one draw in a hundred), the provider
     * has changed: only the ends from the oldest of those nearer the new pace than the old on count, until every end
     * in the window is newer, since the older ones would place the polls where its tasks no longer end.
     */
    public static Pace currentPace(List<TaskEnd> newestFirst, java.time.Instant changedAt) {
        List<TaskEnd> since = changedAt == null ? newestFirst
                : newestFirst.stream().filter(e -> !e.endedAt().isBefore(changedAt)).toList();
        java.time.Instant from = since.size() == newestFirst.size() ? null : changedAt;
        double change = Double.NaN;
        if (since.size() >= 2 * REGIME_SAMPLES) {
            List<Long> millis = millis(since);
            double newer = median(millis.subList(0, REGIME_SAMPLES));
            double older = median(millis.subList(REGIME_SAMPLES, millis.size()));
            double ratio = newer / Math.max(1, older);
            if (ratio > REGIME_CHANGE || ratio < 1 / REGIME_CHANGE) {
                // the change lies at the oldest of the newest ends nearer the new pace than the old (on a log scale)
                double line = Math.sqrt(newer * older);
                int newest = REGIME_SAMPLES - 1;
                while (newest > 0 && (ratio > 1) != (millis.get(newest) > line)) {
                    newest--;
                }
                since = since.subList(0, newest + 1);
                from = since.get(newest).endedAt();
                change = ratio;
            }
        }
        return new Pace(millis(since), from, change);
    }

    private static List<Long> millis(List<TaskEnd> ends) {
        return ends.stream().map(TaskEnd::millis).toList();
    }

    static double median(List<Long> durations) {
        long[] sorted = durations.stream().mapToLong(Long::longValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    /**
     * Fifty durations of equal weight from a log-normal fitted to few ends and to the tasks still running (right
     * censored), its sigma drawn toward {@link #PRIOR_SIGMA} as much as the ends are few. A prior for the median
     * counts as one more term of the likelihood, and the durations planned over then also allow for what is still
     * unsure of the median (with no prior, the ends alone place it).
     */
    static long[] fitted(List<Long> ended, List<Long> running, Prior prior) {
        double[] logs = ended.stream().mapToDouble(d -> Math.log(Math.max(1, d))).toArray();
        double mean = java.util.Arrays.stream(logs).average()
                .orElseGet(() -> Math.log(Math.max(1, prior.medianMillis())));
        double observed = logs.length < 2 ? PRIOR_SIGMA
                : Math.sqrt(java.util.Arrays.stream(logs).map(l -> (l - mean) * (l - mean)).sum() / (logs.length - 1));
        // a prior worth four ends
        double sigma = Math.sqrt((4 * PRIOR_SIGMA * PRIOR_SIGMA + (logs.length - 1) * observed * observed)
                                 / (4 + logs.length - 1));
        double[] censored = running.stream().filter(a -> a > 0).mapToDouble(a -> Math.log(a)).toArray();
        // the median's logarithm that makes the ends and the still-running ages likeliest (golden-section search)
        double widest = sigma + (prior == null ? 0 : prior.spread());
        double lo = mean - 3 * widest;
        double hi = Math.max(mean, java.util.Arrays.stream(censored).max().orElse(mean)) + 3 * widest;
        double g = (Math.sqrt(5) - 1) / 2;
        for (int i = 0; i < 60; i++) {
            double a = hi - g * (hi - lo);
            double b = lo + g * (hi - lo);
            if (logPosterior(a, sigma, logs, censored, prior) > logPosterior(b, sigma, logs, censored, prior)) {
                hi = b;
            } else {
                lo = a;
            }
        }
        double mu = (lo + hi) / 2;
        double planned = prior == null ? sigma
                : Math.sqrt(sigma * sigma + 1 / (1 / (prior.spread() * prior.spread()) + logs.length / (sigma * sigma)));
        long[] fitted = new long[50];
        for (int i = 0; i < fitted.length; i++) {
            fitted[i] = Math.round(Math.exp(mu + planned * normalQuantile((i + 0.5) / fitted.length)));
        }
        return fitted;
    }

    private static double logPosterior(double mu, double sigma, double[] ended, double[] censored, Prior prior) {
        double prefer = 0;
        if (prior != null) {
            double z = (mu - Math.log(Math.max(1, prior.medianMillis()))) / prior.spread();
            prefer = -z * z / 2;
        }
        return prefer + logLikelihood(mu, sigma, ended, censored);
    }

    private static double logLikelihood(double mu, double sigma, double[] ended, double[] censored) {
        double sum = 0;
        for (double l : ended) {
            double z = (l - mu) / sigma;
            sum -= z * z / 2;
        }
        for (double l : censored) {
            sum += Math.log(Math.max(1e-300, 1 - normalCdf((l - mu) / sigma)));
        }
        return sum;
    }

    /** The standard normal distribution function (Abramowitz and Stegun 26.2.17, error below 1e-7). */
    static double normalCdf(double z) {
        double t = 1 / (1 + 0.2316419 * Math.abs(z));
        double d = 0.3989422804014327 * Math.exp(-z * z / 2);
        double p = d * t * (0.319381530 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
        return z >= 0 ? 1 - p : p;
    }

    /** Its inverse (Acklam's rational approximation, relative error below 1.2e-9). */
    static double normalQuantile(double p) {
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        if (p < 0.02425) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                   / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - 0.02425) {
            return -normalQuantile(1 - p);
        }
        double q = p - 0.5;
        double r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
               / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
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
