package dev.promptrelay.observe;

import java.sql.Connection;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * The job journal answers: without it no job can move.
 */
public class JournalHealthCheck extends AbstractHealthCheck {

    private final DataSource dataSource;

    public JournalHealthCheck(DataSource dataSource) {
        super("promptrelay", "journal");
        this.dataSource = dataSource;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
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
