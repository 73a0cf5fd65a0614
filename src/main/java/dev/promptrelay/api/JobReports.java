package dev.promptrelay.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.promptrelay.journal.Job;
import dev.promptrelay.journal.JobJournal;
import dev.promptrelay.journal.JobState;
import dev.promptrelay.journal.PromptFileRecord;

/**
 * How a request (a prompt file, an API call, an embedded call) is reported to its caller: one state word, the
 * output paths, and each job's outcome.
 */
final class JobReports {

    private JobReports() {
    }

    static Map<String, Object> describe(JobJournal journal, PromptFileRecord record, boolean withJobs) {
        List<Job> jobs = journal.jobsOf(record.id());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", record.id());
        answer.put("name", record.name());
        answer.put("state", overall(jobs));
        answer.put("received_at", String.valueOf(record.receivedAt()));
        List<String> outputs = new ArrayList<>();
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Job job : jobs) {
            List<String> jobOutputs = journal.outputPaths(job.id());
            outputs.addAll(jobOutputs);
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("job", job.seq());
            entry.put("prompt", job.spec().prompt());
            entry.put("provider", job.provider());
            entry.put("model", job.model());
            entry.put("state", job.state().word());
            entry.put("task_id", job.taskId());
            entry.put("outputs", jobOutputs);
            if (job.error() != null) {
                entry.put("error", job.error());
                entry.put("next_step", journal.nextStepOf(job.id()));
            }
            entries.add(entry);
        }
        answer.put("outputs", outputs);
        if (withJobs) {
            answer.put("jobs", entries);
        }
        return answer;
    }

    /** One word for a request: queued until a job is under way, running until all ended, then the outcome. */
    static String overall(List<Job> jobs) {
        boolean allEnded = jobs.stream().allMatch(j -> j.state().ended());
        if (allEnded) {
            return jobs.stream().allMatch(j -> j.state() == JobState.SUCCEEDED) ? "succeeded" : "failed";
        }
        return jobs.stream().allMatch(j -> j.state() == JobState.QUEUED) ? "queued" : "running";
    }
}
