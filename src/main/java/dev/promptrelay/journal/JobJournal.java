package dev.promptrelay.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptrelay.prompt.JobSpec;

/**
 * The durable record of every prompt file and job: each state change is written here before the step that depends
 * on it, so a restart resumes instead of paying again.
 */
public class JobJournal {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOB_COLUMNS = "j.id, j.prompt_file_id, f.name, j.seq, f.job_count, j.provider, "
                                              + "j.model, j.spec, j.state, j.task_id, j.created_at, j.submitted_at, j.error, j.sandbox, f.output_folder";
    /** Jobs claimed per provider in one go, however much room its cap leaves. */
    public static final int MAX_CLAIM = 100;
    private static final String IN_FLIGHT = "('dispatched','submitting','running')";
    private static final String ENDED = "('succeeded','failed','submit-unknown','cancelled')";

    private final DataSource dataSource;
    private final Map<String, Integer> maxConcurrentByProvider;
    private final GroupCommit writes;

    public JobJournal(DataSource dataSource, Map<String, Integer> maxConcurrentByProvider) {
        this.dataSource = dataSource;
        this.maxConcurrentByProvider = Map.copyOf(maxConcurrentByProvider);
        JournalMigrations.migrate(dataSource);
        this.writes = new GroupCommit(dataSource);
    }

    /**
     * Records a prompt file and all its jobs as queued, in one transaction.
     *
     * @param held   where the file is held, relative to the folder of held prompt files
     * @param sha256 of the content its jobs were read from
     */
    public PromptFileRecord acceptPromptFile(String name, String held, String sha256, List<JobSpec> jobs) {
        return acceptPromptFile(name, held, sha256, jobs, null);
    }

    /** @param outputFolder the outbox folder its outputs and summary share with others (a schedule's), or null */
    public PromptFileRecord acceptPromptFile(String name, String held, String sha256, List<JobSpec> jobs,
                                             String outputFolder) {
        String fileId = UUID.randomUUID().toString();
        OffsetDateTime now = now();
        write(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO prompt_file (id, name, held_path, sha256, state, "
                                                          + "job_count, received_at, output_folder) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)")) {
                p.setString(1, fileId);
                p.setString(2, name);
                p.setString(3, held);
                p.setString(4, sha256);
                p.setInt(5, jobs.size());
                p.setObject(6, now);
                p.setString(7, outputFolder);
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO job (id, prompt_file_id, seq, provider, model, spec, "
                                                          + "state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)")) {
                for (int i = 0; i < jobs.size(); i++) {
                    JobSpec spec = jobs.get(i);
                    p.setString(1, UUID.randomUUID().toString());
                    p.setString(2, fileId);
                    p.setInt(3, i + 1);
                    p.setString(4, spec.provider());
                    p.setString(5, spec.model());
                    p.setString(6, JSON.writeValueAsString(spec));
                    p.setObject(7, now);
                    p.setObject(8, now);
                    p.addBatch();
                }
                p.executeBatch();
            }
            return null;
        });
        return new PromptFileRecord(fileId, name, held, sha256, "open", jobs.size(), now.toInstant(), outputFolder);
    }

    /**
     * Takes queued jobs, oldest first, as far as each provider has room under its cap of tasks in flight, and marks
     * them dispatched. It is a journal write, and those run one at a time: two claims never share the same room.
     */
    public List<Job> claimQueued() {
        return write(c -> {
            List<Job> claimed = new ArrayList<>();
            for (Map.Entry<String, Integer> cap : maxConcurrentByProvider.entrySet()) {
                // a task that ended at the provider no longer counts against its cap, while its outputs download
                int inFlight = count(c, "SELECT COUNT(*) FROM job WHERE provider = ? AND state IN " + IN_FLIGHT
                                        + " AND completed_at IS NULL", cap.getKey());
                // a bounded handful at a time: the dispatch route comes back for more at once
                int room = Math.min(MAX_CLAIM, cap.getValue() - inFlight);
                if (room <= 0) {
                    continue;
                }
                List<Job> queued = jobs(c, "WHERE j.provider = ? AND j.state = 'queued' ORDER BY j.created_at, j.seq "
                                           + "FETCH FIRST " + room + " ROWS ONLY", cap.getKey());
                for (Job job : queued) {
                    if (update(c, "UPDATE job SET state = 'dispatched', updated_at = ? WHERE id = ? AND state = 'queued'",
                            now(), job.id()) == 1) {
                        claimed.add(job);
                    }
                }
            }
            return claimed;
        });
    }

    /** The paid request is about to leave: from this moment the provider's clock for the task may run. */
    public void markSubmitting(String jobId) {
        OffsetDateTime now = now();
        write(c -> update(c, "UPDATE job SET state = 'submitting', submitted_at = ?, updated_at = ? WHERE id = ?",
                now, now, jobId));
    }

    /** The provider refused the submit without taking it: the job waits to be tried again, nothing is owed. */
    public void markDispatched(String jobId) {
        write(c -> update(c, "UPDATE job SET state = 'dispatched', updated_at = ? WHERE id = ?", now(), jobId));
    }

    /** @param sandbox the built-in sandbox took the task: its results are placeholders */
    public void markSubmitted(String jobId, String taskId, boolean sandbox) {
        OffsetDateTime now = now();
        write(c -> update(c, "UPDATE job SET state = 'running', task_id = ?, sandbox = ?, updated_at = ? WHERE id = ?",
                taskId, sandbox, now, jobId));
    }

    /** The provider's word for the task and the polls so far, when the word changes (not at every poll). */
    public void recordPoll(String jobId, String providerStatus, int polls) {
        write(c -> update(c,
                "UPDATE job SET polls = ?, provider_status = ?, updated_at = ? WHERE id = ?", polls, providerStatus,
                now(), jobId));
    }

    /**
     * The provider reported the task done: how long it took counted from when the submit left (it feeds later poll
     * plans), the provider's word, and the polls it took.
     */
    public void markCompleted(String jobId, Long durationMillis, String providerStatus, int polls) {
        OffsetDateTime now = now();
        write(c -> {
            Job job = jobs(c, "WHERE j.id = ?", jobId).get(0);
            OffsetDateTime completed = durationMillis != null && job.submittedAt() != null
                    ? job.submittedAt().plusMillis(durationMillis).atOffset(java.time.ZoneOffset.UTC) : now;
            return update(c, "UPDATE job SET completed_at = ?, provider_status = ?, polls = ?, updated_at = ? "
                             + "WHERE id = ?", completed, providerStatus, polls, now, jobId);
        });
    }


    /** An output's journaled name (relative to the outbox) and how far it got: reserved, staged or written. */
    public record OutputName(String path, String state) {
    }

    public boolean outputWritten(String jobId, int index) {
        return inTransaction(c -> count(c, "SELECT COUNT(*) FROM job_output WHERE job_id = ? AND output_index = ? "
                                           + "AND state = 'written'", jobId, index) > 0);
    }

    /**
     * Names an output before anything of it is fetched: the name it already has, or the first of
     * {@code <folder>/<base>.<ext>}, {@code <folder>/<base>-2.<ext>}... that no other output has and that is not
     * taken on disk. Names are handed out one at a time, so two jobs never get the same one.
     */
    public OutputName reserveOutput(String jobId, int index, String folder, String base, String extension,
                                    java.util.function.Predicate<String> takenOnDisk) {
        return write(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT path, state FROM job_output WHERE job_id = ? AND output_index = ?")) {
                bind(p, jobId, index);
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        return new OutputName(rs.getString(1), rs.getString(2));
                    }
                }
            }
            String suffix = extension.isEmpty() ? "" : "." + extension;
            for (int n = 1; ; n++) {
                String candidate = folder + "/" + base + (n == 1 ? "" : "-" + n) + suffix;
                if (count(c, "SELECT COUNT(*) FROM job_output WHERE path = ?", candidate) == 0
                    && !takenOnDisk.test(candidate)) {
                    update(c, "INSERT INTO job_output (job_id, output_index, path, state) VALUES (?, ?, ?, 'reserved')",
                            jobId, index, candidate);
                    return new OutputName(candidate, "reserved");
                }
            }
        });
    }

    /** The output is downloaded and kept in the state directory until the outbox can take it. */
    public void markOutputStaged(String jobId, int index) {
        write(c -> update(c, "UPDATE job_output SET state = 'staged' WHERE job_id = ? AND output_index = ?", jobId,
                index));
    }

    /** The output is in the outbox under its journaled name, with its sidecar. */
    public void recordOutput(String jobId, int index, long bytes, String sha256) {
        write(c -> update(c, "UPDATE job_output SET state = 'written', bytes = ?, sha256 = ?, written_at = ? "
                             + "WHERE job_id = ? AND output_index = ?", bytes, sha256, now(), jobId, index));
    }

    /** The output paths of every job of a prompt file as journaled (relative to the outbox), by job id, in one query. */
    public Map<String, List<String>> outputPathsOf(String promptFileId) {
        return inTransaction(c -> {
            Map<String, List<String>> paths = new HashMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT o.job_id, o.path FROM job_output o JOIN job j "
                                                          + "ON o.job_id = j.id WHERE j.prompt_file_id = ? "
                                                          + "AND o.state = 'written' "
                                                          + "ORDER BY o.job_id, o.output_index")) {
                p.setString(1, promptFileId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        paths.computeIfAbsent(rs.getString(1), id -> new ArrayList<>()).add(rs.getString(2));
                    }
                }
            }
            return paths;
        });
    }

    public void markSucceeded(String jobId) {
        OffsetDateTime now = now();
        write(c -> update(c, "UPDATE job SET state = 'succeeded', ended_at = ?, updated_at = ? WHERE id = ?",
                now, now, jobId));
    }

    public void markFailed(String jobId, JobState state, String reason, String nextStep) {
        OffsetDateTime now = now();
        write(c -> update(c, "UPDATE job SET state = ?, error = ?, next_step = ?, ended_at = ?, updated_at = ? "
                                     + "WHERE id = ?", state.word(), reason, nextStep, now, now, jobId));
    }

    public Job job(String jobId) {
        return inTransaction(c -> jobs(c, "WHERE j.id = ?", jobId).stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no job " + jobId)));
    }

    public List<Job> jobsOf(String promptFileId) {
        return inTransaction(c -> jobs(c, "WHERE j.prompt_file_id = ? ORDER BY j.seq", promptFileId));
    }

    public String nextStepOf(String jobId) {
        return inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT next_step FROM job WHERE id = ?")) {
                p.setString(1, jobId);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    /**
     * Closes the prompt file when every job of it has ended. Only one caller wins, so the file is moved once.
     *
     * @return the file when this call closed it, otherwise null
     */
    public PromptFileRecord closeIfEnded(String promptFileId) {
        return write(c -> {
            int closed = update(c, "UPDATE prompt_file SET state = 'closing' WHERE id = ? AND state = 'open' AND NOT EXISTS "
                                   + "(SELECT 1 FROM job WHERE prompt_file_id = ? AND state NOT IN "
                                   + ENDED + ")",
                    promptFileId, promptFileId);
            return closed == 1 ? promptFile(c, promptFileId) : null;
        });
    }

    /** A file being closed that could not be moved out: open again, so a later try can close it. */
    public void reopenPromptFile(String promptFileId) {
        write(c -> update(c, "UPDATE prompt_file SET state = 'open' WHERE id = ? AND state = 'closing'", promptFileId));
    }

    /** @param outcome where the file went, relative to the archive or failed/; null when it was gone already */
    public void markPromptFileEnded(String promptFileId, String state, String outcome) {
        write(c -> update(c, "UPDATE prompt_file SET state = ?, ended_at = ?, outcome_path = ? WHERE id = ?",
                state, now(), outcome, promptFileId));
    }

    // --- a caller's cancel and retry ---

    /** Jobs cancelled while this process runs: their submits and polls stop at the next step. */
    private final Set<String> cancelled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Tasks no longer polled: a retried job gets a task of its own, never a poll of the old one. */
    private final Set<String> cancelledTasks = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** What a cancel did: jobs that were never submitted, and tasks that were running and are no longer polled. */
    public record Cancellation(int notSubmitted, List<String> stillRunningTasks) {
    }

    /**
     * Cancels a request's jobs that have not ended: queued ones are never submitted, running ones no longer polled.
     * A submit on the wire at this moment is left to end as it does (its outcome decides).
     */
    public Cancellation cancel(String promptFileId) {
        return write(c -> {
            List<Job> open = jobs(c, "WHERE j.prompt_file_id = ? AND j.state IN ('queued','dispatched','running')",
                    promptFileId);
            OffsetDateTime now = now();
            int notSubmitted = 0;
            List<String> running = new ArrayList<>();
            for (Job job : open) {
                boolean wasRunning = job.state() == JobState.RUNNING;
                update(c, "UPDATE job SET state = 'cancelled', error = ?, next_step = ?, ended_at = ?, updated_at = ? "
                          + "WHERE id = ?", wasRunning
                                 ? "cancelled while task " + job.taskId() + " ran at " + job.provider()
                                   + ": it may still finish there, and be charged, but is no longer polled"
                                 : "cancelled before it was submitted: nothing was charged",
                        "POST /api/jobs/" + promptFileId + "/retry runs it after all", now, now, job.id());
                cancelled.add(job.id());
                if (wasRunning) {
                    running.add(job.taskId());
                    cancelledTasks.add(job.taskId());
                } else {
                    notSubmitted++;
                }
            }
            return new Cancellation(notSubmitted, running);
        });
    }

    public boolean isCancelled(String jobId) {
        return cancelled.contains(jobId);
    }

    /** Whether this task of this job is no longer to be polled. */
    public boolean isCancelled(String jobId, String taskId) {
        return cancelled.contains(jobId) || taskId != null && cancelledTasks.contains(taskId);
    }

    /**
     * Queues a request's failed and cancelled jobs again (and those whose submit outcome is unknown, when asked,
     * since that may pay twice); outputs already written are kept. The prompt file is open again.
     *
     * @return how many jobs were queued again
     */
    public int retry(String promptFileId, boolean includeUnknown) {
        return write(c -> {
            String states = includeUnknown ? "('failed','cancelled','submit-unknown')" : "('failed','cancelled')";
            // a retried job is no longer cancelled: its submit and polls go ahead
            jobs(c, "WHERE j.prompt_file_id = ? AND j.state IN " + states, promptFileId)
                    .forEach(job -> cancelled.remove(job.id()));
            try (PreparedStatement p = c.prepareStatement("DELETE FROM job_output WHERE state = 'reserved' AND job_id IN "
                                                          + "(SELECT id FROM job WHERE prompt_file_id = ? AND state IN "
                                                          + states + ")")) {
                bind(p, promptFileId);
                p.executeUpdate();
            }
            int requeued = update(c, "UPDATE job SET state = 'queued', task_id = NULL, error = NULL, next_step = NULL, "
                                     + "provider_status = NULL, polls = 0, submitted_at = NULL, completed_at = NULL, "
                                     + "ended_at = NULL, sandbox = FALSE, updated_at = ? WHERE prompt_file_id = ? "
                                     + "AND state IN " + states, now(), promptFileId);
            if (requeued > 0) {
                update(c, "UPDATE prompt_file SET state = 'open', ended_at = NULL WHERE id = ?", promptFileId);
            }
            return requeued;
        });
    }

    /** A request that failed validation: listed like the others, with why, and no job. */
    public PromptFileRecord recordRejectedRequest(String name, String error, String whatToDo) {
        String id = UUID.randomUUID().toString();
        OffsetDateTime now = now();
        write(c -> update(c, "INSERT INTO prompt_file (id, name, held_path, sha256, state, job_count, received_at, "
                             + "ended_at, error, what_to_do) VALUES (?, ?, '', '', 'rejected', 0, ?, ?, ?, ?)",
                id, name, now, now, error, whatToDo));
        return new PromptFileRecord(id, name, "", "", "rejected", 0, now.toInstant(), null);
    }

    /** Why a request was rejected, and what to do: {error, what_to_do}; empty for others. */
    public Map<String, String> rejection(String promptFileId) {
        return inTransaction(c -> {
            Map<String, String> rejection = new java.util.LinkedHashMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT error, what_to_do FROM prompt_file WHERE id = ? "
                                                          + "AND state = 'rejected'")) {
                bind(p, promptFileId);
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        rejection.put("error", rs.getString(1));
                        rejection.put("what_to_do", rs.getString(2));
                    }
                }
            }
            return rejection;
        });
    }

    /** Where a closed prompt file went, relative to the archive or failed/ (null while it is held). */
    public String outcomeOf(String promptFileId) {
        return inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT outcome_path FROM prompt_file WHERE id = ?")) {
                bind(p, promptFileId);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    // --- recovery at start ---

    /** Jobs handed to the submit route but never sent go back to the queue. */
    public int requeueDispatched() {
        return write(c -> update(c, "UPDATE job SET state = 'queued', updated_at = ? WHERE state = 'dispatched'",
                now()));
    }

    /** Jobs whose paid submit was on the wire when the process stopped: the provider may have taken them. */
    public List<Job> interruptedSubmits() {
        return inTransaction(c -> jobs(c, "WHERE j.state = 'submitting' ORDER BY j.created_at"));
    }

    /** Jobs with a task at the provider: they resume polling, never resubmitted. */
    public List<Job> runningTasks() {
        return inTransaction(c -> jobs(c, "WHERE j.state = 'running' ORDER BY j.submitted_at"));
    }

    /** Prompt files whose jobs have all ended but that were not moved out yet. */
    public List<String> promptFilesToClose() {
        return write(c -> {
            update(c, "UPDATE prompt_file SET state = 'open' WHERE state = 'closing'");
            List<String> ids = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT f.id FROM prompt_file f WHERE f.state = 'open' AND NOT EXISTS "
                                                          + "(SELECT 1 FROM job WHERE prompt_file_id = f.id AND state NOT IN "
                                                          + ENDED + ")");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        });
    }

    /** Where the prompt files whose jobs run are held, as journaled (relative, or absolute from earlier versions). */
    public Set<String> heldFiles() {
        return inTransaction(c -> {
            Set<String> paths = new HashSet<>();
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT held_path FROM prompt_file WHERE state IN ('open','closing')");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    paths.add(rs.getString(1));
                }
            }
            return paths;
        });
    }

    /** How many jobs a prompt file has, how many ended and how many of those failed. */
    public record JobCounts(int total, int ended, int failed) {
    }

    public JobCounts jobCounts(String promptFileId) {
        return inTransaction(c -> {
            int total = 0;
            int ended = 0;
            int failed = 0;
            try (PreparedStatement p = c.prepareStatement("SELECT state, COUNT(*) FROM job WHERE prompt_file_id = ? "
                                                          + "GROUP BY state")) {
                bind(p, promptFileId);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        JobState state = JobState.of(rs.getString(1));
                        int n = rs.getInt(2);
                        total += n;
                        ended += state.ended() ? n : 0;
                        failed += state.ended() && state != JobState.SUCCEEDED ? n : 0;
                    }
                }
            }
            return new JobCounts(total, ended, failed);
        });
    }

    /** What the journal holds, in counts that only grow (the embedded journal's watermark). */
    public JournalFile.JournalCounts counts() {
        return inTransaction(JournalFile.JournalCounts::read);
    }

    // --- plumbing ---

    /** A prompt file (or API request) by id, or null. */
    public PromptFileRecord promptFileRecord(String id) {
        return inTransaction(c -> count(c, "SELECT COUNT(*) FROM prompt_file WHERE id = ?", id) == 0 ? null
                : promptFile(c, id));
    }

    /** The most recently received prompt files, newest first. */
    public List<PromptFileRecord> recentPromptFiles(int limit) {
        return inTransaction(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id FROM prompt_file ORDER BY received_at DESC "
                                                          + "FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY");
                 ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            List<PromptFileRecord> records = new ArrayList<>();
            for (String id : ids) {
                records.add(promptFile(c, id));
            }
            return records;
        });
    }

    /** How long the latest tasks of this provider and model took, submit to detected end, newest first. */
    public List<Long> recentTaskMillis(String provider, String model, int limit) {
        return inTransaction(c -> {
            List<Long> millis = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT submitted_at, completed_at FROM job WHERE provider = ? "
                                                          + "AND model = ? AND completed_at IS NOT NULL AND submitted_at IS NOT NULL "
                                                          + "ORDER BY completed_at DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")) {
                bind(p, provider, model);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        millis.add(java.time.Duration.between(instant(rs, 1), instant(rs, 2)).toMillis());
                    }
                }
            }
            return millis;
        });
    }

    /** When a schedule last fired, or null when it never has. */
    public Instant lastFire(String schedule) {
        return inTransaction(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT fired_at FROM schedule_fire WHERE name = ?")) {
                bind(p, schedule);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? instant(rs, 1) : null;
                }
            }
        });
    }

    public void recordFire(String schedule, Instant firedAt) {
        OffsetDateTime at = firedAt.atOffset(java.time.ZoneOffset.UTC);
        write(c -> update(c, "UPDATE schedule_fire SET fired_at = ? WHERE name = ?", at, schedule) == 1
                ? 1 : update(c, "INSERT INTO schedule_fire (name, fired_at) VALUES (?, ?)", schedule, at));
    }

    private PromptFileRecord promptFile(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT id, name, held_path, sha256, state, job_count, received_at, output_folder FROM prompt_file WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no prompt file " + id);
                }
                return new PromptFileRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getInt(6), instant(rs, 7), rs.getString(8));
            }
        }
    }

    private List<Job> jobs(Connection c, String where, Object... args) throws SQLException {
        List<Job> jobs = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT " + JOB_COLUMNS + " FROM job j JOIN prompt_file f ON f.id = j.prompt_file_id " + where)) {
            bind(p, args);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    jobs.add(new Job(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
                            rs.getString(6), rs.getString(7), readSpec(rs.getString(8)), JobState.of(rs.getString(9)),
                            rs.getString(10), instant(rs, 11), instant(rs, 12), rs.getString(13), rs.getBoolean(14),
                            rs.getString(15)));
                }
            }
        }
        return jobs;
    }

    private static JobSpec readSpec(String json) throws SQLException {
        try {
            return JSON.readValue(json, JobSpec.class);
        } catch (IOException e) {
            throw new SQLException("unreadable job spec in the journal: " + e.getMessage(), e);
        }
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static int count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            return p.executeUpdate();
        }
    }

    private static void bind(PreparedStatement p, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            p.setObject(i + 1, args[i]);
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    /** A change: committed together with others that queued up meanwhile, and written before this returns. */
    private <T> T write(GroupCommit.SqlWork<T> work) {
        return writes.write(work);
    }

    /** A read, on a connection of its own. */
    private <T> T inTransaction(GroupCommit.SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("job journal: " + e.getMessage(), e);
        }
    }
}
