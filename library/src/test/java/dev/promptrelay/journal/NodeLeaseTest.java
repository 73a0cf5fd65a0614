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
        JdbcDataSource dataSource = memory("node-lease");
        JournalDatabase db = new JournalDatabase(dataSource, null);
        JobJournal a = node(db, "node-a", 4);
        JobJournal b = node(db, "node-b", 4);
        PromptFileJournal viaA = new PromptFileJournal(db, a);
        inTouchFor("node-a", 200, dataSource);
        inTouchFor("node-b", 200, dataSource);

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

    /**
     * A node paused past its lease (a long GC, a frozen VM) wakes up with work in hand that another node has taken
     * meanwhile: a job it had claimed but not sent is not sent (it would be paid twice), a submit another node
     * reported as unknown stays reported (its task id is kept for the report), a task another node polls is left to it.
     */
    @Test
    void aNodeWokenAfterItsLeaseActsOnNothingAnotherNodeTook() throws Exception {
        JdbcDataSource dataSource = memory("node-woken");
        JournalDatabase db = new JournalDatabase(dataSource, null);
        JobJournal a = node(db, "node-a", 2);
        JobJournal b = node(db, "node-b", 2);
        inTouchFor("node-a", 200, dataSource);
        inTouchFor("node-b", 200, dataSource);
        new PromptFileJournal(db, a).acceptPromptFile("three.txt", "x/three.txt", "0", List.of(
                dev.promptrelay.prompt.JobSpec.ofPrompt("one", "modelscope", "m", 1),
                dev.promptrelay.prompt.JobSpec.ofPrompt("two", "modelscope", "m", 2),
                dev.promptrelay.prompt.JobSpec.ofPrompt("three", "modelscope", "m", 3)));
        seenAgo("node-b", 60, dataSource);
        List<Job> claimedByA = a.claimQueued();
        assertThat(claimedByA).as("alone, node-a takes the whole cap").hasSize(2);
        Job sending = claimedByA.get(0);
        Job notYetSent = claimedByA.get(1);
        assertThat(a.markSubmitting(sending)).isTrue();
        a.markSubmitted(sending, "task-1", false);

        // node-a freezes for a lease and more; node-b takes over its task and requeues what it had not sent
        seenAgo("node-a", 40, dataSource);
        b.renewLeases();
        inTouchFor("node-b", 200, dataSource);
        assertThat(b.takeOverExpiredTasks()).extracting(Job::id).containsExactly(sending.id());
        assertThat(b.requeueExpired()).isEqualTo(1);
        assertThat(b.claimQueued()).extracting(Job::id).contains(notYetSent.id());

        // node-a wakes up
        assertThat(a.markSubmitting(notYetSent)).as("claimed by node-b meanwhile: not sent from node-a").isFalse();
        assertThat(a.polledElsewhere(sending.id())).as("its task is node-b's now").isTrue();
        assertThat(b.polledElsewhere(sending.id())).isFalse();
        assertThat(a.job(notYetSent.id()).state()).isEqualTo(JobState.DISPATCHED);

        // a submit on the wire at node-a when it froze, reported unknown by node-b; then the answer reaches node-a
        assertThat(b.markSubmitting(notYetSent)).isTrue();
        seenAgo("node-b", 40, dataSource);
        a.renewLeases();
        inTouchFor("node-a", 200, dataSource);
        assertThat(a.takeOverExpiredSubmits()).extracting(Job::id).containsExactly(notYetSent.id());
        new JobOutcomes(a).interruptedSubmit(a.job(notYetSent.id()));
        assertThat(b.markSubmitted(notYetSent, "task-2", false)).as("reported unknown meanwhile").isFalse();
        Job reported = a.job(notYetSent.id());
        assertThat(reported.state()).isEqualTo(JobState.SUBMIT_UNKNOWN);
        assertThat(reported.taskId()).as("the task id, for the report").isEqualTo("task-2");
    }

    /**
     * The journal's database away for longer than two leases, under both nodes: when it answers again, the first node
     * back does not take the other's work or count it lost (it shared the outage), and the other goes on; a lease
     * later, with the other still silent, it does.
     */
    @Test
    void anOutageBothNodesSharedIsNoNodesDeath() throws Exception {
        JdbcDataSource dataSource = memory("node-outage");
        JournalDatabase db = new JournalDatabase(dataSource, null);
        JobJournal a = node(db, "node-a", 2);
        JobJournal b = node(db, "node-b", 2);
        new PromptFileJournal(db, a).acceptPromptFile("two.txt", "x/two.txt", "0", List.of(
                dev.promptrelay.prompt.JobSpec.ofPrompt("one", "modelscope", "m", 1),
                dev.promptrelay.prompt.JobSpec.ofPrompt("two", "modelscope", "m", 2)));
        inTouchFor("node-a", 200, dataSource);
        inTouchFor("node-b", 200, dataSource);
        seenAgo("node-b", 100, dataSource);
        List<Job> claimed = a.claimQueued();
        assertThat(claimed).hasSize(2);
        assertThat(a.markSubmitting(claimed.get(0))).isTrue();
        a.markSubmitted(claimed.get(0), "task-1", false);
        assertThat(a.markSubmitting(claimed.get(1))).isTrue();

        // the database is away for 90 s: neither node is seen; then node-b is back first
        seenAgo("node-a", 90, dataSource);
        seenAgo("node-b", 90, dataSource);
        b.renewLeases();
        assertThat(b.takeOverExpiredTasks()).as("node-b was away too: node-a's task stays node-a's").isEmpty();
        assertThat(b.takeOverExpiredSubmits()).as("and its submit on the wire is not declared unknown").isEmpty();
        assertThat(b.lostNodes()).isEmpty();
        assertThat(db.read(a::stillSeen)).as("node-a goes on: nobody could have counted it lost").isTrue();
        assertThat(a.markSubmitted(claimed.get(1), "task-2", false)).as("its answer is journaled as a task").isTrue();

        // node-a falls silent for good: a lease later, node-b takes its tasks over
        seenAgo("node-a", 40, dataSource);
        inTouchFor("node-b", 40, dataSource);
        assertThat(b.takeOverExpiredTasks()).extracting(Job::taskId).containsExactlyInAnyOrder("task-1", "task-2");
    }

    /** As if the node had been in touch with the journal, without a gap, for this long. */
    private static void inTouchFor(String node, int seconds, JdbcDataSource dataSource) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.createStatement().executeUpdate("UPDATE cluster_node SET in_touch_since = DATEADD('SECOND', -" + seconds
                                              + ", CURRENT_TIMESTAMP) WHERE id = '" + node + "'");
        }
    }

    private static JdbcDataSource memory(String name) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
        return dataSource;
    }

    /** A node on the journal with a lease of 30 s and this cap for modelscope. */
    private static JobJournal node(JournalDatabase db, String id, int cap) {
        return new JobJournal(db, Map.of("modelscope", cap), id, Duration.ofSeconds(30));
    }

    private static void seenAgo(String node, int seconds, JdbcDataSource dataSource) throws Exception {
        try (Connection c = dataSource.getConnection()) {
            c.createStatement().executeUpdate("UPDATE cluster_node SET seen_at = DATEADD('SECOND', -" + seconds
                                              + ", CURRENT_TIMESTAMP) WHERE id = '" + node + "'");
        }
    }
}
