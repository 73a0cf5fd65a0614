package dev.promptrelay.journal;

import java.time.Instant;

import dev.promptrelay.prompt.JobSpec;

/**
 * One job as the journal knows it.
 *
 * @param seq     1-based position of the job in its prompt file
 * @param sandbox      the built-in sandbox took its task: its results are placeholders
 * @param outputFolder the outbox folder its prompt file shares with others (a schedule's), or null
 * @param attempt      how many times it was queued again: a step planned for an earlier attempt changes nothing
 * @param cost         what its task cost, in {@code costUnit}, where the provider said (or its profile prices it)
 */
public record Job(String id, String promptFileId, String promptFileName, int seq, int jobCount, String provider,
        String model, JobSpec spec, JobState state, String taskId, Instant createdAt, Instant submittedAt,
        String error, boolean sandbox, String outputFolder, int attempt, Double cost, String costUnit) {

    public Job(String id, String promptFileId, String promptFileName, int seq, int jobCount, String provider,
               String model, JobSpec spec, JobState state, String taskId, Instant createdAt, Instant submittedAt,
               String error, boolean sandbox, String outputFolder, int attempt) {
        this(id, promptFileId, promptFileName, seq, jobCount, provider, model, spec, state, taskId, createdAt,
                submittedAt, error, sandbox, outputFolder, attempt, null, null);
    }

    /** How the job is named in logs: {@code "cat.txt" #2}, the name quoted so it cannot forge a line. */
    public String label() {
        return dev.promptrelay.output.FileNames.quoted(promptFileName) + " #" + seq;
    }

    /** The same job with its task at the provider, as the submit's answer gave it. */
    public Job running(String newTaskId, boolean newSandbox, Instant newSubmittedAt) {
        return new Job(id, promptFileId, promptFileName, seq, jobCount, provider, model, spec, JobState.RUNNING,
                newTaskId, createdAt, newSubmittedAt, error, newSandbox, outputFolder, attempt, cost, costUnit);
    }

    /** The same job asking for this spec (the picture as sent, say). */
    public Job withSpec(JobSpec newSpec) {
        return new Job(id, promptFileId, promptFileName, seq, jobCount, provider, model, newSpec, state, taskId,
                createdAt, submittedAt, error, sandbox, outputFolder, attempt, cost, costUnit);
    }
}
