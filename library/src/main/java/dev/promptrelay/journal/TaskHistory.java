package dev.promptrelay.journal;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import dev.promptrelay.provider.TaskEnd;

import static dev.promptrelay.journal.JournalDatabase.bind;
import static dev.promptrelay.journal.JournalDatabase.instant;

/**
 * How long recent tasks took, per provider and model, across restarts: what poll plans are drawn from.
 */
public class TaskHistory {

    private final JournalDatabase db;

    public TaskHistory(JournalDatabase db) {
        this.db = db;
    }

    /**
     * How long the latest tasks of this provider and model took, submit to detected end, newest first.
     *
     * @param sandbox the sandbox's tasks, or the provider's own: each says nothing of the other's pace
     */
    public List<TaskEnd> recentEnds(String provider, String model, boolean sandbox, int limit) {
        return db.read(c -> {
            List<TaskEnd> ends = new ArrayList<>();
            // ordered as the index job_completed is, so only the newest rows are read, not every task of the model
            try (PreparedStatement p = c.prepareStatement("SELECT submitted_at, completed_at FROM job WHERE provider = ? "
                                                          + "AND model = ? AND sandbox = ? AND completed_at IS NOT NULL AND submitted_at IS NOT NULL "
                                                          + "ORDER BY provider, model, sandbox, completed_at DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")) {
                bind(p, provider, model, sandbox);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        java.time.Instant endedAt = instant(rs, 2);
                        ends.add(new TaskEnd(java.time.Duration.between(instant(rs, 1), endedAt).toMillis(), endedAt));
                    }
                }
            }
            return ends;
        });
    }

    /** How long the provider's latest tasks took, by model (newest first within each), at most {@code limit} in all. */
    public java.util.Map<String, List<Long>> recentByModel(String provider, boolean sandbox, int limit) {
        return db.read(c -> {
            java.util.Map<String, List<Long>> byModel = new java.util.LinkedHashMap<>();
            try (PreparedStatement p = c.prepareStatement("SELECT model, submitted_at, completed_at FROM job WHERE "
                                                          + "provider = ? AND sandbox = ? AND completed_at IS NOT NULL AND submitted_at IS NOT NULL "
                                                          + "ORDER BY provider, sandbox, completed_at DESC FETCH FIRST " + Math.max(1, limit) + " ROWS ONLY")) {
                bind(p, provider, sandbox);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        byModel.computeIfAbsent(rs.getString(1), m -> new ArrayList<>())
                                .add(java.time.Duration.between(instant(rs, 2), instant(rs, 3)).toMillis());
                    }
                }
            }
            return byModel;
        });
    }
}
