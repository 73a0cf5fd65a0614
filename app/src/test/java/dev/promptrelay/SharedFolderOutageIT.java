package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.promptrelay.bench.StandInProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shared storage of a cluster (inbox, outbox, archive, failed and shared-dir on one mount) goes away for 30 s
 * under three nodes running 60 jobs, as an unmounted or unreachable share does: its folder is moved away and back.
 * Nothing is written where the share was meanwhile (it would be hidden once the share is back); the results wait;
 * once it is back every prompt ends with its image, paid for once, and no file is left behind.
 */
class SharedFolderOutageIT {

    static final int FILES = DatabaseOutageIT.FILES;
    static final int JOBS_PER_FILE = DatabaseOutageIT.JOBS_PER_FILE;

    @Test
    void threeNodesRideOutTheirSharedFolderGoingAwayForThirtySeconds() throws Exception {
        Path dir = TestFolders.runDir("share-outage");
        Path storage = Files.createDirectories(dir.resolve("storage"));
        Path away = dir.resolve("storage-away");
        try (PostgresServer postgres = PostgresServer.start(dir.resolve("postgres"));
             StandInProvider provider = new StandInProvider(3000, 0, DatabaseOutageIT.CAP)) {
            List<SeparateJvm> nodes = new ArrayList<>();
            try {
                for (int n = 1; n <= 3; n++) {
                    Path nodeDir = Files.createDirectories(dir.resolve("node-" + n));
                    Map<String, String> settings = new LinkedHashMap<>(ClusterIT.settings(storage, nodeDir, postgres, provider));
                    settings.keySet().removeIf(k -> k.startsWith("promptrelay.schedules."));
                    settings.put("promptrelay.cluster.node-id", "node-" + n);
                    settings.put("promptrelay.modelscope.max-concurrent", String.valueOf(DatabaseOutageIT.CAP));
                    nodes.add(SeparateJvm.start(nodeDir, List.of("-Xmx256m"), settings));
                }
                for (SeparateJvm node : nodes) {
                    await().atMost(Duration.ofSeconds(90)).until(() -> !node.isAlive() || node.logText().contains("Journal read"));
                    assertThat(node.isAlive()).as(node.logTail(40)).isTrue();
                }
                DatabaseOutageIT.dropFilesAndAwaitTasks(storage, postgres, "share-");
                long goneAt = System.nanoTime();
                int endsSeenBefore = provider.endsSeen();
                Files.move(storage, away);
                try {
                    // the tasks at the provider are still polled to their ends
                    await().atMost(Duration.ofSeconds(30)).until(() -> provider.endsSeen() > endsSeenBefore);
                    // the share's absence is the scenario: it lasts 30 s whatever happens meanwhile
                    long left = Duration.ofSeconds(30).toNanos() - (System.nanoTime() - goneAt);
                    if (left > 0) {
                        Thread.sleep(left / 1_000_000);
                    }
                    assertThat(storage).as("nothing written where the share was while it was away").doesNotExist();
                } finally {
                    if (!Files.exists(storage)) {
                        Files.move(away, storage);
                    }
                }
                int images = DatabaseOutageIT.awaitArchivedImages(storage, "share-", nodes, Duration.ofSeconds(180));
                assertThat(images).as("every job its image").isEqualTo(FILES * JOBS_PER_FILE);
                assertThat(provider.submitsByPrompt().values()).as("no prompt submitted twice").allMatch(n -> n == 1);
                assertThat(provider.submitsByPrompt()).hasSize(FILES * JOBS_PER_FILE);
                assertThat(DatabaseOutageIT.filesUnder(storage.resolve("inbox"))).as("nothing left in the inbox").isEmpty();
                assertThat(DatabaseOutageIT.filesUnder(storage.resolve("shared").resolve("in-progress")))
                        .as("no prompt file held").isEmpty();
                for (int n = 1; n <= 3; n++) {
                    assertThat(DatabaseOutageIT.filesUnder(dir.resolve("node-" + n).resolve("state").resolve("staged")))
                            .as("no result left waiting in node-" + n + "'s state dir").isEmpty();
                    assertThat(nodes.get(n - 1).isAlive()).as("no restart needed").isTrue();
                }
            } finally {
                for (SeparateJvm node : nodes) {
                    node.close();
                }
            }
        }
    }
}
