package dev.promptrelay.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * promptrelay.journal.keep-days: the journal forgets requests that ended longer ago than that, their jobs and output
 * records, so a journal run for months holds what is recent. Never a request with anything under way; never a file:
 * outputs, sidecars, summaries, the archive and failed/ stay as they are (an output's name stays taken while its file
 * is there, so nothing is ever written over).
 */
public class JournalRetention {

    private static final Logger LOG = LoggerFactory.getLogger(JournalRetention.class);
    /** Requests forgotten per transaction: a long history goes in short steps, never one long lock. */
    private static final int BATCH = 200;

    private final JournalDatabase db;
    private final Integer keepDays;

    /** @param keepDays null: keep everything */
    public JournalRetention(JournalDatabase db, Integer keepDays) {
        this.db = db;
        this.keepDays = keepDays;
    }

    /** Forgets what ended before the kept days; returns how many requests it forgot. */
    public int forgetOldRequests() {
        if (keepDays == null) {
            return 0;
        }
        Instant before = Instant.now().minus(Duration.ofDays(keepDays));
        int forgotten = 0;
        while (true) {
            int batch = db.write(c -> forget(c, OffsetDateTime.ofInstant(before, ZoneOffset.UTC)));
            forgotten += batch;
            if (batch < BATCH) {
                break;
            }
        }
        if (forgotten > 0) {
            LOG.info("Journal: forgot {} request(s) that ended before {} (promptrelay.journal.keep-days={}); their files "
                     + "stay in the outbox, the archive and failed/", forgotten, before, keepDays);
        }
        return forgotten;
    }

    private static int forget(Connection c, OffsetDateTime before) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT f.id FROM prompt_file f WHERE f.ended_at < ? "
                + "AND f.state NOT IN ('open', 'closing') AND NOT EXISTS (SELECT 1 FROM job j "
                + "WHERE j.prompt_file_id = f.id AND j.ended_at IS NULL) FETCH FIRST " + BATCH + " ROWS ONLY")) {
            p.setObject(1, before);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        if (ids.isEmpty()) {
            return 0;
        }
        String in = "(" + String.join(", ", Collections.nCopies(ids.size(), "?")) + ")";
        for (String sql : List.of(
                "DELETE FROM outlet_delivery WHERE prompt_file_id IN " + in,
                "DELETE FROM job_output WHERE job_id IN (SELECT id FROM job WHERE prompt_file_id IN " + in + ")",
                "DELETE FROM job WHERE prompt_file_id IN " + in,
                "DELETE FROM prompt_file WHERE id IN " + in)) {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                for (int i = 0; i < ids.size(); i++) {
                    p.setString(i + 1, ids.get(i));
                }
                p.executeUpdate();
            }
        }
        return ids.size();
    }
}
