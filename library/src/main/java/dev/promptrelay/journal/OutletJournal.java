package dev.promptrelay.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.promptrelay.journal.JournalDatabase.instant;
import static dev.promptrelay.journal.JournalDatabase.now;
import static dev.promptrelay.journal.JournalDatabase.text;
import static dev.promptrelay.journal.JournalDatabase.update;

/**
 * What each outlet is still to receive. A delivery is journaled in the same transaction as the output it carries (or
 * the end of the prompt file whose summary it carries), so neither a crash nor a refusing outlet can pass one by; it
 * is claimed by one node at a time, and kept until the outlet took it.
 */
public class OutletJournal {

    /** An outlet's filter: the intakes and providers whose results it takes (empty: all), and whether summaries. */
    public record Outlet(String name, Set<String> intakes, Set<String> providers, boolean summaries) {

        boolean takes(String intake, Set<String> jobProviders) {
            return (intakes.isEmpty() || intakes.contains(intake == null ? "inbox" : intake))
                   && (providers.isEmpty() || jobProviders.stream().anyMatch(providers::contains));
        }
    }

    /**
     * One thing to send: an output (its job) or a summary, by its path relative to the outbox, with where its request
     * came from (null for requests older than intakes).
     */
    public record Delivery(String id, String outlet, String kind, String promptFileId, String jobId, String path,
            int attempts, String intake) {

        public boolean isSummary() {
            return "summary".equals(kind);
        }
    }

    /** How far an outlet is behind: deliveries waiting, the oldest of them, and the last refusal. */
    public record Backlog(int waiting, Instant oldest, String lastError, int missing) {
    }

    private final JournalDatabase db;
    private final List<Outlet> outlets;
    private final String node;

    public OutletJournal(JournalDatabase db, List<Outlet> outlets, String node) {
        this.db = db;
        this.outlets = List.copyOf(outlets);
        this.node = node;
    }

    public boolean any() {
        return !outlets.isEmpty();
    }

    /** In the transaction that records the output: a delivery for each outlet that takes it. */
    void enqueueOutput(Connection c, String jobId, int index) throws SQLException {
        if (outlets.isEmpty()) {
            return;
        }
        try (PreparedStatement p = c.prepareStatement("SELECT j.provider, j.prompt_file_id, f.intake, o.path FROM job j "
                                                      + "JOIN prompt_file f ON f.id = j.prompt_file_id JOIN job_output o "
                                                      + "ON o.job_id = j.id WHERE j.id = ? AND o.output_index = ?")) {
            p.setString(1, jobId);
            p.setInt(2, index);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
                for (Outlet outlet : outlets) {
                    if (outlet.takes(rs.getString(3), Set.of(rs.getString(1)))) {
                        insert(c, outlet.name(), "output", rs.getString(2), jobId, rs.getString(4));
                    }
                }
            }
        }
    }

    /** In the transaction that ends the prompt file: its summary, for each outlet that takes it. */
    void enqueueSummary(Connection c, String promptFileId, String summaryPath) throws SQLException {
        if (outlets.isEmpty()) {
            return;
        }
        String intake = text(c, "SELECT intake FROM prompt_file WHERE id = ?", promptFileId);
        Set<String> providers = new java.util.HashSet<>();
        try (PreparedStatement p = c.prepareStatement("SELECT DISTINCT provider FROM job WHERE prompt_file_id = ?")) {
            p.setString(1, promptFileId);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    providers.add(rs.getString(1));
                }
            }
        }
        for (Outlet outlet : outlets) {
            // a summary is sent once per end: a file ended again (retried through the API) sends its new summary
            if (outlet.summaries() && outlet.takes(intake, providers)) {
                insert(c, outlet.name(), "summary", promptFileId, null, summaryPath);
            }
        }
    }

    private static void insert(Connection c, String outlet, String kind, String promptFileId, String jobId, String path)
            throws SQLException {
        OffsetDateTime now = now();
        update(c, "INSERT INTO outlet_delivery (id, outlet, kind, prompt_file_id, job_id, path, state, attempts, due_at, "
                  + "created_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)", TimeOrderedIds.next(), outlet, kind,
                promptFileId, jobId, path, now, now);
    }

    /**
     * Claims up to {@code limit} deliveries that are due, for this node, for {@code lease}: another node takes them
     * only once the lease ran out (this node stopped while sending them).
     */
    public List<Delivery> claimDue(int limit, Duration lease) {
        if (outlets.isEmpty()) {
            return List.of();
        }
        String claim = node + "/" + TimeOrderedIds.next();
        return db.write(c -> {
            OffsetDateTime now = now();
            // the outer conditions are checked again on each row as it is locked: two nodes never claim one row
            // only outlets still declared: those of one since removed from the settings wait for it to come back
            String declared = String.join(", ", java.util.Collections.nCopies(outlets.size(), "?"));
            List<Object> args = new ArrayList<>(List.of(claim, now.plus(lease), now, now));
            outlets.forEach(o -> args.add(o.name()));
            args.add(limit);
            args.add(now);
            update(c, "UPDATE outlet_delivery SET claimed_by = ?, claimed_until = ? WHERE id IN (SELECT id FROM "
                      + "outlet_delivery WHERE state = 'pending' AND due_at <= ? AND (claimed_until IS NULL OR "
                      + "claimed_until < ?) AND outlet IN (" + declared + ") ORDER BY id LIMIT ?) AND state = 'pending' "
                      + "AND (claimed_until IS NULL OR claimed_until < ?)", args.toArray());
            List<Delivery> claimed = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT d.id, d.outlet, d.kind, d.prompt_file_id, d.job_id, "
                                                          + "d.path, d.attempts, f.intake FROM outlet_delivery d LEFT JOIN "
                                                          + "prompt_file f ON f.id = d.prompt_file_id WHERE d.claimed_by = ? "
                                                          + "ORDER BY d.id")) {
                p.setString(1, claim);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(new Delivery(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8)));
                    }
                }
            }
            return claimed;
        });
    }

    public void delivered(String id) {
        db.write(c -> update(c, "UPDATE outlet_delivery SET state = 'delivered', delivered_at = ?, claimed_by = NULL, "
                                + "claimed_until = NULL, last_error = NULL WHERE id = ?", now(), id));
    }

    /**
     * The outlet refused it: tried again after {@code retryIn}, never given up. Everything else waiting for that
     * outlet waits as long, so that the outlet still gets them in order (a file's outputs before its summary).
     */
    public void refused(String id, String outlet, String error, Duration retryIn) {
        db.write(c -> {
            OffsetDateTime due = now().plus(retryIn);
            update(c, "UPDATE outlet_delivery SET attempts = attempts + 1, last_error = ? WHERE id = ?", clip(error), id);
            update(c, "UPDATE outlet_delivery SET due_at = ?, claimed_by = NULL, claimed_until = NULL WHERE outlet = ? "
                      + "AND state = 'pending' AND (due_at < ? OR id = ?)", due, outlet, due, id);
            return null;
        });
    }

    /** Its file is no longer in the outbox (removed by someone): there is nothing left to send. */
    public void missing(String id, String error) {
        db.write(c -> update(c, "UPDATE outlet_delivery SET state = 'missing', last_error = ?, claimed_by = NULL, "
                                + "claimed_until = NULL WHERE id = ?", clip(error), id));
    }

    /** Per outlet: what waits, since when, and why it was refused last. */
    public Map<String, Backlog> backlog() {
        return db.read(c -> {
            Map<String, Backlog> backlog = new LinkedHashMap<>();
            for (Outlet outlet : outlets) {
                int waiting = 0;
                int missing = 0;
                Instant oldest = null;
                String lastError = null;
                try (PreparedStatement p = c.prepareStatement("SELECT state, COUNT(*), MIN(created_at) FROM "
                                                              + "outlet_delivery WHERE outlet = ? AND state IN "
                                                              + "('pending', 'missing') GROUP BY state")) {
                    p.setString(1, outlet.name());
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            if (rs.getString(1).equals("pending")) {
                                waiting = rs.getInt(2);
                                oldest = instant(rs, 3);
                            } else {
                                missing = rs.getInt(2);
                            }
                        }
                    }
                }
                if (waiting > 0) {
                    lastError = text(c, "SELECT last_error FROM outlet_delivery WHERE outlet = ? AND state = 'pending' "
                                        + "AND last_error IS NOT NULL ORDER BY due_at DESC LIMIT 1", outlet.name());
                }
                backlog.put(outlet.name(), new Backlog(waiting, oldest, lastError, missing));
            }
            return backlog;
        });
    }

    private static String clip(String error) {
        return error == null ? null : error.length() > 4000 ? error.substring(0, 4000) : error;
    }
}
