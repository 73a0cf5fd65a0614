package dev.promptrelay.provider;

import java.util.List;

/**
 * What one poll told us about a task, in provider-neutral terms.
 *
 * @param providerStatus the provider's own word, kept for logs and error files
 * @param notFoundYet    the provider does not know the task yet, which happens right after a submit
 * @param progress       0..1 when the provider says, otherwise null
 */
public record TaskReport(TaskStatus status, String providerStatus, List<TaskOutput> outputs, String message,
        boolean notFoundYet, Double progress) {

    public static TaskReport of(TaskStatus status, String providerStatus, List<TaskOutput> outputs, String message) {
        return new TaskReport(status, providerStatus, outputs, message, false, null);
    }
}
