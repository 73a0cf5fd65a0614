package dev.promptrelay.provider;

import java.util.List;

/**
 * What one poll told us about a task, in provider-neutral terms.
 *
 * @param providerStatus the provider's own word, kept for logs and error files
 * @param notFoundYet    the provider does not know the task yet, which happens right after a submit
 * @param progress       0..1 when the provider says, otherwise null
 * @param durationMillis how long the task took by the provider's own clock, when it says
 * @param resultPending  the task ended well, and its outputs are in a result the next request fetches
 * @param cost           what the task cost, where the answer says; else null
 */
public record TaskReport(TaskStatus status, String providerStatus, List<TaskOutput> outputs, String message,
        boolean notFoundYet, Double progress, Long durationMillis, boolean resultPending, TaskCost cost) {

    public TaskReport(TaskStatus status, String providerStatus, List<TaskOutput> outputs, String message,
                      boolean notFoundYet, Double progress, Long durationMillis, boolean resultPending) {
        this(status, providerStatus, outputs, message, notFoundYet, progress, durationMillis, resultPending, null);
    }

    public TaskReport(TaskStatus status, String providerStatus, List<TaskOutput> outputs, String message,
                      boolean notFoundYet, Double progress, Long durationMillis) {
        this(status, providerStatus, outputs, message, notFoundYet, progress, durationMillis, false);
    }

    public TaskReport(TaskStatus status, String providerStatus, List<TaskOutput> outputs, String message,
                      boolean notFoundYet, Double progress) {
        this(status, providerStatus, outputs, message, notFoundYet, progress, null);
    }

    /** Ended well at the provider; its outputs come with the result, asked for next. */
    public static TaskReport resultPending(String providerStatus, Long durationMillis) {
        return new TaskReport(TaskStatus.RUNNING, providerStatus, List.of(), null, false, null, durationMillis, true);
    }

    public static TaskReport of(TaskStatus status, String providerStatus, List<TaskOutput> outputs, String message) {
        return new TaskReport(status, providerStatus, outputs, message, false, null);
    }

    /** The same report with the task's own duration as the provider measured it. */
    public TaskReport withDuration(Long millis) {
        return new TaskReport(status, providerStatus, outputs, message, notFoundYet, progress, millis, resultPending, cost);
    }

    /** The same report with what the task cost. */
    public TaskReport withCost(TaskCost newCost) {
        return new TaskReport(status, providerStatus, outputs, message, notFoundYet, progress, durationMillis,
                resultPending, newCost);
    }
}
