package dev.promptrelay.journal;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one journal: a node out of touch for two leases, while another is alive, journals nothing new (the
 * other may be handing its untaken files back to the inbox); within two leases, or alone, it goes on; a node unseen
 * for two leases is lost to the others.
 */
class NodeLeaseTest {

    @Test
    void aNodeOutOfTouchWhileAnotherLivesTakesNothingIn() throws Exception {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:node-lease;DB_CLOSE_DELAY=-1");
        JournalDatabase db = new JournalDatabase(dataSource, null);
        Duration lease = Duration.ofSeconds(30);
        JobJournal a = new JobJournal(db, Map.of("modelscope", 4), "node-a", lease);
        JobJournal b = new JobJournal(db, Map.of("modelscope", 4), "node-b", lease);
        PromptFileJournal viaA = new PromptFileJournal(db, a);

        seenAgo("node-a", 45, dataSource);
        assertThat(b.lostNodes()).as("one and a half leases: not yet lost").isEmpty();
        assertThat(db.read(a::stillSeen)).as("within two leases: goes on, seen again").isTrue();

        seenAgo("node-a", 90, dataSource);
        assertThat(b.lostNodes()).as("two leases: lost").containsExactly("node-a");
        assertThat(db.read(a::stillSeen)).as("out of touch for two leases, and node-b lives").isFalse();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
                () -> viaA.acceptPromptFile("late.txt", "x/late.txt", "0", List.of())))
                .hasMessageContaining("node-a").hasMessageContaining("nothing of it was submitted");

        seenAgo("node-b", 90, dataSource);
        assertThat(db.read(a::stillSeen)).as("no other node alive: it goes on, seen again").isTrue();
        assertThat(b.lostNodes()).as("seen again: no longer lost").doesNotContain("node-a");
    }

    private static void seenAgo(String node, int seconds, JdbcDataSource dataSource) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.createStatement().executeUpdate("UPDATE cluster_node SET seen_at = DATEADD('SECOND', -" + seconds
                                              + ", CURRENT_TIMESTAMP) WHERE id = '" + node + "'");
        }
    }
}
