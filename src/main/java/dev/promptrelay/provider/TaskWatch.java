package dev.promptrelay.provider;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The polling of one task: what the provider last said, when to ask next, and when to give up.
 */
public class TaskWatch {

    private final Instant deadline;
    private final Instant notFoundGraceEnds;
    private final long maxDelayMillis;
    private final Instant submittedAt;
    private final PollPlan plan;
    private long nextDelayMillis;
    private TaskReport report = TaskReport.of(TaskStatus.SUBMITTED, "", List.of(), null);
    private Instant completedAt;
    private String failure;
    private boolean timedOut;
    private boolean heldOff;
    private int plannedPolls;

    public TaskWatch(Instant submittedAt, Duration timeout, Duration grace, long firstDelayMillis, long maxDelayMillis) {
        this(submittedAt, timeout, grace, firstDelayMillis, maxDelayMillis, PollPlan.UNKNOWN);
    }

    public TaskWatch(Instant submittedAt, Duration timeout, Duration grace, long firstDelayMillis, long maxDelayMillis,
                     PollPlan plan) {
        this.deadline = Instant.now().plus(timeout);
        this.submittedAt = submittedAt != null ? submittedAt : Instant.now();
        this.notFoundGraceEnds = this.submittedAt.plus(grace);
        this.maxDelayMillis = maxDelayMillis;
        this.plan = plan;
        this.nextDelayMillis = plan.known() ? Math.max(0, plan.firstMillis() - elapsedMillis()) : firstDelayMillis;
    }

    public boolean isActive() {
        if (isEnded()) {
            return false;
        }
        if (Instant.now().isAfter(deadline)) {
            timedOut = true;
            return false;
        }
        return true;
    }

    public boolean isEnded() {
        return failure != null || timedOut || report.status().ended();
    }

    public boolean isSucceeded() {
        return failure == null && report.status() == TaskStatus.SUCCEEDED;
    }

    public long getNextDelayMillis() {
        return heldOff ? 0 : nextDelayMillis;
    }

    public List<TaskOutput> getOutputs() {
        return report.outputs();
    }

    public String getProviderStatus() {
        return report.providerStatus();
    }

    /** How long the task took: the provider's own figure when it gives one, else until we noticed its end. */
    public Long getDurationMillis() {
        if (report.durationMillis() != null) {
            return report.durationMillis();
        }
        return completedAt == null ? null : Duration.between(submittedAt, completedAt).toMillis();
    }

    public Instant getCompletedAt() {
        return completedAt;
    }

    TaskReport report() {
        return report;
    }

    boolean timedOut() {
        return timedOut;
    }

    String failure() {
        return failure;
    }

    void polled(TaskReport newReport) {
        if (newReport.notFoundYet() && Instant.now().isBefore(notFoundGraceEnds)) {
            // the provider does not know a task it just accepted for a few seconds: believe it only after the grace
            report = TaskReport.of(TaskStatus.SUBMITTED, newReport.providerStatus(), List.of(), null);
        } else {
            report = newReport;
        }
        if (report.status().ended()) {
            completedAt = Instant.now();
        }
        planNext();
    }

    /** The provider's progress if it tells, else what earlier tasks took, else backing off. */
    private void planNext() {
        long elapsed = elapsedMillis();
        Double progress = report.progress();
        if (progress != null && progress > 0.05 && progress < 1 && elapsed > 0) {
            heldOff = false;
            long remaining = Math.round(elapsed * (1 - progress) / progress);
            long floor = plan.known() ? plan.stepMillis() : 200;
            nextDelayMillis = Math.min(maxDelayMillis, Math.max(floor, Math.round(remaining * 0.9)));
        } else if (plan.known() && elapsed < plan.slowMillis()) {
            heldOff = false;
            // small steps near the usual end, longer ones as the task runs into the tail of the spread
            nextDelayMillis = Math.min(maxDelayMillis, Math.round(plan.stepMillis() * Math.pow(1.3, plannedPolls++)));
        } else {
            backOff();
        }
    }

    private long elapsedMillis() {
        return Duration.between(submittedAt, Instant.now()).toMillis();
    }

    void unanswered() {
        backOff();
    }

    void waitAtLeast(Duration wait) {
        nextDelayMillis = Math.max(nextDelayMillis, wait.toMillis());
    }

    /** The provider held every job off past this task's own delay: the next poll goes as soon as it allows. */
    void heldOff() {
        heldOff = true;
    }

    void fail(String reason) {
        failure = reason;
    }

    /** 1.5 times longer each time, with a tenth of jitter so many tasks do not poll in step. */
    private void backOff() {
        heldOff = false;
        double jitter = 0.9 + ThreadLocalRandom.current().nextDouble() * 0.2;
        nextDelayMillis = Math.min(maxDelayMillis, Math.max(1, Math.round(nextDelayMillis * 1.5 * jitter)));
    }
}
