package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The journal goes wherever promptrelay.journal.url points, through settings alone. Here: a database speaking
 * PostgreSQL's dialect (H2 in its PostgreSQL mode, as no PostgreSQL server runs in the build), which the schema and
 * every query must work on unchanged.
 */
class JournalUrlIT extends RunningApplication {

    static TestFolders folders;
    static String url;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("journal-url");
        url = "jdbc:h2:file:" + folders.root.resolve("elsewhere").resolve("jobs")
              + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH";
        folders.set("promptrelay.journal.url", url);
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
        try (Connection c = DriverManager.getConnection(url, "sa", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM job WHERE state = 'succeeded'")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
        }
    }
}
