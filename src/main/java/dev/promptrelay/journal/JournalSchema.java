package dev.promptrelay.journal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the journal's SQL migrations (db/migration/V*.sql) that the database has not seen yet, in order.
 */
final class JournalSchema {

    private static final Logger LOG = LoggerFactory.getLogger(JournalSchema.class);
    static final List<String> MIGRATIONS = List.of("V1__journal.sql", "V2__schedules.sql", "V3__indexes.sql",
            "V4__output_names.sql", "V5__sandbox.sql",
            "V6__rejected_requests.sql", "V7__output_folder.sql");

    private JournalSchema() {
    }

    static void migrate(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            migrate(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the job journal: " + e.getMessage(), e);
        }
    }

    static void migrate(Connection c) {
        try {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS journal_schema (version INTEGER PRIMARY KEY, "
                          + "applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            }
            c.commit();
            int current = currentVersion(c);
            for (int i = current; i < MIGRATIONS.size(); i++) {
                apply(c, i + 1, MIGRATIONS.get(i));
            }
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot prepare the job journal: " + e.getMessage(), e);
        }
    }

    private static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM journal_schema")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void apply(Connection c, int version, String name) throws SQLException, IOException {
        String sql;
        try (InputStream in = JournalSchema.class.getResourceAsStream("/promptrelay/db/migration/" + name)) {
            if (in == null) {
                throw new IOException("migration " + name + " is missing from the classpath");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try (Statement s = c.createStatement()) {
            for (String statement : sql.replaceAll("(?m)^--.*$", "").split(";")) {
                if (!statement.isBlank()) {
                    s.execute(statement);
                }
            }
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO journal_schema (version, applied_at) VALUES (?, ?)")) {
            p.setInt(1, version);
            p.setObject(2, OffsetDateTime.now());
            p.executeUpdate();
        }
        c.commit();
        LOG.info("Job journal migrated to version {} ({})", version, name);
    }
}
