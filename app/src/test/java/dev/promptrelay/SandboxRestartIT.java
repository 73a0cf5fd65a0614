package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * In sandbox mode, a kill -9 with three tasks running and a start again: the built-in sandbox still knows its
 * tasks (kept in the state dir), so they are resumed and end as a live provider's would, not as "task not found".
 */
class SandboxRestartIT {

    @Test
    void theSandboxKeepsItsTasksAcrossARestart() throws Exception {
        Path dir = TestFolders.runDir("sandbox-restart");
        Map<String, String> settings = SeparateJvm.settings("promptrelay.modelscope.api-key", "",
                "promptrelay.modellix.api-key", "", "promptrelay.scenario.api-key", "",
                "promptrelay.modelscope.scripts-config-file", "", "promptrelay.sandbox.task-millis", "5000",
                "promptrelay.modelscope.max-concurrent", "3");
        Files.createDirectories(dir.resolve("inbox"));
        Path temp = Files.writeString(dir.resolve("batch.tmp"), "a first fox\na second fox\na third fox\n");
        try (SeparateJvm first = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
            Files.move(temp, dir.resolve("inbox").resolve("batch.txt"));
            await().atMost(Duration.ofSeconds(60)).until(() -> !first.isAlive() || first.logText().lines()
                    .filter(l -> l.contains("submitted to modelscope (sandbox) as task")).count() == 3);
            assertThat(first.isAlive()).as(first.logTail(30)).isTrue();
            first.kill();
        }
        try (SeparateJvm second = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !second.isAlive()
                    || Files.exists(dir.resolve("archive").resolve("batch.txt"))
                    || Files.exists(dir.resolve("failed").resolve("batch.txt")));
            assertThat(dir.resolve("archive").resolve("batch.txt")).as(second.logTail(40)).exists();
            assertThat(second.logText()).contains("resuming task").doesNotContain("task not found");
        }
        try (var images = Files.list(dir.resolve("outbox").resolve("batch"))) {
            assertThat(images.filter(p -> p.toString().endsWith(".png"))).hasSize(3);
        }
    }
}
