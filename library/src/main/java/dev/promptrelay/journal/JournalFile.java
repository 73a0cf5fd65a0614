package dev.promptrelay.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Properties;

import dev.promptrelay.output.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded journal's file ({@code <state-dir>/journal.mv.db}), guarded. Before it is opened, a copy of it is
 * opened and checked: its schema can be brought up to date, every row reads, and it holds no less than this
 * installation last saw in it (the watermark, its count of committed changes, written once a second and at stop: a
 * journal cut short by a damaged disk or a truncation would otherwise open quietly with its last changes gone, and
 * jobs be paid for twice). A journal that fails is never opened, so a failed start leaves it exactly as it was; the
 * copy that passed is kept as {@code journal-backup.mv.db}, the backup the error names.
 */
public final class JournalFile {

    private static final Logger LOG = LoggerFactory.getLogger(JournalFile.class);

    private final Path stateDir;
    private final String user;
    private final String password;

    public JournalFile(Path stateDir, String user, String password) {
        this.stateDir = stateDir;
        this.user = user;
        this.password = password;
    }

    /** The journal's JDBC URL: each commit written through at once, so a kill -9 loses nothing journaled. */
    public String url() {
        return url("journal");
    }

    public Path file() {
        return stateDir.resolve("journal.mv.db");
    }

    public Path backup() {
        return stateDir.resolve("journal-backup.mv.db");
    }

    Path watermark() {
        return stateDir.resolve("journal.watermark");
    }

    private String url(String name) {
        // closed by promptrelay after its routes have stopped, not by H2's own hook while they still write; each
        // connection keeps the journal's few dozen statements parsed (H2 keeps 8 unless told)
        return "jdbc:h2:file:" + stateDir.resolve(name) + ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;QUERY_CACHE_SIZE=128";
    }

    /** The check opens the journal read-only and leaves no trace file behind. */
    private String checkUrl() {
        return url("journal") + ";ACCESS_MODE_DATA=r;TRACE_LEVEL_FILE=0";
    }

    /**
     * Opens the journal read-only and checks it: it is not changed, and nothing is copied, so a start costs what the
     * work under way costs, however long the history (the backup is the copy a clean stop makes).
     *
     * @throws JournalDamaged saying what is wrong, where the backup is and what to do
     */
    public void checkBeforeOpening() {
        // a copy under check left by an earlier version
        deleteQuietly(stateDir.resolve("journal-check.mv.db"));
        if (!Files.exists(file())) {
            // a new installation, or a journal the user removed: held files it does not know are never paid again
            deleteQuietly(watermark());
            return;
        }
        try {
            JournalCounts held;
            JournalCounts seen = readWatermark();
            org.h2.jdbcx.JdbcDataSource readOnly = new org.h2.jdbcx.JdbcDataSource();
            readOnly.setURL(checkUrl());
            readOnly.setUser(user);
            readOnly.setPassword(password);
            try (Connection c = readOnly.getConnection()) {
                held = readWhatAStartNeeds(c, seen);
            }
            if (seen != null && !held.holdsAtLeast(seen)) {
                throw new JournalDamaged("the job journal " + file() + " holds less than promptrelay last saw in it "
                                         + "(" + held + ", where it saw " + seen + "): it was cut short or replaced by "
                                         + "an older copy", whatToDo(true), null);
            }
        } catch (JournalDamaged e) {
            throw e;
        } catch (SQLException | RuntimeException e) {
            throw new JournalDamaged("the job journal " + file() + " is damaged and was left as it was ("
                                     + e.getMessage() + ")", whatToDo(false), e);
        }
    }

    private String whatToDo(boolean older) {
        String restore = Files.exists(backup())
                ? "A backup of it from the last clean stop is " + backup() + " (" + modified(backup()) + "). Stop "
                  + "promptrelay, move " + file() + " aside, copy the backup to " + file() + ", delete " + watermark()
                  + " and start again"
                : "There is no backup of it yet. Stop promptrelay, move " + file() + " and " + watermark()
                  + " aside and start again with an empty journal";
        return restore + ". Prompt files in progress that the journal you start with does not know go to failed/ with "
               + "an unknown outcome rather than being paid for again"
               + (older ? "; if you put an older journal in place on purpose, delete " + watermark() + " and start again"
                        : "");
    }

    /** Whether the journal's file is where it should be: it is not after its state directory was deleted under it. */
    public boolean present() {
        return Files.exists(file());
    }

    /**
     * At a clean stop, before the journal closes: when its file was deleted while promptrelay ran (the state
     * directory removed under it), what the open journal holds is written out as SQL, to be loaded into a new file once
     * it has closed ({@link #writeBackAfterClose}). H2's own BACKUP copies the file by its name, which is gone.
     *
     * @return whether it has to be written back
     */
    public boolean saveIfDeleted(javax.sql.DataSource open) {
        if (present()) {
            return false;
        }
        try {
            Files.createDirectories(stateDir);
            try (Connection c = open.getConnection(); Statement s = c.createStatement()) {
                s.execute("SCRIPT TO '" + rescue().toAbsolutePath().toString().replace("'", "''") + "'");
            }
            return true;
        } catch (IOException | SQLException e) {
            LOG.error("The journal file {} was deleted while promptrelay ran, and what it held could not be saved ({}): "
                      + "the next start begins with an empty journal. Prompt files of this run that did not end are "
                      + "not known to it; look for their tasks in your provider accounts before running them again",
                    file(), e.toString());
            return false;
        }
    }

    /** Once the journal is closed: the saved journal of {@link #saveIfDeleted} is loaded into a new file in its place. */
    public void writeBackAfterClose() {
        if (!Files.exists(rescue())) {
            return;
        }
        try {
            org.h2.jdbcx.JdbcDataSource fresh = new org.h2.jdbcx.JdbcDataSource();
            fresh.setURL(url());
            fresh.setUser(user);
            fresh.setPassword(password);
            try (Connection c = fresh.getConnection(); Statement s = c.createStatement()) {
                s.execute("RUNSCRIPT FROM '" + rescue().toAbsolutePath().toString().replace("'", "''") + "'");
            }
            Files.delete(rescue());
            LOG.warn("The journal file {} was deleted while promptrelay ran; what the journal held is written back "
                     + "there, so the next start resumes from it. Prompt files held in {} were deleted with it: their "
                     + "jobs are in the journal and their outputs in the outbox", file(), stateDir);
        } catch (IOException | SQLException e) {
            LOG.error("The journal file {} was deleted while promptrelay ran, and could not be written back ({}); what "
                      + "it held is kept as SQL in {}: load it into a new journal (H2's RUNSCRIPT) before starting",
                    file(), e.toString(), rescue());
        }
    }

    private Path rescue() {
        return stateDir.resolve("journal-rescue.sql");
    }

    /** Up to this size the journal is copied at every clean stop (a few seconds at most); beyond it, once a day. */
    static final long COPIED_AT_EVERY_STOP = 256L * 1024 * 1024;

    /**
     * Once the journal is closed at a clean stop, a copy of it is the backup a later damage falls back on. A long
     * history makes the copy long (2.6 GB for a million jobs): a big journal is copied at most once a day, so a stop
     * stays quick enough for a service manager's stop timeout.
     */
    public void backUpAfterClose() {
        try {
            if (Files.exists(file())) {
                long size = Files.size(file());
                if (size > COPIED_AT_EVERY_STOP && Files.exists(backup())
                    && Files.getLastModifiedTime(backup()).toInstant().isAfter(java.time.Instant.now().minus(java.time.Duration.ofDays(1)))) {
                    LOG.info("The journal ({} MB) was backed up less than a day ago ({}); it is backed up again at the "
                             + "first clean stop a day after that", size / (1024 * 1024), modified(backup()));
                    return;
                }
                if (size > COPIED_AT_EVERY_STOP) {
                    LOG.info("Backing up the journal ({} MB) to {}, as once a day at a clean stop", size / (1024 * 1024),
                            backup());
                }
                Path temp = stateDir.resolve("journal-backup.mv.db.part");
                Files.copy(file(), temp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(temp, backup(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            LOG.warn("The journal could not be backed up at stop ({}); the backup from the last start stays", e.toString());
        }
    }

    /** Writes how many changes the journal has committed, once a second while running and at stop. */
    public void recordWatermark(long changes) throws IOException {
        JournalCounts last = readWatermark();
        if (last != null && last.changes() == changes) {
            return;
        }
        Properties watermark = new Properties();
        watermark.setProperty("changes", String.valueOf(changes));
        java.io.StringWriter text = new java.io.StringWriter();
        watermark.store(text, "what promptrelay last saw in its journal; a journal holding less is not opened");
        AtomicFiles.write(watermark(), text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private JournalCounts readWatermark() {
        if (!Files.exists(watermark())) {
            return null;
        }
        Properties watermark = new Properties();
        try (InputStream in = Files.newInputStream(watermark())) {
            watermark.load(in);
            if (watermark.getProperty("changes") != null) {
                return JournalCounts.watermark(Long.parseLong(watermark.getProperty("changes")));
            }
            return new JournalCounts(Long.parseLong(watermark.getProperty("prompt-files", "0")),
                    Long.parseLong(watermark.getProperty("tasks", "0")),
                    Long.parseLong(watermark.getProperty("ended", "0")),
                    Long.parseLong(watermark.getProperty("outputs", "0")), -1);
        } catch (IOException | NumberFormatException e) {
            LOG.warn("The journal's watermark {} cannot be read ({}); the journal is checked without it", watermark(),
                    e.toString());
            return null;
        }
    }

    /**
     * Reads every row a start resumes from (requests and jobs under way, their outputs, the schedules' last fires) and
     * the newest requests, so a damaged page under them fails here, not in the middle of a job; and what the journal
     * holds, to compare with its watermark. Older, ended history is not read: what a start costs grows with the work
     * under way, not with months of history (a damaged page there fails the listing that reads it, never a job).
     */
    private static JournalCounts readWhatAStartNeeds(Connection c, JournalCounts seen) throws SQLException {
        try (Statement s = c.createStatement()) {
            for (String query : new String[] {
                    "SELECT * FROM prompt_file WHERE state IN ('open', 'closing')",
                    "SELECT * FROM job WHERE state IN ('queued', 'dispatched', 'submitting', 'running')",
                    "SELECT o.* FROM job_output o JOIN job j ON o.job_id = j.id "
                    + "WHERE j.state IN ('queued', 'dispatched', 'submitting', 'running')",
                    "SELECT * FROM schedule_fire",
                    "SELECT * FROM prompt_file ORDER BY received_at DESC, id DESC FETCH FIRST 200 ROWS ONLY"}) {
                try (ResultSet rs = s.executeQuery(query)) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            rs.getObject(i);
                        }
                    }
                } catch (SQLException e) {
                    // a journal of an older version may lack a table or index its migrations add at the open
                    if (!"42S02".equals(e.getSQLState()) && !"42S22".equals(e.getSQLState())
                        && !"42102".equals(e.getSQLState()) && !"42122".equals(e.getSQLState())) {
                        throw e;
                    }
                }
            }
        }
        // a watermark from before the change count compares rows, counted once; since then one figure is read
        return seen != null && seen.changes() < 0 ? JournalCounts.read(c) : JournalCounts.watermark(JournalCounts.changes(c));
    }

    private static String modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toInstant().toString();
        } catch (IOException e) {
            return "time unknown";
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("{} stays: {}", file, e.toString());
        }
    }

    /** A journal that must not be opened, with what to do about it. */
    public static final class JournalDamaged extends IllegalStateException {
        private final String whatToDo;

        JournalDamaged(String problem, String whatToDo, Throwable cause) {
            super(problem + ". " + whatToDo, cause);
            this.whatToDo = whatToDo;
        }

        public String whatToDo() {
            return whatToDo;
        }
    }

    /**
     * What a journal holds: its rows, and how many changes it has committed (a figure that only grows). A watermark
     * written before that figure existed holds the rows only (changes -1), and is compared by them.
     */
    public record JournalCounts(long promptFiles, long tasks, long ended, long outputs, long changes) {

        static JournalCounts read(Connection c) throws SQLException {
            return new JournalCounts(count(c, "SELECT COUNT(*) FROM prompt_file"),
                    count(c, "SELECT COUNT(*) FROM job WHERE task_id IS NOT NULL"),
                    count(c, "SELECT COUNT(*) FROM job WHERE ended_at IS NOT NULL"),
                    count(c, "SELECT COUNT(*) FROM job_output"), changes(c));
        }

        static long changes(Connection c) throws SQLException {
            return count(c, "SELECT changes FROM journal_clock WHERE id = 1");
        }

        static JournalCounts watermark(long changes) {
            return new JournalCounts(-1, -1, -1, -1, changes);
        }

        boolean holdsAtLeast(JournalCounts seen) {
            if (seen.changes >= 0) {
                return changes >= seen.changes;
            }
            return promptFiles >= seen.promptFiles && tasks >= seen.tasks && ended >= seen.ended
                   && outputs >= seen.outputs;
        }

        @Override
        public String toString() {
            String rows = promptFiles + " prompt file(s), " + tasks + " task(s), " + ended + " ended job(s), " + outputs
                          + " output(s)";
            return promptFiles < 0 ? changes + " committed change(s)"
                    : changes < 0 ? rows : rows + ", " + changes + " committed change(s)";
        }

        private static long count(Connection c, String sql) throws SQLException {
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
