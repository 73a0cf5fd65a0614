package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The working folder moved while promptrelay was stopped ({@code mv run1 run2}) with five tasks running: started in
 * run2 it resumes them, pays for none twice, and later starts are clean.
 */
class MovedInstallationIT {

    @Test
    void aMovedInstallationResumesWithoutPayingTwice() throws Exception {
        Path parent = TestFolders.runDir("moved");
        Path run1 = Files.createDirectories(parent.resolve("run1"));
        Path run2 = parent.resolve("run2");
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(4000, SandboxBehaviour.DEFAULT_REFUSE_MARKER))
                .start(0)) {
            Map<String, String> settings = SeparateJvm.settings("promptrelay.modelscope.base-url", provider.baseUrl(),
                    "promptrelay.modelscope.api-key", TestKeys.MODELSCOPE, "promptrelay.modelscope.max-concurrent", "5",
                    "promptrelay.modelscope.scripts-config-file", "", "promptrelay.modellix.api-key", "",
                    "promptrelay.scenario.api-key", "");
            Path images = Files.createDirectories(run1.resolve("inbox").resolve("images"));
            Files.write(images.resolve("cat.png"), dev.promptrelay.sandbox.PlaceholderImage.png("a cat", 1, 64, 64, "test"));
            Path temp = Files.writeString(run1.resolve("batch.tmp"), "a fox\na hare\na lynx\na wolf\n"
                    + "make the cat blue --model Qwen/Qwen-Image-Edit-2511 --type image-to-image --image images/cat.png\n");

            try (SeparateJvm first = SeparateJvm.start(run1, List.of("-Xmx256m"), settings)) {
                Files.move(temp, run1.resolve("inbox").resolve("batch.txt"));
                await().atMost(Duration.ofSeconds(60)).until(() -> provider.count("submits") == 5 || !first.isAlive());
                assertThat(provider.count("downloads")).as("stopped while every task still runs").isZero();
            }
            Files.move(run1, run2);

            try (SeparateJvm second = SeparateJvm.start(run2, List.of("-Xmx256m"), settings)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !second.isAlive()
                        || Files.exists(run2.resolve("archive").resolve("batch.txt"))
                        || Files.exists(run2.resolve("failed").resolve("batch.txt")));
                assertThat(run2.resolve("archive").resolve("batch.txt")).as(second.logTail(60)).exists();
                assertThat(second.logText()).contains("resuming task");
            }
            assertThat(provider.count("submits")).as("no task paid for twice").isEqualTo(5);
            assertThat(TestFolders.JSON.readTree(run2.resolve("outbox").resolve("batch.summary.json").toFile())
                    .path("jobs_succeeded").asInt()).isEqualTo(5);
            assertThat(Files.list(run2.resolve("outbox").resolve("batch")).filter(p -> p.toString().endsWith(".png")))
                    .hasSize(5);

            try (SeparateJvm third = SeparateJvm.start(run2, List.of("-Xmx256m"), settings)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !third.isAlive()
                        || third.logText().contains("Journal read"));
                assertThat(third.logText()).as("a clean start").contains("Journal read")
                        .doesNotContain("NoSuchFileException").doesNotContain("ERROR");
            }
            assertThat(provider.count("submits")).isEqualTo(5);
        }
    }
}
