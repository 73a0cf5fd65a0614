package dev.promptrelay.provider;

import java.util.List;

import dev.promptrelay.journal.Job;
import dev.promptrelay.prompt.JobSpec;

/**
 * Everything that differs between providers: request mapping, auth, submit and poll calls, status words, result and
 * error extraction, and what a refusal means. The routes stay generic and ask the mapping of the job's provider.
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

    /**
     * Whether promptrelay draws the seed of a job that names none, so the seed is known and recorded: true where every
     * model takes a seed and the provider does not say which one it chose.
     */
    default boolean drawsUnsetSeed() {
        return true;
    }

    /**
     * The tasks that make a job's {@code count} images: one task per image where the provider makes one per task, or
     * the job as it is where one task makes them all.
     */
    default List<JobSpec> imagesPerTask(JobSpec job) {
        if (job.count() == null || job.count() <= 1) {
            return List.of(job);
        }
        // a seed with a count means seed, seed+1, ...: the same seed would pay for the same picture again
        List<JobSpec> tasks = new java.util.ArrayList<>(job.count());
        for (int i = 0; i < job.count(); i++) {
            tasks.add(job.withCount(1).withSeed(job.seed() == null ? null : job.seed() + i));
        }
        return tasks;
    }

    ProviderCall submitCall(Job job);

    /**
     * The answer as the generic rules should read it. Providers that wrap errors in a 200 answer (Modellix's
     * {@code code}) move the real status into place here.
     */
    default HttpAnswer interpret(HttpAnswer raw) {
        return raw;
    }

    /** The same, knowing which request it answers: a refused result is the task's failure, not a refused poll. */
    default HttpAnswer interpret(HttpAnswer raw, ProviderCall call) {
        return interpret(raw);
    }

    /** The task id from an accepted submit, or null when a 2xx answer carries none. */
    String taskIdFrom(HttpAnswer answer);

    ProviderCall pollCall(String taskId);

    /** The status request of the job's task; a provider whose address names the model (fal) needs the job. */
    default ProviderCall pollCall(Job job) {
        return pollCall(job.taskId());
    }

    /** The answer's header that says how long to wait, where the provider does not use Retry-After. */
    default String retryAfterHeader() {
        return "Retry-After";
    }

    /** The answer's header that says when the rate limit resets, where the provider does not use X-RateLimit-Reset. */
    default String resetHeader() {
        return "X-RateLimit-Reset";
    }

    TaskReport readPoll(HttpAnswer answer);

    /** What an answer to this poll says: the status, or (a call {@link ProviderCall#isForResult for the result}) the outputs. */
    default TaskReport readPoll(HttpAnswer answer, ProviderCall call) {
        return readPoll(answer);
    }

    /** What the submit's answer says the task costs (BFL's credits), or null: journaled with the task id. */
    default TaskCost submitCost(HttpAnswer answer) {
        return null;
    }

    /** The report with what the job's task cost, where this provider knows it beyond the answer (a submit's answer). */
    default TaskReport withCost(Job job, TaskReport report) {
        return report;
    }

    /** The request for the result of a task whose status said it ended well ({@link TaskReport#resultPending}). */
    default ProviderCall resultCall(Job job) {
        throw new UnsupportedOperationException(displayName() + " reports outputs with the status");
    }

    /** The request that stops the job's task at the provider, or null where the provider has none. */
    default ProviderCall cancelCall(Job job) {
        return null;
    }

    /** Where users put this provider's key: the environment variables (or settings) it is read from. */
    default String keyVariables() {
        return settings().keyVariables();
    }

    /** The call that downloads one output whose URL is known. */
    ProviderCall downloadCall(TaskOutput output);

    /** The call that asks for a fresh download URL of an output that names only its provider id (signed URLs). */
    default ProviderCall linkCall(TaskOutput output) {
        throw new UnsupportedOperationException(displayName() + " gives download URLs directly");
    }

    /** The output with the download URL (and file type) the link answer gave, or null when it gave none. */
    default TaskOutput linked(TaskOutput output, HttpAnswer answer) {
        throw new UnsupportedOperationException(displayName() + " gives download URLs directly");
    }

    /** The provider's own explanation in an error answer, or a short form of the raw body. */
    String errorMessage(HttpAnswer answer);

    /** What the user should do about a refusal with this status, when the provider's meaning is known; else null. */
    default String adviceFor(int status) {
        return null;
    }
}
