package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application, in its own JVM, is killed with {@code kill -9} while 18 paid tasks run at the provider, then
 * started again on the same folders: every task is picked up where it was, none is paid for twice.
 */
class KillIT {

    static final String KEY = TestKeys.MODELSCOPE;

    @Test
    void eighteenTasksInFlightSurviveAKillWithoutBeingSubmittedAgain() throws Exception {
        Path dir = TestFolders.runDir("kill");
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(6000, SandboxBehaviour.DEFAULT_REFUSE_MARKER))
                .start(0)) {
            Map<String, String> settings = SeparateJvm.settings("promptrelay.modelscope.base-url", provider.baseUrl(),
                    "promptrelay.modelscope.api-key", KEY, "promptrelay.modelscope.max-concurrent", "18",
                    "promptrelay.submit.concurrent-consumers", "6", "promptrelay.poll.concurrent-consumers", "6",
                    "promptrelay.poll.first-delay-millis", "1000", "promptrelay.modelscope.scripts-config-file", "",
                    "promptrelay.modellix.api-key", "", "promptrelay.scenario.api-key", "", "camel.server.enabled", "false");
            Files.createDirectories(dir.resolve("inbox"));
            String prompts = IntStream.rangeClosed(1, 18).mapToObj(i -> "prompt number " + i)
                    .collect(Collectors.joining("\n"));
            Path temp = Files.writeString(dir.resolve("batch.tmp"), prompts);

            SeparateJvm first = SeparateJvm.start(dir, List.of("-Xmx256m"), settings);
            Files.move(temp, dir.resolve("inbox").resolve("batch.txt"));
            // every task id journaled: the log line comes after the journal write
            await().atMost(Duration.ofSeconds(60)).until(() -> submittedLines(first) == 18 || !first.isAlive());
            assertThat(provider.count("downloads")).as("killed while every task still runs").isZero();
            first.kill();
            assertThat(provider.count("submits")).isEqualTo(18);

            try (SeparateJvm second = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(dir.resolve("archive").resolve("batch.txt"))
                                                                    || Files.exists(dir.resolve("failed").resolve("batch.txt"))
                                                                    || !second.isAlive());
                assertThat(dir.resolve("archive").resolve("batch.txt")).as(second.logTail(60)).exists();
                Path out = dir.resolve("outbox").resolve("batch");
                List<Path> images;
                try (Stream<Path> files = Files.list(out)) {
                    images = files.filter(p -> p.toString().endsWith(".png")).sorted().toList();
                }
                assertThat(images).hasSize(18);
                Set<String> tasks = new HashSet<>();
                for (Path image : images) {
                    tasks.add(TestFolders.JSON.readTree(image.resolveSibling(image.getFileName() + ".json").toFile())
                            .path("task_id").asText());
                }
                assertThat(tasks).as("18 different tasks, no duplicate").hasSize(18);
                assertThat(provider.count("submits")).as("exactly one paid submit per job").isEqualTo(18);
                try (Stream<Path> all = Files.walk(dir)) {
                    assertThat(all.filter(p -> p.getFileName().toString().endsWith(".part"))).as("no partial file").isEmpty();
                }
                try (Stream<Path> inbox = Files.list(dir.resolve("inbox"))) {
                    assertThat(inbox.filter(p -> !p.getFileName().toString().equals(dev.promptrelay.prompt.InboxEntries.INBOX_LOCK)))
                            .as("no prompt file left in the inbox").isEmpty();
                }
                assertThat(second.logText()).as("the key is never logged").doesNotContain(KEY).contains("resuming task");
            }
        }
    }

    private static long submittedLines(SeparateJvm app) throws java.io.IOException {
        return app.logText().lines().filter(l -> l.contains("submitted to modelscope as task")).count();
    }
}
