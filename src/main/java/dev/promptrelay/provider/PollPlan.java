package dev.promptrelay.provider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * When to poll a task, from how long the last tasks of the same provider and model took. With a few durations
 * known, the first poll waits until the quickest of them would have ended, then polls come at a small share of the
 * typical duration, so an end is noticed soon with few polls. With nothing known, polls back off from the first
 * delay.
 *
 * @param firstMillis time after submit of the first poll, or -1 when nothing is known
 * @param stepMillis  time between the following polls
 * @param slowMillis  past this (most tasks took less) polls back off again: this one is unusually slow
 */
public record PollPlan(long firstMillis, long stepMillis, long slowMillis) {

    /** Durations needed before they are trusted. */
    static final int MIN_SAMPLES = 3;
    /** A share of the typical duration between polls: notices an end within a tenth or so of the task's time. */
    static final double STEP_SHARE = 0.08;

    public static final PollPlan UNKNOWN = new PollPlan(-1, -1, -1);

    public static PollPlan from(List<Long> durations, long minStepMillis, long maxStepMillis) {
        if (durations.size() < MIN_SAMPLES) {
            return UNKNOWN;
        }
        List<Long> sorted = new ArrayList<>(durations);
        Collections.sort(sorted);
        long fastest = percentile(sorted, 0.10);
        long median = percentile(sorted, 0.50);
        long slow = percentile(sorted, 0.95);
        long step = Math.max(minStepMillis, Math.min(maxStepMillis, Math.round(median * STEP_SHARE)));
        // aim a step before the quick end: the first poll is rarely late
        return new PollPlan(Math.max(0, fastest - step / 2), step, Math.max(slow * 2, fastest + step));
    }

    public boolean known() {
        return firstMillis >= 0;
    }

    static long percentile(List<Long> sorted, double share) {
        int index = (int) Math.min(sorted.size() - 1, Math.max(0, Math.round(share * (sorted.size() - 1))));
        return sorted.get(index);
    }
}
