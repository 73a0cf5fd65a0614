package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.promptrelay.bench.StandInProvider;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node that is paused, not killed (SIGSTOP: a long GC, a frozen VM, a laptop lid), past its lease while it polls
 * tasks. Another node takes the tasks over and stores their outputs; when the paused node wakes up, its polls are
 * already due and its tasks ended at the provider, and it must leave them alone: every job has one output, no prompt
 * is sent twice, and the woken node goes on working.
 */
class NodePauseIT {

    static final int JOBS = 8;

    @Test
    void aNodeWokenAfterItsLeaseLeavesTheTasksAnotherNodeTookOver() throws Exception {
        Path dir = TestFolders.runDir("node-pause");
        try (PostgresServer postgres = PostgresServer.start(dir.resolve("postgres"));
             StandInProvider provider = new StandInProvider(6000, 0, ClusterIT.CAP)) {
            List<SeparateJvm> nodes = new ArrayList<>();
            try {
                nodes.addAll(ClusterIT.startNodes(dir, postgres, provider, 2, (n, settings) -> { }));
                dropPrompts(dir, "pause", JOBS);
                // node-1 has tasks running at the provider: then it freezes
                await().atMost(Duration.ofSeconds(60)).until(() -> ClusterIT.queryInt(postgres,
                        "SELECT COUNT(*) FROM job WHERE owner = 'node-1' AND state = 'running'") >= 1);
                SeparateJvm paused = nodes.get(0);
                signal(paused, "STOP");
                try {
                    // node-2 takes node-1's tasks over and finishes them, and every job of the file ends
                    await().atMost(Duration.ofSeconds(90)).until(() -> ClusterIT.queryInt(postgres,
                            "SELECT COUNT(*) FROM job WHERE taken_from = 'node-1'") >= 1
                                                                       && Files.exists(dir.resolve("archive").resolve("pause.txt")));
                } finally {
                    signal(paused, "CONT");
                }
                // the woken node learns at its next renewal that it lost its tasks, and says so
                await().atMost(Duration.ofSeconds(30)).until(() -> paused.logText().contains("was taken over by another node"));
                assertThat(paused.isAlive()).isTrue();

                // it goes on working: a second file runs to the end, its jobs shared between both nodes' turns
                dropPrompts(dir, "after", JOBS);
                await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(dir.resolve("archive").resolve("after.txt")));

                assertThat(provider.submitsByPrompt().values()).as("no prompt submitted twice: " + provider.submitsByPrompt())
                        .allMatch(n -> n == 1);
                assertThat(provider.submitsByPrompt()).hasSize(2 * JOBS);
                for (String name : List.of("pause", "after")) {
                    try (Stream<Path> files = Files.list(dir.resolve("outbox").resolve(name))) {
                        List<String> outputs = files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".png"))
                                .sorted().toList();
                        assertThat(outputs).as("one output per job, none written twice").hasSize(JOBS)
                                .noneMatch(f -> f.matches(".*-\\d+-\\d+\\.png"));
                    }
                }
                assertThat(Files.exists(dir.resolve("failed").resolve("pause.txt"))).isFalse();
                for (SeparateJvm node : nodes) {
                    assertThat(node.logText()).as("no error on " + node).doesNotContain(" ERROR ");
                }
            } finally {
                for (SeparateJvm node : nodes) {
                    node.close();
                }
            }
        }
    }

    static void dropPrompts(Path dir, String name, int jobs) throws Exception {
        Files.createDirectories(dir.resolve("inbox"));
        Path temp = Files.writeString(dir.resolve(name + ".tmp"), IntStream.rangeClosed(1, jobs)
                .mapToObj(i -> "prompt " + name + " " + i).collect(Collectors.joining("\n")));
        Files.move(temp, dir.resolve("inbox").resolve(name + ".txt"));
    }

    static void signal(SeparateJvm node, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(node.pid())).inheritIO().start();
        assertThat(kill.waitFor()).as("kill -" + signal).isZero();
    }
}
