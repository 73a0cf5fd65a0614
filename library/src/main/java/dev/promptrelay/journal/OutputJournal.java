package dev.promptrelay.journal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

import static dev.promptrelay.journal.JournalDatabase.bind;
import static dev.promptrelay.journal.JournalDatabase.count;
import static dev.promptrelay.journal.JournalDatabase.jobs;
import static dev.promptrelay.journal.JournalDatabase.now;
import static dev.promptrelay.journal.JournalDatabase.update;

/**
 * Each output's name, reserved in the journal before anything of it is fetched, and how far it got: reserved, staged
 * in the state directory, or written to the outbox.
 */
public class OutputJournal {

    private final JournalDatabase db;
    private volatile OutletJournal outlets;

    public OutputJournal(JournalDatabase db) {
        this.db = db;
    }

    /** Outlets that receive outputs; set once at start. */
    public void outlets(OutletJournal outlets) {
        this.outlets = outlets;
    }

    /**
     * An output's journaled name (relative to the outbox) and how far it got: reserved, staged or written; named
     * before when an earlier try (perhaps of a process since stopped) had named it already.
     */
    public record OutputName(String path, String state, boolean namedBefore) {
    }

    public boolean outputWritten(String jobId, int index) {
        return db.read(c -> count(c, "SELECT COUNT(*) FROM job_output WHERE job_id = ? AND output_index = ? "
                                           + "AND state = 'written'", jobId, index) > 0);
    }

    /**
     * Names an output before anything of it is fetched: the name it already has, or the first of
     * {@code <folder>/<base>.<ext>}, {@code <folder>/<base>-2.<ext>}... that no other output has and that is not
     * taken on disk. Names are handed out one at a time, so two jobs never get the same one.
     */
    public OutputName reserveOutput(String jobId, int index, String folder, String base, String extension,
                                    java.util.function.Predicate<String> takenOnDisk) {
        return db.write(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT path, state FROM job_output WHERE job_id = ? AND output_index = ?")) {
                bind(p, jobId, index);
                try (ResultSet rs = p.executeQuery()) {
                    if (rs.next()) {
                        return new OutputName(rs.getString(1), rs.getString(2), true);
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
                    return new OutputName(candidate, "reserved", false);
                }
            }
        });
    }

    /** The output is downloaded and kept in the state directory until the outbox can take it. */
    public void markOutputStaged(String jobId, int index) {
        db.write(c -> update(c, "UPDATE job_output SET state = 'staged' WHERE job_id = ? AND output_index = ?", jobId,
                index));
    }

    /** The output is in the outbox under its journaled name, with its sidecar. */
    public void recordOutput(String jobId, int index, long bytes, String sha256) {
        db.write(c -> {
            int written = update(c, "UPDATE job_output SET state = 'written', bytes = ?, sha256 = ?, written_at = ? "
                                    + "WHERE job_id = ? AND output_index = ? AND state <> 'written'", bytes, sha256, now(),
                    jobId, index);
            // the outlets hear of it in the same step, once, however often a restart finishes it again
            if (written > 0 && outlets != null) {
                outlets.enqueueOutput(c, jobId, index);
            }
            return null;
        });
    }

}
