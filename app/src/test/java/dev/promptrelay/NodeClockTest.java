package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.promptrelay.journal.Job;
import dev.promptrelay.journal.JobJournal;
import dev.promptrelay.journal.JournalDatabase;
import dev.promptrelay.journal.PromptFileJournal;
import dev.promptrelay.prompt.JobSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two nodes on a real PostgreSQL journal, one with its clock 90 s ahead: leases go by the database's clock, so the
 * fast node never takes over the other's running task while that node renews; it says once that its clock is off.
 */
class NodeClockTest {

    @Test
    void aNodeWhoseClockIsAheadTakesNothingOverAndSaysSo() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "test-runs")).toAbsolutePath();
        try (PostgresServer postgres = PostgresServer.start(Files.createTempDirectory(dir, "node-clock-"));
             HikariDataSource pool = pool(postgres);
             LogCapture log = LogCapture.start()) {
            JournalDatabase db = new JournalDatabase(pool, null);
            Duration lease = Duration.ofSeconds(2);
            JobJournal a = new JobJournal(db, Map.of("modelscope", 1), "node-a", lease);
            JobJournal ahead = new JobJournal(db, Map.of("modelscope", 1), "node-ahead", lease,
                    Clock.offset(Clock.systemUTC(), Duration.ofSeconds(90)));
            new PromptFileJournal(db, a).acceptPromptFile("one.txt", "x/one.txt", "0",
                    List.of(JobSpec.ofPrompt("one", "modelscope", "m", 1)));
            List<Job> claimed = a.claimQueued();
            assertThat(claimed).hasSize(1);
            assertThat(a.markSubmitting(claimed.get(0))).isTrue();
            a.markSubmitted(claimed.get(0), "task-1", false);

            // both renew as they run, until the fast node has been in touch longer than a lease (by the database)
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
                a.renewLeases();
                ahead.renewLeases();
                return inTouchSeconds(pool, "node-ahead") > 2 * lease.toSeconds();
            });
            a.renewLeases();
            assertThat(ahead.takeOverExpiredTasks()).as("node-a renews: its task stays its own").isEmpty();
            assertThat(ahead.lostNodes()).isEmpty();
            assertThat(log.text()).contains("This node's clock is 90 s ahead of the journal database's");
            assertThat(log.linesContaining("This node's clock is")).as("said once").isEqualTo(1);
        }
    }

    private static long inTouchSeconds(HikariDataSource pool, String node) throws Exception {
        try (Connection c = pool.getConnection(); ResultSet rs = c.createStatement().executeQuery(
                "SELECT EXTRACT(EPOCH FROM CURRENT_TIMESTAMP - in_touch_since) FROM cluster_node WHERE id = '" + node + "'")) {
            return rs.next() ? (long) rs.getDouble(1) : 0;
        }
    }

    private static HikariDataSource pool(PostgresServer postgres) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.url());
        config.setUsername(PostgresServer.USER);
        config.setMaximumPoolSize(4);
        return new HikariDataSource(config);
    }
}
