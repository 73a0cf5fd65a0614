package dev.promptrelay.journal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each job of a prompt file with its outcome, as summaries, error files and the API report them: where it came
 * from, what it asked, its state and task id, its outputs, and for a job that ended without them why and what to do.
 */
public final class JobEntries {

    private JobEntries() {
    }

    /** @param outputs the jobs' output paths by job id, from {@link PromptFileJournal#outputPathsOf(String)} */
    public static List<Map<String, Object>> of(PromptFileJournal journal, List<Job> jobs, Map<String, List<String>> outputs) {
        return of(journal, jobs, outputs, Job::sandbox);
    }

    /** @param sandbox whether the sandbox answers a job (before it is submitted too, where the caller knows) */
    public static List<Map<String, Object>> of(PromptFileJournal journal, List<Job> jobs, Map<String, List<String>> outputs,
                                               java.util.function.Predicate<Job> sandbox) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (Job job : jobs) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("job", job.seq());
            entry.put("line", job.spec().line());
            entry.put("prompt", job.spec().prompt());
            entry.put("provider", job.provider());
            entry.put("model", job.model());
            if (job.spec().seed() != null) {
                entry.put("seed", job.spec().seed());
            }
            entry.put("state", job.state().word());
            entry.put("task_id", job.taskId());
            entry.put("sandbox", sandbox.test(job));
            if (job.state().ended() && job.state() != JobState.SUCCEEDED) {
                entry.put("error", job.error());
                entry.put("next_step", journal.nextStepOf(job.id()));
            }
            if (job.cost() != null) {
                entry.put("cost", Map.of("amount", job.cost(), "unit", String.valueOf(job.costUnit())));
            }
            entry.put("outputs", outputs.getOrDefault(job.id(), List.of()));
            entries.add(entry);
        }
        return entries;
    }

    /** How many files a prompt file's jobs wrote. */
    public static int count(Map<String, List<String>> outputs) {
        return outputs.values().stream().mapToInt(List::size).sum();
    }
}
