package dev.promptrelay.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.promptrelay.prompt.JobSpec;

import static dev.promptrelay.journal.JournalDatabase.ENDED;
import static dev.promptrelay.journal.JournalDatabase.bind;
import static dev.promptrelay.journal.JournalDatabase.count;
import static dev.promptrelay.journal.JournalDatabase.jobs;
import static dev.promptrelay.journal.JournalDatabase.now;
import static dev.promptrelay.journal.JournalDatabase.promptFile;
import static dev.promptrelay.journal.JournalDatabase.specJson;
import static dev.promptrelay.journal.JournalDatabase.text;
import static dev.promptrelay.journal.JournalDatabase.update;

/**
 * Prompt files and API requests in the journal: taken in with their jobs in one transaction, closed once every job
 * has ended (by one caller only), where they went; rejected requests; and how far each got.
 */
public class PromptFileJournal {

    /** The states a job is still under way in. */
    private static final List<JobState> UNDER_WAY = java.util.Arrays.stream(JobState.values()).filter(s -> !s.ended())
            .toList();
    /**
     * No job of the file (a parameter per state) is under way: one index seek per state, where "state NOT IN the ended
     * ones" read every job of the file at each end.
     */
    private static final String NO_JOB_UNDER_WAY = UNDER_WAY.stream()
            .map(s -> " AND NOT EXISTS (SELECT 1 FROM job WHERE prompt_file_id = ? AND state = '" + s.word() + "')")
            .collect(java.util.stream.Collectors.joining());

    private final JournalDatabase db;
    private final JobJournal nodes;
    private volatile OutletJournal outlets;

    public PromptFileJournal(JournalDatabase db) {
        this(db, null);
    }

    /** @param nodes this node on a journal several may share: a node out of touch journals no new work */
    public PromptFileJournal(JournalDatabase db, JobJournal nodes) {
        this.db = db;
        this.nodes = nodes;
    }

    /**
     * Records a prompt file and all its jobs as queued, in one transaction.
     *
     * @param held   where the file is held, relative to the folder of held prompt files
     * @param sha256 of the content its jobs were read from
     */
    public PromptFileRecord acceptPromptFile(String name, String held, String sha256, List<JobSpec> jobs) {
        return acceptPromptFile(name, held, sha256, jobs, null, Source.INBOX);
    }

    /**
     * Where a request came from: {@code inbox}, {@code api}, {@code embedded}, {@code schedule} or an intake's name,
     * and for an intake the message's identity there (null for the others).
     */
    public record Source(String intake, String key) {
        public static final Source INBOX = new Source("inbox", null);
    }

    /**
     * @param outputFolder the outbox folder its outputs and summary share with others (a schedule's), or null
     * @param source       where it came from; a message an intake took in before is never journaled twice (the
     *                     unique index refuses it, see {@link #takenIn})
     */
    public PromptFileRecord acceptPromptFile(String name, String held, String sha256, List<JobSpec> jobs,
                                             String outputFolder, Source source) {
        String fileId = TimeOrderedIds.next();
        OffsetDateTime now = now();
        db.write(c -> {
            // the others may be handing this node's untaken files back to the inbox: it must not take them in too
            if (nodes != null && !nodes.stillSeen(c)) {
                throw new IllegalStateException("this node (" + nodes.node() + ") was not seen in the journal for "
                                                + "two leases (promptrelay.cluster.lease-seconds), so the other nodes may "
                                                + "have taken its work: " + name + " was not taken in here and nothing "
                                                + "of it was submitted; drop it into the inbox again");
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO prompt_file (id, name, held_path, sha256, state, "
                                                          + "job_count, received_at, output_folder, intake, intake_key) "
                                                          + "VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?, ?)")) {
                p.setString(1, fileId);
                p.setString(2, name);
                p.setString(3, held);
                p.setString(4, sha256);
                p.setInt(5, jobs.size());
                p.setObject(6, now);
                p.setString(7, outputFolder);
                p.setString(8, source.intake());
                p.setString(9, source.key());
                p.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO job (id, prompt_file_id, seq, provider, model, spec, "
                                                          + "state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)")) {
                for (int i = 0; i < jobs.size(); i++) {
                    JobSpec spec = jobs.get(i);
                    p.setString(1, TimeOrderedIds.next());
                    p.setString(2, fileId);
                    p.setInt(3, i + 1);
                    p.setString(4, spec.provider());
                    p.setString(5, spec.model());
                    p.setString(6, specJson(spec));
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
     * Closes the prompt file when every job of it has ended. Only one caller wins, so the file is moved once.
     *
     * @return the file when this call closed it, otherwise null
     */
    public PromptFileRecord closeIfEnded(String promptFileId) {
        return db.write(c -> {
            Object[] ids = new Object[UNDER_WAY.size() + 1];
            java.util.Arrays.fill(ids, promptFileId);
            int closed = update(c, "UPDATE prompt_file SET state = 'closing' WHERE id = ? AND state = 'open'"
                                   + NO_JOB_UNDER_WAY, ids);
            return closed == 1 ? promptFile(c, promptFileId) : null;
        });
    }

    /** A file being closed that could not be moved out: open again, so a later try can close it. */
    public void reopenPromptFile(String promptFileId) {
        db.write(c -> update(c, "UPDATE prompt_file SET state = 'open' WHERE id = ? AND state = 'closing'", promptFileId));
    }

    /** @param outcome where the file went, relative to the archive or failed/; null when it was gone already */
    public void markPromptFileEnded(String promptFileId, String state, String outcome) {
        markPromptFileEnded(promptFileId, state, outcome, null);
    }

    /**
     * @param summary its summary file, relative to the outbox: the outlets that take this file's summary get it,
     *                journaled in the same step, so an end never passes them by
     */
    public void markPromptFileEnded(String promptFileId, String state, String outcome, String summary) {
        db.write(c -> {
            update(c, "UPDATE prompt_file SET state = ?, ended_at = ?, outcome_path = ? WHERE id = ?", state, now(),
                    outcome, promptFileId);
            if (outlets != null && summary != null) {
                outlets.enqueueSummary(c, promptFileId, summary);
            }
            return null;
        });
    }

    /** The request a message of this intake became, when it was taken in before (a redelivery); otherwise null. */
    public PromptFileRecord takenIn(Source source) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + JournalDatabase.PROMPT_FILE_COLUMNS
                                                          + " FROM prompt_file WHERE intake = ? AND intake_key = ?")) {
                p.setString(1, source.intake());
                p.setString(2, source.key());
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? JournalDatabase.promptFileRow(rs) : null;
                }
            }
        });
    }

    /** Outlets that receive summaries; set once at start. */
    public void outlets(OutletJournal outlets) {
        this.outlets = outlets;
    }

    /** A request that failed validation: listed like the others, with why, and no job. */
    public PromptFileRecord recordRejectedRequest(String name, String error, String whatToDo) {
        String id = TimeOrderedIds.next();
        OffsetDateTime now = now();
        db.write(c -> update(c, "INSERT INTO prompt_file (id, name, held_path, sha256, state, job_count, received_at, "
                             + "ended_at, error, what_to_do) VALUES (?, ?, '', '', 'rejected', 0, ?, ?, ?, ?)",
                id, name, now, now, error, whatToDo));
        return new PromptFileRecord(id, name, "", "", "rejected", 0, now.toInstant(), null);
    }

    /** Why a request was rejected, and what to do: {error, what_to_do}; empty for others. */
    public Map<String, String> rejection(String promptFileId) {
        return db.read(c -> {
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
        return db.read(c -> text(c, "SELECT outcome_path FROM prompt_file WHERE id = ?", promptFileId));
    }

    /** Prompt files whose jobs have all ended but that were not moved out yet. */
    public List<String> promptFilesToClose() {
        return db.write(c -> {
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
        return db.read(c -> {
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
        return db.read(c -> {
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

    /** A prompt file (or API request) by id, or null. */
    public PromptFileRecord promptFileRecord(String id) {
        return db.read(c -> count(c, "SELECT COUNT(*) FROM prompt_file WHERE id = ?", id) == 0 ? null
                : promptFile(c, id));
    }

    /** The latest prompt file taken in before with this content (rejected requests aside), or null. */
    public PromptFileRecord earlierWithContent(String sha256) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT id FROM prompt_file WHERE sha256 = ? AND "
                                                          + "state <> 'rejected' ORDER BY received_at DESC "
                                                          + "FETCH FIRST 1 ROWS ONLY")) {
                p.setString(1, sha256);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? promptFile(c, rs.getString(1)) : null;
                }
            }
        });
    }

    /** The most recently received prompt files, newest first. */
    public List<PromptFileRecord> recentPromptFiles(int limit) {
        return recentPromptFiles(limit, null);
    }

    /** The newest prompt files received before the one with id {@code before} (all when null), newest first. */
    public List<PromptFileRecord> recentPromptFiles(int limit, String before) {
        return recentPromptFiles(limit, before, null, null).files();
    }

    /** How many prompt files one text search looks through at most: its cost stays flat however long the history. */
    static final int SEARCH_WINDOW = 500;

    /** A page of prompt files, and the id to page on from (null at the end of the history). */
    public record Page(List<PromptFileRecord> files, String next) {
    }

    /**
     * As {@link #recentPromptFiles(int, String)}, only files with a job for {@code provider}, and whose name or a
     * job's prompt or options hold {@code text} (any case); either may be null. A text search looks through at most
     * {@link #SEARCH_WINDOW} files a page, so a page may hold fewer than {@code limit} with a {@code next} to go on.
     */
    public Page recentPromptFiles(int limit, String before, String provider, String text) {
        int pageSize = Math.max(1, limit);
        return db.read(c -> {
            String cursor = "";
            List<Object> values = new ArrayList<>();
            if (before != null) {
                // ordered by time, then id, so a page boundary between two files received at once loses neither
                cursor = "WHERE (f.received_at < (SELECT received_at FROM prompt_file WHERE id = ?) "
                         + "OR (f.received_at = (SELECT received_at FROM prompt_file WHERE id = ?) AND f.id < ?)) ";
                values.addAll(List.of(before, before, before));
            }
            if (text == null) {
                if (provider != null) {
                    cursor += (cursor.isEmpty() ? "WHERE " : "AND ")
                              + "EXISTS (SELECT 1 FROM job j WHERE j.prompt_file_id = f.id AND j.provider = ?) ";
                    values.add(provider);
                }
                List<String> ids = ids(c, "SELECT f.id FROM prompt_file f " + cursor + "ORDER BY f.received_at DESC, "
                                          + "f.id DESC FETCH FIRST " + pageSize + " ROWS ONLY", values);
                return new Page(new ArrayList<>(promptFiles(c, ids).values()),
                        ids.size() >= pageSize ? ids.get(ids.size() - 1) : null);
            }
            // a substring is found by reading the jobs themselves: only the window's, through the index of files by
            // time and of jobs by file, so a search costs the same whatever the history
            List<String> window = new ArrayList<>();
            OffsetDateTime oldest = null;
            try (PreparedStatement p = c.prepareStatement("SELECT f.id, f.received_at FROM prompt_file f " + cursor
                                                          + "ORDER BY f.received_at DESC, f.id DESC FETCH FIRST "
                                                          + SEARCH_WINDOW + " ROWS ONLY")) {
                bind(p, values.toArray());
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        window.add(rs.getString(1));
                        oldest = rs.getObject(2, OffsetDateTime.class);
                    }
                }
            }
            if (window.isEmpty()) {
                return new Page(List.of(), null);
            }
            String inWindow = (cursor.isEmpty() ? "WHERE " : cursor + "AND ")
                              + "f.received_at >= ? AND (f.received_at > ? OR f.id >= ?) ";
            List<Object> windowValues = new ArrayList<>(values);
            windowValues.addAll(List.of(oldest, oldest, window.get(window.size() - 1)));
            String like = "%" + text.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%")
                    .replace("_", "\\_") + "%";
            Set<String> found = new HashSet<>(ids(c, "SELECT f.id FROM prompt_file f " + inWindow
                                                     + "AND LOWER(f.name) LIKE ? ESCAPE '\\'", with(windowValues, like)));
            found.addAll(ids(c, "SELECT DISTINCT f.id FROM prompt_file f JOIN job j ON j.prompt_file_id = f.id "
                                + inWindow + "AND LOWER(j.spec) LIKE ? ESCAPE '\\'", with(windowValues, like)));
            if (provider != null && !found.isEmpty()) {
                found.retainAll(ids(c, "SELECT DISTINCT f.id FROM prompt_file f JOIN job j ON j.prompt_file_id = f.id "
                                       + inWindow + "AND j.provider = ?", with(windowValues, provider)));
            }
            List<String> ids = window.stream().filter(found::contains).limit(pageSize).toList();
            String next = ids.size() >= pageSize ? ids.get(ids.size() - 1)
                    : window.size() >= SEARCH_WINDOW ? window.get(window.size() - 1) : null;
            return new Page(new ArrayList<>(promptFiles(c, ids).values()), next);
        });
    }

    private static List<Object> with(List<Object> values, Object last) {
        List<Object> all = new ArrayList<>(values);
        all.add(last);
        return all;
    }

    private static List<String> ids(Connection c, String sql, List<Object> values) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, values.toArray());
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** The prompt files of these ids, in their order, read at once. */
    private static Map<String, PromptFileRecord> promptFiles(Connection c, List<String> ids) throws SQLException {
        Map<String, PromptFileRecord> byId = new java.util.LinkedHashMap<>();
        ids.forEach(id -> byId.put(id, null));
        if (!ids.isEmpty()) {
            try (PreparedStatement p = c.prepareStatement("SELECT " + JournalDatabase.PROMPT_FILE_COLUMNS
                                                          + " FROM prompt_file WHERE id IN " + placeholders(ids.size()))) {
                bind(p, ids.toArray());
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        byId.put(rs.getString(1), JournalDatabase.promptFileRow(rs));
                    }
                }
            }
        }
        byId.values().removeIf(java.util.Objects::isNull);
        return byId;
    }

    private static String placeholders(int count) {
        return "(" + "?, ".repeat(Math.max(0, count - 1)) + "?)";
    }

    /** What a listing shows of each prompt file of a page: its jobs, rejection and output paths, by prompt file id. */
    public record PageDetails(Map<String, List<Job>> jobs, Map<String, Map<String, String>> rejections,
                              Map<String, Map<String, List<String>>> outputPaths) {
    }

    /** The details of a page of prompt files in three queries, not three for each (round trips to a database server). */
    public PageDetails detailsOf(List<PromptFileRecord> files) {
        if (files.isEmpty()) {
            return new PageDetails(Map.of(), Map.of(), Map.of());
        }
        Object[] ids = files.stream().map(PromptFileRecord::id).toArray();
        String in = placeholders(ids.length);
        return db.read(c -> {
            Map<String, List<Job>> jobs = new HashMap<>();
            for (Job job : jobs(c, "WHERE j.prompt_file_id IN " + in + " ORDER BY j.prompt_file_id, j.seq", ids)) {
                jobs.computeIfAbsent(job.promptFileId(), k -> new ArrayList<>()).add(job);
            }
            Map<String, Map<String, String>> rejections = new HashMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT id, error, what_to_do FROM prompt_file WHERE id IN "
                                                          + in + " AND state = 'rejected'")) {
                bind(p, ids);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        Map<String, String> rejection = new java.util.LinkedHashMap<>();
                        rejection.put("error", rs.getString(2));
                        rejection.put("what_to_do", rs.getString(3));
                        rejections.put(rs.getString(1), rejection);
                    }
                }
            }
            Map<String, Map<String, List<String>>> outputs = new HashMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT j.prompt_file_id, o.job_id, o.path FROM job_output o "
                                                          + "JOIN job j ON o.job_id = j.id WHERE j.prompt_file_id IN "
                                                          + in + " AND o.state = 'written' "
                                                          + "ORDER BY o.job_id, o.output_index")) {
                bind(p, ids);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        outputs.computeIfAbsent(rs.getString(1), k -> new HashMap<>())
                                .computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getString(3));
                    }
                }
            }
            return new PageDetails(jobs, rejections, outputs);
        });
    }

    // --- what is reported of a prompt file ---

    public List<Job> jobsOf(String promptFileId) {
        return db.read(c -> jobs(c, "WHERE j.prompt_file_id = ? ORDER BY j.seq", promptFileId));
    }

    /** The request's jobs whose tasks had run at the provider before they ended: redoing them pays again. */
    public java.util.Set<String> paidBefore(String promptFileId) {
        return nodes.paidBefore(promptFileId);
    }

    public String nextStepOf(String jobId) {
        return db.read(c -> text(c, "SELECT next_step FROM job WHERE id = ?", jobId));
    }

    /** The output paths of every job of a prompt file as journaled (relative to the outbox), by job id, in one query. */
    public Map<String, List<String>> outputPathsOf(String promptFileId) {
        return db.read(c -> {
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
}
