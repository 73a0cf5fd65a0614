package dev.promptrelay.prompt;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.promptrelay.journal.Job;
import dev.promptrelay.journal.JobEntries;
import dev.promptrelay.journal.JobJournal;
import dev.promptrelay.journal.JobState;
import dev.promptrelay.journal.PromptFileRecord;
import dev.promptrelay.output.AtomicFiles;
import dev.promptrelay.output.FileNames;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a prompt file: taken out of the inbox and held while its jobs run, then moved to the archive, or to
 * failed/ with an error file beside it saying what went wrong and what to do. Never deleted.
 */
public class PromptFiles {

    public static final String NAME = "promptFileName";
    public static final String HELD = "promptFileHeld";

    private static final Logger LOG = LoggerFactory.getLogger(PromptFiles.class);
    /** Files up to this many jobs get a progress line for every job; bigger ones one a second. */
    static final int PROGRESS_LINE_EVERY_JOB = 50;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path inbox;
    private final Path held;
    private final Path archive;
    private final Path failed;
    private final Path outbox;
    private final JobJournal journal;
    /** Files with jobs ended since their summary was last written. */
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();
    /** Found once per file: finding it reads the summaries already in the outbox. */
    private final Map<String, Path> summaryPaths = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastProgressLine = new ConcurrentHashMap<>();
    /** One writer at a time per file: an in-progress summary must never overwrite the final one. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public PromptFiles(Path inbox, Path held, Path archive, Path failed, Path outbox, JobJournal journal) {
        this.inbox = inbox;
        this.outbox = outbox;
        this.held = held;
        this.archive = archive;
        this.failed = failed;
        this.journal = journal;
    }

    /** Moves the file just picked up from the inbox into the state directory, where it stays while its jobs run. */
    public Path takeIn(Exchange exchange) throws IOException, InvalidPayloadException {
        File file = exchange.getMessage().getMandatoryBody(File.class);
        String name = file.getName();
        exchange.getMessage().setHeader(NAME, name);
        Path target = held.resolve(UUID.randomUUID() + "-" + name);
        AtomicFiles.move(file.toPath(), target);
        exchange.getMessage().setHeader(HELD, target);
        return target;
    }

    /** Holds a prompt file that arrived by other means than the inbox (the HTTP API), as the inbox would. */
    public Path hold(String name, byte[] content) throws IOException {
        Path target = held.resolve(UUID.randomUUID() + "-" + name);
        AtomicFiles.write(target, content);
        return target;
    }

    /** Journals the file and its jobs in one step; from here on they survive a restart. */
    public PromptFileRecord accept(Path heldFile, String name, List<JobSpec> jobs) throws IOException {
        PromptFileRecord record = journal.acceptPromptFile(name, heldFile, AtomicFiles.sha256Of(heldFile), jobs);
        LOG.info("{}: {} job(s) queued", name, jobs.size());
        return record;
    }

    /** A file that could not become jobs: to failed/ with the reason, nothing submitted. */
    public Path reject(Exchange exchange) throws IOException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String name = exchange.getMessage().getHeader(NAME, String.class);
        Path heldFile = exchange.getMessage().getHeader(HELD, Path.class);
        if (name == null || heldFile == null) {
            // the file could not even be taken out of the inbox: leave it there, it is picked up again
            LOG.error("A prompt file could not be taken from the inbox {}: {}", inbox, cause == null ? "" : cause.getMessage());
            return null;
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("file", name);
        if (cause instanceof PromptFileException bad) {
            report.put("error", bad.getMessage());
            report.put("line", bad.line());
            report.put("field", bad.field());
            report.put("what_to_do", bad.fix());
            LOG.warn("{} rejected, nothing submitted: {} ({})", name, bad, bad.fix());
        } else {
            report.put("error", "the file could not be processed: " + (cause == null ? "unknown cause" : cause.getMessage()));
            report.put("what_to_do", "check the log around this time, then drop the file into the inbox again");
            LOG.error("{} could not be processed, nothing submitted", name, cause);
        }
        report.put("jobs_submitted", 0);
        report.put("rejected_at", Instant.now().toString());
        return moveToFailed(heldFile, name, report);
    }

    /**
     * Called as each job ends: once every job of its prompt file has ended, moves the file to the archive when all
     * succeeded, or to failed/ with an error file listing what failed and what to do.
     */
    public Path closeIfDone(String promptFileId) throws IOException {
        PromptFileRecord file = journal.closeIfEnded(promptFileId);
        if (file == null) {
            return null;
        }
        synchronized (lockOf(promptFileId)) {
            inProgress.remove(promptFileId);
            List<Job> jobs = journal.jobsOf(promptFileId);
            long failedJobs = jobs.stream().filter(j -> j.state() != JobState.SUCCEEDED).count();
            Map<String, List<String>> outputPaths = journal.outputPathsOf(promptFileId);
            int outputs = JobEntries.count(outputPaths);
            List<Map<String, Object>> jobEntries = JobEntries.of(journal, jobs, outputPaths);
            writeSummary(file, jobEntries, failedJobs, outputs, failedJobs == 0 ? "succeeded" : "failed");
            Path destination;
            if (failedJobs == 0) {
                destination = AtomicFiles.unusedPath(archive, FileNames.base(file.name()), FileNames.extension(file.name()));
                AtomicFiles.move(file.heldPath(), destination);
                journal.markPromptFileEnded(promptFileId, "archived", destination);
                LOG.info("{}: done, {} file(s) written for {} job(s); archived as {}", file.name(), outputs, jobs.size(),
                        destination.getFileName());
            } else {
                destination = moveToFailed(file.heldPath(), file.name(), failureReport(file, jobEntries, failedJobs));
                journal.markPromptFileEnded(promptFileId, "failed", destination);
                LOG.warn("{}: {} of {} job(s) failed ({} file(s) written); see {}.error.json", file.name(), failedJobs,
                        jobs.size(), outputs, destination);
            }
            summaryPaths.remove(promptFileId);
            lastProgressLine.remove(promptFileId);
            locks.remove(promptFileId);
            return destination;
        }
    }

    /** Held files the journal does not know were taken in when the process stopped: they go back to the inbox. */
    public int returnUnjournaled() throws IOException {
        if (!Files.isDirectory(held)) {
            return 0;
        }
        Set<String> known = journal.heldPaths();
        int returned = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(held)) {
            for (Path file : files) {
                if (!known.contains(file.toString()) && Files.isRegularFile(file)) {
                    String name = file.getFileName().toString().replaceFirst("^[0-9a-f-]{36}-", "");
                    AtomicFiles.move(file, AtomicFiles.unusedPath(inbox, FileNames.base(name), FileNames.extension(name)));
                    returned++;
                }
            }
        }
        if (returned > 0) {
            LOG.info("{} prompt file(s) taken in before the last stop but not journaled went back to the inbox", returned);
        }
        return returned;
    }

    private Map<String, Object> failureReport(PromptFileRecord file, List<Map<String, Object>> jobEntries,
                                              long failedJobs) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("file", file.name());
        report.put("error", failedJobs + " of " + jobEntries.size() + " job(s) did not produce their output");
        report.put("what_to_do", "read each failed job's error and next step below; the jobs that succeeded have "
                                 + "their files in the outbox, so to redo only the failed ones, drop a file holding "
                                 + "just their prompts");
        report.put("jobs", jobEntries);
        report.put("failed_at", Instant.now().toString());
        return report;
    }

    /**
     * As each job ends: a progress line in the log ({@code batch.txt: 7/20 done, 1 failed, ~40 s left}), for a big
     * file at most one a second (its jobs are counted only then); its summary file is brought up to date by
     * {@link #refreshSummaries()}.
     */
    public void progress(String promptFileId) {
        PromptFileRecord file = journal.promptFileRecord(promptFileId);
        if (file == null) {
            return;
        }
        // its summary is rewritten at the next refresh, unless the file is closed by then
        inProgress.add(promptFileId);
        Instant now = Instant.now();
        Instant last = lastProgressLine.get(promptFileId);
        if (file.jobCount() <= PROGRESS_LINE_EVERY_JOB || last == null || !now.isBefore(last.plusSeconds(1))) {
            JobJournal.JobCounts counts = journal.jobCounts(promptFileId);
            if (counts.ended() == counts.total() || counts.ended() == 0) {
                return;
            }
            lastProgressLine.put(promptFileId, now);
            long elapsed = java.time.Duration.between(file.receivedAt(), now).toSeconds();
            long left = elapsed * (counts.total() - counts.ended()) / counts.ended();
            LOG.info("{}: {}/{} done, {} failed, ~{} s left", file.name(), counts.ended(), counts.total(),
                    counts.failed(), left);
        }
    }

    /**
     * Rewrites the summary of every file with jobs ended since the last call and others still running: a big file
     * is summed up once a second, not once per job.
     */
    public void refreshSummaries() throws IOException {
        for (String promptFileId : List.copyOf(inProgress)) {
            synchronized (lockOf(promptFileId)) {
                if (!inProgress.remove(promptFileId)) {
                    continue;
                }
                PromptFileRecord file = journal.promptFileRecord(promptFileId);
                // closing or closed: the final summary is written, or about to be, by closeIfDone
                if (file == null || !file.state().equals("open")) {
                    continue;
                }
                List<Job> jobs = journal.jobsOf(promptFileId);
                long failedJobs = jobs.stream().filter(j -> j.state().ended() && j.state() != JobState.SUCCEEDED).count();
                Map<String, List<String>> outputPaths = journal.outputPathsOf(promptFileId);
                writeSummary(file, JobEntries.of(journal, jobs, outputPaths), failedJobs, JobEntries.count(outputPaths),
                        "in-progress");
            }
        }
    }

    /** {@code <outbox>/<base>.summary.json}: what a prompt file asked for and what came of each job. */
    private void writeSummary(PromptFileRecord file, List<Map<String, Object>> jobEntries, long failedJobs,
                              int outputs, String outcome) throws IOException {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("file", file.name());
        summary.put("id", file.id());
        summary.put("outcome", outcome);
        summary.put("jobs_total", jobEntries.size());
        summary.put("jobs_succeeded", jobEntries.size() - failedJobs);
        summary.put("jobs_failed", failedJobs);
        summary.put("files_written", outputs);
        summary.put("received_at", String.valueOf(file.receivedAt()));
        summary.put("ended_at", Instant.now().toString());
        summary.put("jobs", jobEntries);
        Path path = summaryPaths.get(file.id());
        if (path == null) {
            path = summaryPath(file);
            summaryPaths.put(file.id(), path);
        }
        AtomicFiles.write(path, JSON.writeValueAsBytes(summary));
    }

    private Object lockOf(String promptFileId) {
        return locks.computeIfAbsent(promptFileId, id -> new Object());
    }

    /** The summary file of this prompt file: the one already written for it, or a name no other file took. */
    private Path summaryPath(PromptFileRecord file) throws IOException {
        String base = FileNames.safe(FileNames.base(file.name()), "prompts");
        for (int n = 1; ; n++) {
            Path candidate = outbox.resolve(base + (n == 1 ? "" : "-" + n) + ".summary.json");
            if (!Files.exists(candidate) || file.id().equals(JSON.readTree(candidate.toFile()).path("id").asText())) {
                return candidate;
            }
        }
    }

    private Path moveToFailed(Path heldFile, String name, Map<String, Object> report) throws IOException {
        Path target = failed.resolve(name);
        for (int n = 2; Files.exists(target) || Files.exists(errorFileOf(target)); n++) {
            target = failed.resolve(FileNames.base(name) + "-" + n + (FileNames.extension(name).isEmpty() ? "" : "." + FileNames.extension(name)));
        }
        AtomicFiles.write(errorFileOf(target), JSON.writeValueAsBytes(report));
        AtomicFiles.move(heldFile, target);
        return target;
    }

    private static Path errorFileOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".error.json");
    }

}
