package dev.promptrelay.journal;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A journal written before Flyway ran the migrations (its versions in journal_schema, up to V4 here, with a job
 * running in it) is migrated in place on the next start: the job is still there, the later versions applied.
 */
class JournalMigrationTest {

    @Test
    void aJournalOfTheFormerMigrationRunnerMigratesInPlace() throws Exception {
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-runs").toAbsolutePath()), "migration-");
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:file:" + dir.resolve("journal"));
        dataSource.setUser("sa");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            // what the former runner did: each file's statements, then its version in journal_schema
            s.execute("CREATE TABLE journal_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
            for (int v = 1; v <= 4; v++) {
                String name = List.of("V1__journal.sql", "V2__schedules.sql", "V3__indexes.sql", "V4__output_names.sql").get(v - 1);
                try (InputStream in = getClass().getResourceAsStream("/promptrelay/db/migration/" + name)) {
                    for (String statement : new String(in.readAllBytes(), StandardCharsets.UTF_8)
                            .replaceAll("(?m)^--.*$", "").split(";")) {
                        if (!statement.isBlank()) {
                            s.execute(statement);
                        }
                    }
                }
                s.execute("INSERT INTO journal_schema VALUES (" + v + ", CURRENT_TIMESTAMP)");
            }
            s.execute("INSERT INTO prompt_file (id, name, held_path, sha256, state, job_count, received_at) "
                      + "VALUES ('f1', 'old.txt', '/old/in-progress/x-old.txt', 'abc', 'open', 1, CURRENT_TIMESTAMP)");
            s.execute("INSERT INTO job (id, prompt_file_id, seq, provider, model, spec, state, task_id, created_at, updated_at) "
                      + "VALUES ('j1', 'f1', 1, 'modelscope', 'm', '{\"prompt\":\"an old fox\"}', 'running', '5075521', "
                      + "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)");
        }

        JournalDatabase db = new JournalDatabase(dataSource, null);
        JobJournal journal = new JobJournal(db, Map.of("modelscope", 1));

        List<Job> running = journal.runningTasks();
        assertThat(running).hasSize(1);
        assertThat(running.get(0).taskId()).as("the running task survives, to be polled again").isEqualTo("5075521");
        assertThat(running.get(0).spec().prompt()).isEqualTo("an old fox");
        assertThat(running.get(0).sandbox()).as("V5 applied").isFalse();
        assertThat(new PromptFileJournal(db).recordRejectedRequest("api-x.json", "bad", "fix").state()).as("V6 applied").isEqualTo("rejected");
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT \"version\", \"type\" FROM \"journal_schema_history\" ORDER BY \"installed_rank\"")) {
            StringBuilder history = new StringBuilder();
            while (rs.next()) {
                history.append(rs.getString(1)).append(':').append(rs.getString(2)).append(' ');
            }
            assertThat(history.toString()).as("V1 to V4 recorded as they stood, V5 on applied").contains("1:SQL")
                    .contains("4:SQL").contains("5:SQL").contains("7:SQL");
        }
    }
}
