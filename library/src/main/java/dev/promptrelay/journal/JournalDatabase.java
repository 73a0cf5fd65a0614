package dev.promptrelay.journal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptrelay.Json;
import dev.promptrelay.prompt.JobSpec;
import org.apache.camel.CamelContext;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journal's database, shared by the journals that serve jobs, prompt files, outputs, task history and schedule
 * fires: its migrations run when it is opened; writes from many threads go out in group commits by a writer that starts
 * and stops with Camel (before it runs and after it stops, a write commits on its own); reads each on a connection of
 * their own. Rows come back as {@link Job} and {@link PromptFileRecord}.
 */
public class JournalDatabase extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(JournalDatabase.class);
    private static final ObjectMapper JSON = Json.MAPPER;
    private static final String JOB_COLUMNS = "j.id, j.prompt_file_id, f.name, j.seq, f.job_count, j.provider, "
                                              + "j.model, j.spec, j.state, j.task_id, j.created_at, j.submitted_at, j.error, j.sandbox, f.output_folder, "
                                              + "j.attempt, j.cost, j.cost_unit";
    static final String IN_FLIGHT = "('dispatched','submitting','running')";
    static final String ENDED = "('succeeded','failed','submit-unknown','cancelled')";

    private final DataSource dataSource;
    private final CamelContext context;
    private volatile GroupCommit writes;
    private ExecutorService writer;
    /** An embedded H2 file: this process is its only user. */
    private final boolean ownedByThisProcess;
    /** Since when the database cannot be reached, or null while it answers: an outage is logged once, and its end. */
    private final AtomicReference<Instant> unreachableSince = new AtomicReference<>();

    /** @param context whose thread pools the writer runs in; null outside Camel (each write then commits on its own) */
    public JournalDatabase(DataSource dataSource, CamelContext context) {
        this.dataSource = dataSource;
        this.context = context;
        JournalMigrations.migrate(dataSource);
        try (Connection c = dataSource.getConnection()) {
            String url = c.getMetaData().getURL();
            ownedByThisProcess = url.startsWith("jdbc:h2:file:") || url.startsWith("jdbc:h2:mem:");
        } catch (SQLException e) {
            throw new IllegalStateException("job journal: " + e.getMessage(), e);
        }
    }

    @Override
    protected void doStart() {
        if (context != null) {
            writer = context.getExecutorServiceManager().newSingleThreadExecutor(this, "journal-writer");
            GroupCommit group = new GroupCommit(dataSource, this::countChanges);
            writer.execute(group::writeUntilStopped);
            writes = group;
        }
    }

    @Override
    protected void doStop() {
        GroupCommit group = writes;
        writes = null;
        if (group != null) {
            // the writes queued so far are committed, later ones commit on their own
            group.stop();
            context.getExecutorServiceManager().shutdownGraceful(writer);
        }
    }

    /** How many changes the embedded journal has committed: a figure that only grows (its watermark). */
    public long changes() {
        return read(JournalFile.JournalCounts::changes);
    }

    /** The embedded journal counts its committed changes; a shared one does not (its one row would be fought over). */
    private void countChanges(Connection c, int changes) throws SQLException {
        if (ownedByThisProcess) {
            update(c, "UPDATE journal_clock SET changes = changes + ? WHERE id = 1", changes);
        }
    }

    /** A change: committed together with others that queued up meanwhile, and written before this returns. */
    <T> T write(GroupCommit.SqlWork<T> work) {
        GroupCommit group = writes;
        if (group != null) {
            try {
                T result = group.write(work);
                answered();
                return result;
            } catch (JournalUnavailable e) {
                throw unreachable(e);
            }
        }
        return read(c -> {
            T result = work.run(c);
            countChanges(c, 1);
            return result;
        });
    }

    /** The database answered: an outage, if there was one, is over, and the log says so once. */
    private void answered() {
        if (unreachableSince.get() != null) {
            Instant since = unreachableSince.getAndSet(null);
            if (since != null) {
                LOG.info("The journal's database answers again after {} s: waiting steps go on, new work is claimed",
                        java.time.Duration.between(since, Instant.now()).toSeconds());
            }
        }
    }

    /** The database cannot be reached: said once per outage; the caller's step waits and is tried again. */
    private JournalUnavailable unreachable(JournalUnavailable e) {
        if (unreachableSince.compareAndSet(null, Instant.now())) {
            LOG.warn("The journal's database cannot be reached ({}): no new work is claimed, and each step that must "
                     + "be journaled waits and goes on once it answers; no job is failed for it, and tasks at the "
                     + "provider keep running", rootMessage(e));
        }
        return e;
    }

    /** Whether the database could not be reached at its last use. */
    public boolean unreachable() {
        return unreachableSince.get() != null;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /**
     * A claim of queued jobs: in the group commit on a journal only this process uses (one write of the file fewer);
     * in a transaction of its own on a shared one, where it may wait on another node's claim and must not hold up this
     * node's other writes meanwhile.
     */
    <T> T claim(GroupCommit.SqlWork<T> work) {
        return ownedByThisProcess ? write(work) : read(work);
    }

    /** Whether other nodes may claim from this journal at the same time (a database server's, not the embedded one). */
    boolean shared() {
        return !ownedByThisProcess;
    }

    /** A read (or a write outside the writer's life), in a transaction on a connection of its own. */
    <T> T read(GroupCommit.SqlWork<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                answered();
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollback) {
                    // the connection is gone (the server ended the session): what went wrong first is the news
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        } catch (SQLException | IOException e) {
            IllegalStateException failure = JournalUnavailable.of(e);
            throw failure instanceof JournalUnavailable away ? unreachable(away) : failure;
        }
    }

    /**
     * The database ended this process's session: PostgreSQL after a transaction sat idle longer than a lease (the node
     * was paused). Nothing of the transaction was kept.
     */
    static boolean sessionEnded(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sessionEnded(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /** PostgreSQL's SQL states for a session it ended for sitting in a transaction (25P03) or idle (57P05) too long. */
    static boolean sessionEnded(String sqlState) {
        return "25P03".equals(sqlState) || "57P05".equals(sqlState);
    }

    // --- rows ---

    /** The columns {@link #promptFileRow} reads, in its order. */
    static final String PROMPT_FILE_COLUMNS = "id, name, held_path, sha256, state, job_count, received_at, output_folder";

    static PromptFileRecord promptFileRow(ResultSet rs) throws SQLException {
        return new PromptFileRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getInt(6), instant(rs, 7), rs.getString(8));
    }

    static PromptFileRecord promptFile(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT " + PROMPT_FILE_COLUMNS + " FROM prompt_file WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no prompt file " + id);
                }
                return promptFileRow(rs);
            }
        }
    }

    static List<Job> jobs(Connection c, String where, Object... args) throws SQLException {
        List<Job> jobs = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement(
                "SELECT " + JOB_COLUMNS + " FROM job j JOIN prompt_file f ON f.id = j.prompt_file_id " + where)) {
            bind(p, args);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    jobs.add(new Job(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getInt(5),
                            rs.getString(6), rs.getString(7), readSpec(rs.getString(8)), JobState.of(rs.getString(9)),
                            rs.getString(10), instant(rs, 11), instant(rs, 12), rs.getString(13), rs.getBoolean(14),
                            rs.getString(15), rs.getInt(16), rs.getObject(17) == null ? null : rs.getDouble(17),
                            rs.getString(18)));
                }
            }
        }
        return jobs;
    }

    static String specJson(JobSpec spec) throws IOException {
        return JSON.writeValueAsString(spec);
    }

    private static JobSpec readSpec(String json) throws SQLException {
        try {
            return JSON.readValue(json, JobSpec.class);
        } catch (IOException e) {
            throw new SQLException("unreadable job spec in the journal: " + e.getMessage(), e);
        }
    }

    // --- plumbing ---

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static int count(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** The first column of the first row as text, or null when there is no row. */
    static String text(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, args);
            return p.executeUpdate();
        }
    }

    /**
     * An insert another node may make at the same moment: the loser's duplicate is rolled back to a savepoint, so its
     * transaction goes on (PostgreSQL would otherwise refuse every later statement of it). True when this one won.
     */
    static boolean insertUnlessRaced(Connection c, String sql, Object... args) throws SQLException {
        java.sql.Savepoint before = c.setSavepoint();
        try {
            update(c, sql, args);
            c.releaseSavepoint(before);
            return true;
        } catch (SQLException raced) {
            c.rollback(before);
            return false;
        }
    }

    static void bind(PreparedStatement p, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            p.setObject(i + 1, args[i]);
        }
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
