package dev.promptrelay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.promptrelay.bench.StandInProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stopped at once ({@code pg_ctl stop -m immediate}: every session cut) for 3 minutes, six times the
 * default 30 s lease, under three nodes running 60 jobs with their default leases. No job is failed for the journal's
 * absence; health shows the journal DOWN within seconds and the API answers 503; the nodes keep polling the tasks they
 * have at the provider; once the database is back they go on by themselves, without a restart, and take nothing over
 * from each other: every prompt ends with its image, paid for once, and no file is left behind.
 * {@link DatabaseRestartIT} does the same with a 30 s outage, a database restart about as long as one lease.
 */
class DatabaseOutageIT {

    static final int FILES = 3;
    static final int JOBS_PER_FILE = 20;
    static final int CAP = 6;

    @Test
    void threeNodesRideOutThreeMinutesWithoutTheirDatabase() throws Exception {
        rideOut("db-outage", Duration.ofMinutes(3));
    }

    static void rideOut(String name, Duration down) throws Exception {
        Path dir = TestFolders.runDir(name);
        try (PostgresServer postgres = PostgresServer.start(dir.resolve("postgres"));
             StandInProvider provider = new StandInProvider(3000, 0, CAP)) {
            List<SeparateJvm> nodes = new ArrayList<>();
            List<Integer> healthPorts = new ArrayList<>();
            int apiPort = TestFolders.freePort();
            try {
                for (int n = 0; n < 3; n++) {
                    healthPorts.add(TestFolders.freePort());
                }
                nodes.addAll(ClusterIT.startNodes(dir, postgres, provider, 3, (n, settings) -> {
                    // the leases a user runs with, not the tests' short ones
                    settings.put("promptrelay.cluster.lease-seconds", "30");
                    settings.put("promptrelay.cluster.renew-seconds", "10");
                    settings.put("promptrelay.modelscope.max-concurrent", String.valueOf(CAP));
                    settings.put("camel.management.enabled", "true");
                    settings.put("camel.management.port", String.valueOf(healthPorts.get(n - 1)));
                    if (n == 1) {
                        settings.put("camel.server.enabled", "true");
                        settings.put("camel.server.port", String.valueOf(apiPort));
                    }
                }));
                // every file journaled and tasks running at the provider: then the database goes
                dropFilesAndAwaitTasks(dir, postgres, "outage-");
                long stoppedAt = System.nanoTime();
                int endsSeenBefore = provider.endsSeen();
                postgres.stopAbruptly();
                try {
                    for (int health : healthPorts) {
                        await().atMost(Duration.ofSeconds(20)).until(() -> journalDown(health));
                    }
                    // the nodes keep polling what they have at the provider: its ends are seen while nothing can be
                    // journaled
                    await().atMost(down).until(() -> provider.endsSeen() > endsSeenBefore);
                    for (SeparateJvm node : nodes) {
                        await().atMost(Duration.ofSeconds(20)).until(() -> node.logText().contains("cannot be reached"));
                    }
                    // the API says what is going on, as JSON, and changes nothing
                    HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + apiPort + "/api/jobs")).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(503);
                    assertThat(TestFolders.JSON.readTree(listed.body()).path("what_to_do").asText()).contains("try again");
                    // the outage's length is the scenario itself, not a wait for something to happen
                    long left = down.toNanos() - (System.nanoTime() - stoppedAt);
                    if (left > 0) {
                        Thread.sleep(left / 1_000_000);
                    }
                    for (SeparateJvm node : nodes) {
                        assertThat(node.isAlive()).as("alive through the outage\n" + node.logTail(30)).isTrue();
                    }
                } finally {
                    postgres.startAgain();
                }
                int images = awaitArchivedImages(dir, "outage-", nodes, Duration.ofSeconds(240));
                assertThat(images).as("every job its image").isEqualTo(FILES * JOBS_PER_FILE);
                assertThat(provider.submitsByPrompt().values()).as("no prompt submitted twice: " + provider.submitsByPrompt())
                        .allMatch(n -> n == 1);
                assertThat(provider.submitsByPrompt()).hasSize(FILES * JOBS_PER_FILE);
                assertThat(provider.refused()).as("the cap of " + CAP + " held across the nodes").isZero();
                assertThat(ClusterIT.queryInt(postgres, "SELECT COUNT(*) FROM job WHERE state <> 'succeeded'"))
                        .as("every job succeeded in the journal").isZero();
                assertThat(filesUnder(dir.resolve("inbox"))).as("nothing left in the inbox").isEmpty();
                assertThat(filesUnder(dir.resolve("shared").resolve("in-progress"))).as("no prompt file held").isEmpty();
                for (SeparateJvm node : nodes) {
                    assertThat(node.isAlive()).as("no restart needed").isTrue();
                    assertThat(node.logText()).as(node.logTail(40)).contains("answers again")
                            .doesNotContain("submit-unknown").doesNotContain("drop the prompt file again")
                            .doesNotContain("taking over").doesNotContain("taken over");
                }
                for (int health : healthPorts) {
                    await().atMost(Duration.ofSeconds(20)).until(() -> !journalDown(health));
                }
            } finally {
                for (SeparateJvm node : nodes) {
                    node.close();
                }
            }
        }
    }

    /** Three prompt files of 20 into the inbox under {@code root}; returns once all are journaled and tasks run. */
    static void dropFilesAndAwaitTasks(Path root, PostgresServer postgres, String prefix) throws Exception {
        for (int f = 1; f <= FILES; f++) {
            NodePauseIT.dropPrompts(root, prefix + f, JOBS_PER_FILE);
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> ClusterIT.queryInt(postgres,
                "SELECT COUNT(*) FROM job WHERE state = 'running'") >= 2
                && ClusterIT.queryInt(postgres, "SELECT COUNT(*) FROM job") == FILES * JOBS_PER_FILE);
    }

    /**
     * Waits for the files {@link #dropFilesAndAwaitTasks} dropped to end, asserts each was archived (the nodes' logs
     * with the failure), and returns how many images they made.
     */
    static int awaitArchivedImages(Path root, String prefix, List<SeparateJvm> nodes, Duration within) throws Exception {
        await().atMost(within).until(() -> IntStream.rangeClosed(1, FILES).allMatch(f ->
                Files.exists(root.resolve("archive").resolve(prefix + f + ".txt"))
                || Files.exists(root.resolve("failed").resolve(prefix + f + ".txt"))));
        StringBuilder logs = new StringBuilder();
        for (SeparateJvm node : nodes) {
            logs.append(node.logTail(40)).append('\n');
        }
        int images = 0;
        for (int f = 1; f <= FILES; f++) {
            assertThat(root.resolve("archive").resolve(prefix + f + ".txt")).as(logs.toString()).exists();
            images += ClusterIT.pngs(root.resolve("outbox").resolve(prefix + f));
        }
        return images;
    }

    /** Regular files anywhere under the folder (none when it does not exist). */
    static List<Path> filesUnder(Path folder) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().startsWith(".promptrelay-"))
                    .toList();
        }
    }

    private static boolean journalDown(int port) {
        try {
            String health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/observe/health?data=true"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
            int journal = health.indexOf("\"journal\"");
            return journal >= 0 && health.substring(journal, Math.min(health.length(), journal + 120)).contains("DOWN");
        } catch (Exception e) {
            return false;
        }
    }
}
