package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptrelay.bench.StandInProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three nodes, each in a JVM of its own with its own state directory, on one real PostgreSQL journal and one set of
 * folders, against a provider that allows 4 tasks at once. 60 jobs in three prompt files; one node is killed with
 * {@code kill -9} while tasks run. Every job ends (an image, or a submit that was on the wire reported as an unknown
 * outcome), no prompt is submitted twice, the provider never refuses a submit for its cap, the survivors share the
 * work, and every prompt file ends in archive/ or failed/. A schedule every node declares fires once per tick. A
 * file a long-lost node had taken from the inbox but not journaled goes back to the inbox and runs once.
 */
class ClusterIT {

    static final int CAP = 4;
    static final int FILES = 3;
    static final int JOBS_PER_FILE = 20;

    @Test
    void threeNodesShareTheWorkAndTheSurvivorsFinishWhatAKilledNodeLeft() throws Exception {
        Path dir = TestFolders.runDir("cluster");
        try (PostgresServer postgres = PostgresServer.start(dir.resolve("postgres"));
             StandInProvider provider = new StandInProvider(1500, 0, CAP)) {
            List<SeparateJvm> nodes = new ArrayList<>();
            try {
                for (int n = 1; n <= 3; n++) {
                    Path nodeDir = Files.createDirectories(dir.resolve("node-" + n));
                    Map<String, String> settings = new java.util.LinkedHashMap<>(settings(dir, nodeDir, postgres, provider));
                    settings.put("promptrelay.cluster.node-id", "node-" + n);
                    nodes.add(SeparateJvm.start(nodeDir, List.of("-Xmx256m"), settings));
                }
                for (SeparateJvm node : nodes) {
                    await().atMost(Duration.ofSeconds(90)).until(() -> !node.isAlive()
                                                                        || node.logText().contains("Journal read"));
                    assertThat(node.isAlive()).as(node.logTail(40)).isTrue();
                }
                Files.createDirectories(dir.resolve("inbox"));
                // a node that took a file from the inbox and died before journaling it, long ago
                Path ghostHeld = Files.createDirectories(dir.resolve("shared").resolve("in-progress").resolve(".incoming")
                        .resolve("ghost").resolve(java.util.UUID.randomUUID().toString()));
                Files.writeString(ghostHeld.resolve("ghost.txt"), "a prompt a lost node took\n");
                try (Connection c = DriverManager.getConnection(postgres.url(), PostgresServer.USER, "")) {
                    c.createStatement().executeUpdate("INSERT INTO cluster_node (id, seen_at) VALUES "
                                                      + "('ghost', now() - interval '1 hour')");
                }
                for (int f = 1; f <= FILES; f++) {
                    int file = f;
                    Path temp = Files.writeString(dir.resolve("batch-" + f + ".tmp"), IntStream.rangeClosed(1, JOBS_PER_FILE)
                            .mapToObj(i -> "prompt " + file + "-" + i).collect(Collectors.joining("\n")));
                    Files.move(temp, dir.resolve("inbox").resolve("batch-" + f + ".txt"));
                }
                // every job journaled, and work under way: then the busiest node dies
                await().atMost(Duration.ofSeconds(60)).until(() -> batchJobCount(postgres) == FILES * JOBS_PER_FILE
                                                                    && submits(provider) >= 12);
                SeparateJvm killed = nodes.get(busiest(postgres));
                killed.kill();

                await().atMost(Duration.ofSeconds(150)).until(() -> IntStream.rangeClosed(1, FILES).allMatch(f ->
                        Files.exists(dir.resolve("archive").resolve("batch-" + f + ".txt"))
                        || Files.exists(dir.resolve("failed").resolve("batch-" + f + ".txt"))));

                assertThat(provider.submitsByPrompt().values()).as("no prompt submitted twice")
                        .allMatch(n -> n == 1);
                await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(dir.resolve("archive").resolve("ghost.txt")));
                assertThat(provider.submitsByPrompt()).as("the lost node's file, back in the inbox and run once")
                        .containsEntry("a prompt a lost node took", 1);
                assertThat(provider.refused()).as("the cap of " + CAP + " held across the nodes").isZero();
                int images = 0;
                int unknown = 0;
                for (int f = 1; f <= FILES; f++) {
                    images += pngs(dir.resolve("outbox").resolve("batch-" + f));
                    Path error = dir.resolve("failed").resolve("batch-" + f + ".txt.error.json");
                    if (Files.exists(error)) {
                        for (JsonNode job : TestFolders.JSON.readTree(error.toFile()).path("jobs")) {
                            if (!job.path("state").asText().equals("succeeded")) {
                                assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("submit-unknown");
                                unknown++;
                            }
                        }
                    }
                }
                assertThat(images + unknown).as("every job ended: " + images + " images, " + unknown + " unknown")
                        .isEqualTo(FILES * JOBS_PER_FILE);
                // every submit the provider took made an image, but for those reported unknown: an unknown submit is
                // one whose answer was lost with the killed node, which the provider may or may not have taken
                assertThat(images).as("no image without a submit").isLessThanOrEqualTo(batchSubmits(provider));
                assertThat(batchSubmits(provider) - images).as("a taken submit without its image is one reported unknown")
                        .isBetween(0, unknown);
                // the schedule all three declare: each tick's prompt (its time in it) submitted once, by one node
                await().atMost(Duration.ofSeconds(30)).until(() -> ticks(provider).size() >= 3);
                assertThat(ticks(provider).values()).as("one fire per tick across the nodes: " + ticks(provider))
                        .allMatch(n -> n == 1);
                for (SeparateJvm node : nodes) {
                    if (node != killed) {
                        assertThat(wrote(node)).as("a survivor did work\n" + node.logTail(30)).isPositive();
                    }
                }
            } finally {
                for (SeparateJvm node : nodes) {
                    node.close();
                }
            }
        }
    }

    static Map<String, String> settings(Path shared, Path nodeDir, PostgresServer postgres, StandInProvider provider) {
        return SeparateJvm.settings(
                "promptrelay.inbox", shared.resolve("inbox").toString(),
                "promptrelay.outbox", shared.resolve("outbox").toString(),
                "promptrelay.archive", shared.resolve("archive").toString(),
                "promptrelay.failed", shared.resolve("failed").toString(),
                "promptrelay.state-dir", nodeDir.resolve("state").toString(),
                "promptrelay.shared-dir", shared.resolve("shared").toString(),
                "promptrelay.journal.url", postgres.url(), "promptrelay.journal.user", PostgresServer.USER,
                "promptrelay.modelscope.base-url", provider.baseUrl(), "promptrelay.modelscope.api-key", TestKeys.MODELSCOPE,
                "promptrelay.modelscope.max-concurrent", String.valueOf(CAP),
                "promptrelay.modelscope.scripts-config-file", "", "promptrelay.modellix.api-key", "",
                "promptrelay.scenario.api-key", "", "promptrelay.poll.first-delay-millis", "200",
                "promptrelay.poll.max-delay-millis", "500",
                "promptrelay.cluster.lease-seconds", "10", "promptrelay.cluster.renew-seconds", "2",
                "promptrelay.schedules.tick.cron", "0/5 * * * * ?",
                "promptrelay.schedules.tick.prompt", "schedule tick {date} {time}");
    }

    /**
     * Nodes node-1, node-2, ... (JVMs of their own) on the journal and folders of {@link #settings}, without the
     * schedule, with 4 s leases renewed every second and what {@code more} adds for each node (by its number); returned
     * once every one has read its journal.
     */
    static List<SeparateJvm> startNodes(Path dir, PostgresServer postgres, StandInProvider provider, int count,
                                        java.util.function.BiConsumer<Integer, Map<String, String>> more) throws Exception {
        List<SeparateJvm> nodes = new java.util.ArrayList<>();
        for (int n = 1; n <= count; n++) {
            Path nodeDir = Files.createDirectories(dir.resolve("node-" + n));
            Map<String, String> settings = new java.util.LinkedHashMap<>(settings(dir, nodeDir, postgres, provider));
            settings.keySet().removeIf(k -> k.startsWith("promptrelay.schedules."));
            settings.put("promptrelay.cluster.node-id", "node-" + n);
            settings.put("promptrelay.cluster.lease-seconds", "4");
            settings.put("promptrelay.cluster.renew-seconds", "1");
            more.accept(n, settings);
            nodes.add(SeparateJvm.start(nodeDir, List.of("-Xmx256m"), settings));
        }
        for (SeparateJvm node : nodes) {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(90))
                    .until(() -> !node.isAlive() || node.logText().contains("Journal read"));
            org.assertj.core.api.Assertions.assertThat(node.isAlive()).as(node.logTail(40)).isTrue();
        }
        return nodes;
    }

    static int batchJobCount(PostgresServer postgres) throws Exception {
        return queryInt(postgres, "SELECT COUNT(*) FROM job j JOIN prompt_file f ON f.id = j.prompt_file_id "
                                  + "WHERE f.name LIKE 'batch-%'");
    }

    /** Submits of the prompt files' prompts. */
    static int batchSubmits(StandInProvider provider) {
        return (int) provider.submitsByPrompt().keySet().stream().filter(p -> p.startsWith("prompt ")).count();
    }

    /** Submits of the schedule's prompts, by tick. */
    static Map<String, Integer> ticks(StandInProvider provider) {
        Map<String, Integer> ticks = new java.util.TreeMap<>(provider.submitsByPrompt());
        ticks.keySet().removeIf(p -> !p.startsWith("schedule tick"));
        return ticks;
    }

    static int submits(StandInProvider provider) {
        return provider.submitsByPrompt().values().stream().mapToInt(Integer::intValue).sum();
    }

    /** The node (0-based, in start order) with the most jobs under way: node ids are node-1, node-2, node-3. */
    static int busiest(PostgresServer postgres) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.url(), PostgresServer.USER, "");
             ResultSet rs = c.createStatement().executeQuery("SELECT owner, COUNT(*) FROM job WHERE state IN "
                                                             + "('dispatched','submitting','running') GROUP BY owner "
                                                             + "ORDER BY COUNT(*) DESC")) {
            assertThat(rs.next()).as("work under way").isTrue();
            return Integer.parseInt(rs.getString(1).substring("node-".length())) - 1;
        }
    }

    static int queryInt(PostgresServer postgres, String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.url(), PostgresServer.USER, "");
             ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static int pngs(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return (int) files.filter(p -> p.getFileName().toString().endsWith(".png")).count();
        }
    }

    /** Outputs this node wrote, by its log. */
    static long wrote(SeparateJvm node) throws Exception {
        return node.logText().lines().filter(l -> l.contains(": wrote ")).count();
    }
}
