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

import dev.promptrelay.bench.StandInProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stopped at once ({@code pg_ctl stop -m immediate}: every session cut) under two nodes while their tasks
 * run, and kept down past the nodes' leases while the provider ends those tasks. No job with a task is failed for the
 * journal's absence; health shows the journal DOWN within seconds; once the database is back the nodes go on by
 * themselves, without a restart: every prompt ends with its image, paid for once.
 */
class DatabaseOutageIT {

    static final int JOBS = 16;

    @Test
    void theNodesRideOutADatabaseOutageAndFailNothing() throws Exception {
        Path dir = TestFolders.runDir("db-outage");
        try (PostgresServer postgres = PostgresServer.start(dir.resolve("postgres"));
             StandInProvider provider = new StandInProvider(3000, 0, ClusterIT.CAP)) {
            List<SeparateJvm> nodes = new ArrayList<>();
            List<Integer> healthPorts = new ArrayList<>();
            int apiPort = TestFolders.freePort();
            try {
                healthPorts.add(TestFolders.freePort());
                healthPorts.add(TestFolders.freePort());
                nodes.addAll(ClusterIT.startNodes(dir, postgres, provider, 2, (n, settings) -> {
                    int health = healthPorts.get(n - 1);
                    settings.put("camel.management.enabled", "true");
                    settings.put("camel.management.port", String.valueOf(health));
                    if (n == 1) {
                        settings.put("camel.server.enabled", "true");
                        settings.put("camel.server.port", String.valueOf(apiPort));
                    }
                }));
                NodePauseIT.dropPrompts(dir, "outage", JOBS);
                // tasks run at the provider, journaled as running: then the database goes
                await().atMost(Duration.ofSeconds(60)).until(() -> ClusterIT.queryInt(postgres,
                        "SELECT COUNT(*) FROM job WHERE state = 'running'") >= 1);
                postgres.stopAbruptly();
                try {
                    for (int health : healthPorts) {
                        await().atMost(Duration.ofSeconds(15)).until(() -> journalDown(health));
                    }
                    // the provider ends every task, and the nodes go on polling: they see ends while nothing can be
                    // journaled, past their leases
                    await().atMost(Duration.ofSeconds(60)).until(() -> provider.allEnded() && provider.endsSeen() >= 1);
                    for (SeparateJvm node : nodes) {
                        await().atMost(Duration.ofSeconds(20)).until(() -> node.logText().contains("cannot be reached"));
                    }
                    // the API says what is going on, as JSON, and changes nothing
                    HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + apiPort + "/api/jobs")).build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(listed.statusCode()).as(listed.body()).isEqualTo(503);
                    assertThat(TestFolders.JSON.readTree(listed.body()).path("what_to_do").asText()).contains("try again");
                } finally {
                    postgres.startAgain();
                }
                await().atMost(Duration.ofSeconds(120)).until(() -> Files.exists(dir.resolve("archive").resolve("outage.txt"))
                                                                    || Files.exists(dir.resolve("failed").resolve("outage.txt")));
                assertThat(dir.resolve("archive").resolve("outage.txt")).as(nodes.get(0).logTail(40) + "\n"
                                                                          + nodes.get(1).logTail(40)).exists();
                assertThat(ClusterIT.pngs(dir.resolve("outbox").resolve("outage"))).isEqualTo(JOBS);
                assertThat(provider.submitsByPrompt().values()).as("no prompt submitted twice: " + provider.submitsByPrompt())
                        .allMatch(n -> n == 1);
                assertThat(provider.submitsByPrompt()).hasSize(JOBS);
                for (SeparateJvm node : nodes) {
                    assertThat(node.isAlive()).as("no restart needed").isTrue();
                    assertThat(node.logText()).as(node.logTail(40)).contains("answers again")
                            .doesNotContain("submit-unknown").doesNotContain("drop the prompt file again");
                }
                for (int health : healthPorts) {
                    await().atMost(Duration.ofSeconds(15)).until(() -> !journalDown(health));
                }
            } finally {
                for (SeparateJvm node : nodes) {
                    node.close();
                }
            }
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
