package dev.promptrelay.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.promptrelay.Folders;
import dev.promptrelay.provider.ProviderCatalog;
import dev.promptrelay.journal.Job;
import dev.promptrelay.journal.JobEntries;
import dev.promptrelay.journal.PromptFileJournal;
import dev.promptrelay.journal.JobState;
import dev.promptrelay.journal.PromptFileRecord;

/**
 * How a request (a prompt file, an API call, an embedded call) is reported to its caller: one state word, the
 * output paths, and each job's outcome.
 */
final class JobReports {

    private JobReports() {
    }

    static RequestReport describe(PromptFileJournal journal, Folders folders, ProviderCatalog providers,
                                  PromptFileRecord record, boolean withJobs) {
        return describe(journal, folders, providers, record, withJobs, journal.jobsOf(record.id()),
                journal.rejection(record.id()), journal.outputPathsOf(record.id()));
    }

    /** One request of a listed page, from what was read for the whole page at once. */
    static RequestReport describe(PromptFileJournal journal, Folders folders, ProviderCatalog providers,
                                  PromptFileRecord record, PromptFileJournal.PageDetails page) {
        return describe(journal, folders, providers, record, false, page.jobs().getOrDefault(record.id(), List.of()),
                page.rejections().getOrDefault(record.id(), Map.of()),
                page.outputPaths().getOrDefault(record.id(), Map.of()));
    }

    private static RequestReport describe(PromptFileJournal journal, Folders folders, ProviderCatalog providers,
                                          PromptFileRecord record, boolean withJobs, List<Job> jobs,
                                          Map<String, String> rejection, Map<String, List<String>> journaledPaths) {
        Predicate<Job> sandbox = job -> answeredBySandbox(job, providers);
        Map<String, List<String>> outputPaths = new LinkedHashMap<>();
        journaledPaths.forEach((job, journaled) ->
                outputPaths.put(job, journaled.stream().map(p -> folders.output(p).toString()).toList()));
        List<String> outputs = new ArrayList<>();
        List<String> outputPrompts = new ArrayList<>();
        for (Job job : jobs) {
            for (String output : outputPaths.getOrDefault(job.id(), List.of())) {
                outputs.add(output);
                outputPrompts.add(job.spec().prompt());
            }
        }
        // the same files over HTTP, under the same token rules, for callers that do not share the disk
        List<String> urls = new ArrayList<>();
        for (int n = 1; n <= outputs.size(); n++) {
            urls.add("/api/jobs/" + record.id() + "/outputs/" + n);
        }
        return new RequestReport(record.id(), record.name(),
                "rejected".equals(record.state()) ? "rejected" : overall(jobs),
                rejection.get("error"), rejection.get("what_to_do"),
                // placeholders from the built-in sandbox, not a provider's work
                jobs.stream().anyMatch(sandbox), String.valueOf(record.receivedAt()), jobs.size(),
                (int) jobs.stream().filter(j -> j.state().ended()).count(),
                (int) jobs.stream().filter(j -> j.state().ended() && j.state() != JobState.SUCCEEDED).count(),
                jobs.stream().map(Job::provider).distinct().toList(), outputs, urls, outputPrompts,
                withJobs ? JobEntries.of(journal, jobs, outputPaths, sandbox) : null, costs(jobs));
    }

    /** What the request's jobs cost, summed per unit (providers count in their own); null when none said. */
    static Map<String, Double> costs(List<Job> jobs) {
        Map<String, Double> costs = new java.util.TreeMap<>();
        for (Job job : jobs) {
            if (job.cost() != null) {
                costs.merge(String.valueOf(job.costUnit()), job.cost(), Double::sum);
            }
        }
        return costs.isEmpty() ? null : costs;
    }

    /**
     * Whether the sandbox answers (or answered) the job: said from the moment it is accepted, not only once submitted,
     * so a caller knows at once that placeholders will come back.
     */
    static boolean answeredBySandbox(Job job, ProviderCatalog providers) {
        return job.sandbox() || job.taskId() == null && !job.state().ended() && providers.isSandbox(job.provider());
    }

    /** The state words a request can have, as GET /api/jobs?state= takes them. */
    static final List<String> STATES = List.of("queued", "running", "succeeded", "failed", "cancelled", "rejected");

    /**
     * One word for a request: queued until a job is under way, running until all ended, then the outcome: succeeded,
     * cancelled (when what did not succeed was cancelled), or failed.
     */
    static String overall(List<Job> jobs) {
        boolean allEnded = jobs.stream().allMatch(j -> j.state().ended());
        if (allEnded) {
            if (jobs.stream().allMatch(j -> j.state() == JobState.SUCCEEDED)) {
                return "succeeded";
            }
            return jobs.stream().allMatch(j -> j.state() == JobState.SUCCEEDED || j.state() == JobState.CANCELLED)
                    ? "cancelled" : "failed";
        }
        return jobs.stream().allMatch(j -> j.state() == JobState.QUEUED) ? "queued" : "running";
    }
}
