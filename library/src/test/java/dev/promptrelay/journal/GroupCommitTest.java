package dev.promptrelay.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Writes from many threads share commits, yet each caller learns its own outcome: one bad change fails alone.
 */
class GroupCommitTest {

    @Test
    void concurrentWritesAllLandAndABadOneFailsAlone() throws Exception {
        JdbcDataSource db = new JdbcDataSource();
        db.setURL("jdbc:h2:mem:group-commit;DB_CLOSE_DELAY=-1");
        try (Connection c = db.getConnection()) {
            c.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY)");
        }
        GroupCommit writes = new GroupCommit(db);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> writing = writer.submit(writes::writeUntilStopped);
        ExecutorService threads = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> outcomes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            // id 7 twice: the second insert of it breaks the primary key
            int id = i == 199 ? 7 : i;
            outcomes.add(threads.submit(() -> {
                start.await();
                return writes.write(c -> {
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?)")) {
                        p.setInt(1, id);
                        return p.executeUpdate();
                    }
                });
            }));
        }
        start.countDown();
        int failed = 0;
        for (Future<Integer> outcome : outcomes) {
            try {
                assertThat(outcome.get(30, TimeUnit.SECONDS)).isEqualTo(1);
            } catch (java.util.concurrent.ExecutionException e) {
                failed++;
                assertThat(e.getCause()).hasMessageContaining("job journal");
            }
        }
        threads.shutdown();
        assertThat(failed).as("only the duplicate fails").isEqualTo(1);
        try (Connection c = db.getConnection(); ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
            rs.next();
            assertThat(rs.getInt(1)).as("every other insert committed").isEqualTo(199);
        }
        assertThatThrownBy(() -> writes.write(c -> {
            throw new IllegalArgumentException("not journaled");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("not journaled");

        writes.stop();
        writing.get(30, TimeUnit.SECONDS);
        writer.shutdown();
        int inserted = writes.write(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?)")) {
                p.setInt(1, 1000);
                return p.executeUpdate();
            }
        });
        assertThat(inserted).as("a write after the writer stopped still commits, without waiting for it").isEqualTo(1);
    }
}
