package dev.promptrelay.provider;

import dev.promptrelay.journal.Job;
import dev.promptrelay.prompt.JobSpec;

/**
 * Everything that differs between providers: request mapping, auth, submit and poll calls, status words, result and
 * error extraction. The routes stay generic and ask the mapping of the job's provider.
 */
public interface ProviderMapping {

    ProviderSettings settings();

    default String id() {
        return settings().id();
    }

    default String defaultModel() {
        return settings().model();
    }

    /** The provider's name as users read it in messages. */
    String displayName();

    /** Rejects a job this provider cannot take, before anything is paid for. */
    void validate(JobSpec job, String fileName);

    ProviderCall submitCall(Job job);

    /** The task id from an accepted submit, or null when a 2xx answer carries none. */
    String taskIdFrom(HttpAnswer answer);

    ProviderCall pollCall(String taskId);

    TaskReport readPoll(HttpAnswer answer);

    /** The call that downloads one output; may first need to resolve it (signed URLs). */
    ProviderCall downloadCall(TaskOutput output);

    /** The provider's own explanation in an error answer, or a short form of the raw body. */
    String errorMessage(HttpAnswer answer);
}
