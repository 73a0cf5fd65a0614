package dev.promptrelay.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The polling of one task: what the provider last said, when to ask next, and when to give up.
 */
public class TaskWatch {

    private final Instant deadline;
    private final Instant notFoundGraceEnds;
    private final long maxDelayMillis;
    private final Instant submittedAt;
    private PollPlan plan;
    /** A model's very first tasks are polled at times each this much later than the last (1, 1.2, 1.44... s). */
    static final double FIRST_TASKS_GROWTH = 1.2;
    private static final long MIN_FIRST_TASKS_STEP_MILLIS = 100;
    /** Where a newer plan comes from while this one is not settled (a model's first tasks). */
    private java.util.function.Supplier<PollPlan> newerPlan;
    private final Clock clock;
    private long nextDelayMillis;
    private TaskReport report = TaskReport.of(TaskStatus.SUBMITTED, "", List.of(), null);
    private Instant completedAt;
    private String failure;
    private boolean timedOut;
    private boolean heldOff;
    private long lastRunningMillis = -1;
    private boolean pastEveryTaskSeen;
    private long submitAnswerMillis = -1;
    private int polls;
    private boolean statusChanged;
    /** Its provider sends a webhook when it ends: polled at a slower plan, and at once when one comes. */
    private boolean webhooked;
    private long checkMillis;
    private long fallbackMillis;
    private Instant dueAt;
    private volatile boolean nudged;
    private TaskCost cost;

    public TaskWatch(Instant submittedAt, Duration timeout, Duration grace, long firstDelayMillis, long maxDelayMillis) {
        this(submittedAt, timeout, grace, firstDelayMillis, maxDelayMillis, PollPlan.UNKNOWN);
    }

    public TaskWatch(Instant submittedAt, Duration timeout, Duration grace, long firstDelayMillis, long maxDelayMillis,
                     PollPlan plan) {
        this(submittedAt, timeout, grace, firstDelayMillis, maxDelayMillis, plan, Clock.systemUTC());
    }

    /** @param clock the time polls are planned by (a test's own, where it must not depend on a busy machine) */
    public TaskWatch(Instant submittedAt, Duration timeout, Duration grace, long firstDelayMillis, long maxDelayMillis,
                     PollPlan plan, Clock clock) {
        this.clock = clock;
        this.deadline = clock.instant().plus(timeout);
        this.submittedAt = submittedAt != null ? submittedAt : clock.instant();
        this.notFoundGraceEnds = this.submittedAt.plus(grace);
        this.maxDelayMillis = maxDelayMillis;
        this.plan = plan;
        this.nextDelayMillis = plan.known() ? Math.max(0, plan.firstPollMillis() - elapsedMillis()) : firstDelayMillis;
    }

    public boolean isActive() {
        if (isEnded()) {
            return false;
        }
        if (clock.instant().isAfter(deadline)) {
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
        if (heldOff) {
            return 0;
        }
        if (!webhooked) {
            return nextDelayMillis;
        }
        // short steps, so a webhook is acted on within one of them
        return Math.max(0, Math.min(checkMillis, Duration.between(clock.instant(), dueAt).toMillis()));
    }

    /** Whether to poll at this step: always, unless a webhook is awaited and neither it nor the fallback's time came. */
    public boolean isPollNow() {
        if (!webhooked || heldOff) {
            return true;
        }
        if (nudged) {
            nudged = false;
            return true;
        }
        return !clock.instant().isBefore(dueAt);
    }

    /** The provider's webhooks will say when the task ends; polls fall back to at least this far apart. */
    void awaitWebhook(long checkMillis, long fallbackMillis) {
        this.webhooked = true;
        this.checkMillis = Math.max(1, checkMillis);
        this.fallbackMillis = fallbackMillis;
        due();
    }

    /** A webhook came for this task: it is polled at the next step, which tells whether it really ended. */
    void nudge() {
        nudged = true;
    }

    private void due() {
        if (webhooked) {
            dueAt = clock.instant().plusMillis(Math.max(nextDelayMillis, fallbackMillis));
        }
    }

    public List<TaskOutput> getOutputs() {
        return report.outputs();
    }

    public String getProviderStatus() {
        return report.providerStatus();
    }

    /**
     * How long the task took, counted from when the submit left, since that is what polls are planned on. The
     * provider's own figure, when it gives one, plus half the time the submit took to answer (its clock started
     * somewhere in between). Else the middle between the last poll that saw the task running and the one that saw
     * it ended; when the first poll already saw the end, the middle of that poll's second half: a little early, so
     * the next plan looks sooner rather than later. Never outside what the polls saw.
     */
    public Long getDurationMillis() {
        Long providerMillis = report.durationMillis();
        if (completedAt == null) {
            return providerMillis;
        }
        long endedMillis = Duration.between(submittedAt, completedAt).toMillis();
        long runningMillis = Math.min(endedMillis, lastRunningMillis);
        if (providerMillis != null) {
            long estimate = providerMillis + (submitAnswerMillis >= 0 ? submitAnswerMillis / 2 : 0);
            // a task resumed after a restart has no polls of its own to bound the figure with
            return lastRunningMillis < 0 ? estimate : Math.max(runningMillis, Math.min(endedMillis, estimate));
        }
        long from = lastRunningMillis >= 0 ? runningMillis : endedMillis / 2;
        return (from + endedMillis) / 2;
    }

    /** When the submit's answer came, if this task was submitted by this process. */
    void submitAnswered(Instant answeredAt) {
        submitAnswerMillis = answeredAt == null ? -1 : Math.max(0, Duration.between(submittedAt, answeredAt).toMillis());
    }

    public Instant getCompletedAt() {
        return completedAt;
    }

    /** The provider reported the end (success or not), as opposed to a deadline passing or a refusal. */
    public boolean isReportedEnd() {
        return report.status().ended();
    }

    /** Seconds from the submit to now: how long the task took, read when its end is seen. */
    public double getSecondsSinceSubmit() {
        return elapsedMillis() / 1000.0;
    }

    /** Seconds from the provider's reported end to now: how long storing took, read when a file is written. */
    public double getSecondsSinceCompletion() {
        return completedAt == null ? 0 : Duration.between(completedAt, clock.instant()).toMillis() / 1000.0;
    }

    PollPlan plan() {
        return plan;
    }

    /** While its plan is not settled, the task takes the newest plan of its model at each poll. */
    void planFrom(java.util.function.Supplier<PollPlan> plans) {
        this.newerPlan = plans;
    }

    /** How long the task has been running, as far as this process knows. */
    long ageMillis() {
        return elapsedMillis();
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

    /** The provider's word changed at the last poll: worth journaling, unlike every poll of a running task. */
    public boolean isStatusChanged() {
        return statusChanged;
    }

    public int getPolls() {
        return polls;
    }

    /** What the task cost, where an answer said; null where none did. */
    public TaskCost getCost() {
        return cost;
    }

    public Double getCostAmount() {
        return cost == null ? null : cost.amount();
    }

    public String getCostUnit() {
        return cost == null ? null : cost.unit();
    }

    void polled(TaskReport newReport) {
        polls++;
        if (newReport.cost() != null) {
            cost = newReport.cost();
        }
        String before = report.providerStatus();
        if (newReport.notFoundYet() && clock.instant().isBefore(notFoundGraceEnds)) {
            // the provider does not know a task it just accepted for a few seconds: believe it only after the grace
            report = TaskReport.of(TaskStatus.SUBMITTED, newReport.providerStatus(), List.of(), null);
        } else {
            report = newReport;
        }
        statusChanged = !Objects.equals(before, report.providerStatus()) || report.status().ended();
        if (report.resultPending()) {
            // ended at the provider: its time counts to here, and the result is asked for at once
            completedAt = completedAt == null ? clock.instant() : completedAt;
            heldOff = true;
            return;
        }
        if (report.status().ended()) {
            completedAt = completedAt == null ? clock.instant() : completedAt;
        } else {
            lastRunningMillis = elapsedMillis();
        }
        planNext();
    }

    /** The provider's progress if it tells, else what earlier tasks took, else backing off. */
    private void planNext() {
        planNextPoll();
        due();
    }

    private void planNextPoll() {
        if (!plan.settled() && newerPlan != null) {
            plan = newerPlan.get();
        }
        long elapsed = elapsedMillis();
        Double progress = report.progress();
        if (progress != null && progress > 0.05 && progress < 1 && elapsed > 0) {
            heldOff = false;
            long remaining = Math.round(elapsed * (1 - progress) / progress);
            long floor = plan.known() ? plan.minStepMillis() : 200;
            nextDelayMillis = Math.min(maxDelayMillis, Math.max(floor, Math.round(remaining * 0.9)));
            return;
        }
        long planned = plan.known() ? plan.nextPollMillis(elapsed) : -1;
        if (planned >= 0) {
            heldOff = false;
            nextDelayMillis = Math.min(maxDelayMillis, planned - elapsed);
        } else if (plan.known() && !pastEveryTaskSeen) {
            // slower than every task seen, often by a hair: back off from a tenth of its age, not from the last step
            heldOff = false;
            pastEveryTaskSeen = true;
            nextDelayMillis = Math.max(plan.minStepMillis(), elapsed / 10);
        } else if (!plan.known()) {
            // nothing known of the model yet: each poll a fifth later than the last, so its first end is seen soon
            // and plans the others
            heldOff = false;
            double jitter = 0.9 + ThreadLocalRandom.current().nextDouble() * 0.2;
            nextDelayMillis = Math.min(maxDelayMillis, Math.max(MIN_FIRST_TASKS_STEP_MILLIS,
                    Math.round(elapsed * (FIRST_TASKS_GROWTH - 1) * jitter)));
        } else {
            backOff();
        }
    }

    private long elapsedMillis() {
        return Duration.between(submittedAt, clock.instant()).toMillis();
    }

    void unanswered() {
        statusChanged = false;
        backOff();
    }

    /** The provider redirected the poll: it goes to the new address at once, without changing the plan. */
    void askAgainNow() {
        statusChanged = false;
        heldOff = true;
    }

    void waitAtLeast(Duration wait) {
        nextDelayMillis = Math.max(nextDelayMillis, wait.toMillis());
        due();
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
        due();
    }
}
