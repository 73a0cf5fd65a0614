package dev.promptrelay.journal;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * The journal's schema, brought up to date by Flyway from {@code promptrelay/db/migration/V*.sql}. A journal made
 * before Flyway took over (its versions in {@code journal_schema}) is taken as it stands at its last version and
 * migrated on from there, in place.
 */
final class JournalMigrations {

    static final String LOCATION = "classpath:promptrelay/db/migration";
    private static final String HISTORY = "journal_schema_history";
    private static final String LEGACY = "journal_schema";

    private JournalMigrations() {
    }

    static void migrate(DataSource dataSource) {
        FluentConfiguration flyway = Flyway.configure().dataSource(dataSource).locations(LOCATION).table(HISTORY);
        Integer legacyVersion = legacyVersion(dataSource);
        try {
            if (legacyVersion != null) {
                // the journal stands at that version: Flyway records the migrations up to it as applied, without
                // running them again, and goes on from there
                Flyway.configure().dataSource(dataSource).locations(LOCATION).table(HISTORY)
                        .target(String.valueOf(legacyVersion)).skipExecutingMigrations(true).load().migrate();
            }
            flyway.load().migrate();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot prepare the job journal: " + e.getMessage(), e);
        }
    }

    /** The last version the former migration runner applied, when the journal has its table and not Flyway's yet. */
    private static Integer legacyVersion(DataSource dataSource) {
        try (Connection c = dataSource.getConnection()) {
            if (!hasTable(c, LEGACY) || hasTable(c, HISTORY)) {
                return null;
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT MAX(version) FROM " + LEGACY)) {
                return rs.next() && rs.getObject(1) != null ? rs.getInt(1) : null;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the job journal's schema version: " + e.getMessage(), e);
        }
    }

    private static boolean hasTable(Connection c, String table) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        for (String name : new String[] {table, table.toUpperCase(java.util.Locale.ROOT)}) {
            try (ResultSet rs = meta.getTables(null, null, name, null)) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }
}
