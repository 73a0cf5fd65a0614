package dev.promptrelay.observe;

import java.sql.Connection;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * The job journal answers: without it no job can move.
 */
public class JournalHealthCheck extends PromptRelayHealthCheck {

    private final DataSource dataSource;
    private final dev.promptrelay.journal.JournalFile file;

    /** @param file the embedded journal's file, or null for a journal on a database server */
    public JournalHealthCheck(DataSource dataSource, dev.promptrelay.journal.JournalFile file) {
        super("journal");
        this.dataSource = dataSource;
        this.file = file;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (file != null && !file.present()) {
            builder.message("the journal file " + file.file() + " was deleted while promptrelay runs: stop it cleanly "
                            + "(never kill -9) and it is written back at stop").down();
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            if (c.isValid(2)) {
                builder.up();
            } else {
                builder.message("the journal's database does not answer").down();
            }
        } catch (Exception e) {
            builder.message("the journal's database cannot be reached: " + e.getMessage()).error(e).down();
        }
    }
}
