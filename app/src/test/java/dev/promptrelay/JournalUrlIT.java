package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The journal goes wherever promptrelay.journal.url points, through settings alone. Here: a real PostgreSQL server,
 * on which Flyway makes the schema and every query must work unchanged.
 */
class JournalUrlIT extends RunningApplication {

    static TestFolders folders;
    static PostgresServer postgres;

    @BeforeAll
    static void start() throws Exception {
        folders = TestFolders.create("journal-url");
        postgres = PostgresServer.start(folders.root.resolve("postgres"));
        folders.set("promptrelay.journal.url", postgres.url());
        folders.set("promptrelay.journal.user", PostgresServer.USER);
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void jobsAreJournaledInTheConfiguredDatabase() throws Exception {
        folders.drop("elsewhere.txt", "a fox\na hare\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("elsewhere.txt")));

        assertThat(folders.root.resolve("state").resolve("journal.mv.db")).as("not the default journal").doesNotExist();
        try (Connection c = DriverManager.getConnection(postgres.url(), PostgresServer.USER, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM job WHERE state = 'succeeded'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
    }
}
