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

    @Test
    void aSecondNodeWithAnotherSharedFolderIsRefusedAtStart() throws Exception {
        // this application is the journal's first node; without promptrelay.shared-dir its state dir is the shared one
        java.nio.file.Path mark = folders.root.resolve("state").resolve(".promptrelay-cluster");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(mark));
        java.nio.file.Path other = TestFolders.runDir("journal-url-other-node");
        Map<String, String> settings = SeparateJvm.settings(
                "promptrelay.inbox", other.resolve("inbox").toString(),
                "promptrelay.state-dir", other.resolve("state").toString(),
                "promptrelay.journal.url", postgres.url(), "promptrelay.journal.user", PostgresServer.USER,
                "promptrelay.sandbox.port", "0");
        try (SeparateJvm node = SeparateJvm.start(other, java.util.List.of("-Xmx256m"), settings)) {
            assertThat(node.exitCode(Duration.ofSeconds(90))).isNotZero();
            assertThat(node.logText()).as(node.logTail(20))
                    .contains("promptrelay.shared-dir " + other.resolve("state") + " is not the folder the nodes of this "
                              + "journal share")
                    .contains("wrote in " + folders.root.resolve("state"))
                    .contains("Set promptrelay.shared-dir to that folder");
        }
        try (Connection c = DriverManager.getConnection(postgres.url(), PostgresServer.USER, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM cluster_node")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the refused node never joined").isEqualTo(1);
        }
        assertThat(other.resolve("state").resolve(".promptrelay-cluster")).doesNotExist();
    }
}
