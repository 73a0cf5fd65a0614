package dev.promptrelay.journal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.promptrelay.PostgresServer;
import dev.promptrelay.prompt.JobSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node paused in the middle of a claim on PostgreSQL: the server ends its transaction after the idle timeout the
 * journal's connections set (a lease; one second here), so its lock on the provider no longer holds up the other
 * nodes; the woken node claims nothing from that transaction, says so, and its next claim works.
 */
class ClaimSessionEndedTest {

    @Test
    void aClaimWhoseSessionTheServerEndedClaimsNothingAndTheNextOneWorks() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "test-runs")).toAbsolutePath();
        try (PostgresServer postgres = PostgresServer.start(Files.createTempDirectory(dir, "claim-session-"));
             HikariDataSource pool = pool(postgres)) {
            AtomicBoolean pauseNextClaim = new AtomicBoolean();
            JournalDatabase db = new JournalDatabase(pausing(pool, pauseNextClaim, pool), null);
            JobJournal node = new JobJournal(db, Map.of("modelscope", 2), "node-a", Duration.ofSeconds(1));
            new PromptFileJournal(db, node).acceptPromptFile("two.txt", "x/two.txt", "0", List.of(
                    JobSpec.ofPrompt("one", "modelscope", "m", 1), JobSpec.ofPrompt("two", "modelscope", "m", 2)));

            pauseNextClaim.set(true);
            assertThat(node.claimQueued()).as("the claim the server ended").isEmpty();
            assertThat(count(pool, "SELECT COUNT(*) FROM job WHERE state = 'queued'")).as("nothing kept of it").isEqualTo(2);
            assertThat(node.claimQueued()).as("the next claim, on a fresh connection").hasSize(2);
        }
    }

    /** The journal's pool as the application makes it for PostgreSQL, with an idle timeout of one second. */
    private static HikariDataSource pool(PostgresServer postgres) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.url());
        config.setUsername(PostgresServer.USER);
        config.setMaximumPoolSize(4);
        config.setConnectionInitSql("SET idle_in_transaction_session_timeout = '1000ms'");
        return new HikariDataSource(config);
    }

    /**
     * Connections that, when armed, stop a claim right where it locks the provider (as SIGSTOP would) until the
     * server has ended that session, then go on.
     */
    private static DataSource pausing(DataSource real, AtomicBoolean armed, DataSource watcher) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(method, real, args);
                    if (!method.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection connection = (Connection) result;
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p, m, a) -> {
                                if (m.getName().equals("prepareStatement") && String.valueOf(a[0]).contains("provider_claim")
                                    && armed.compareAndSet(true, false)) {
                                    int pid;
                                    try (ResultSet rs = connection.createStatement().executeQuery("SELECT pg_backend_pid()")) {
                                        rs.next();
                                        pid = rs.getInt(1);
                                    }
                                    await().atMost(Duration.ofSeconds(30)).until(() -> count(watcher,
                                            "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = " + pid) == 0);
                                }
                                return invoke(m, connection, a);
                            });
                });
    }

    private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static int count(DataSource dataSource, String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
