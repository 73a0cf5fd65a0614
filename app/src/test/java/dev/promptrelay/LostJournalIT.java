package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The journal deleted while prompt files were in progress: their jobs may have been paid for, so they are not
 * submitted again on their own; they go to failed/ with an error file saying the outcome is unknown and what to do.
 */
class LostJournalIT {

    @Test
    void heldFilesTheJournalDoesNotKnowAreNeverPaidForAgain() throws Exception {
        Path dir = TestFolders.runDir("lost-journal");
        try (SandboxServer provider = new SandboxServer(new SandboxBehaviour(30_000, SandboxBehaviour.DEFAULT_REFUSE_MARKER))
                .start(0)) {
            Map<String, String> settings = SeparateJvm.liveModelScope(provider.baseUrl(), 4);
            Files.createDirectories(dir.resolve("inbox"));
            Path temp = Files.writeString(dir.resolve("batch.tmp"), "a fox\na hare\na lynx\na wolf\n");
            try (SeparateJvm first = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                Files.move(temp, dir.resolve("inbox").resolve("batch.txt"));
                await().atMost(Duration.ofSeconds(60)).until(() -> provider.count("submits") == 4 || !first.isAlive());
            }
            try (Stream<Path> journal = Files.list(dir.resolve(".promptrelay"))) {
                for (Path file : journal.filter(p -> p.getFileName().toString().startsWith("journal")).toList()) {
                    Files.delete(file);
                }
            }

            try (SeparateJvm second = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !second.isAlive()
                        || Files.exists(dir.resolve("failed").resolve("batch.txt.error.json")));
                assertThat(dir.resolve("failed").resolve("batch.txt.error.json")).as(second.logTail(40)).exists();
                await().atMost(Duration.ofSeconds(30)).until(() -> second.logText().contains("Journal read"));
            }
            JsonNode error = TestFolders.JSON.readTree(dir.resolve("failed").resolve("batch.txt.error.json").toFile());
            assertThat(error.path("outcome").asText()).isEqualTo("unknown");
            assertThat(error.path("error").asText()).contains("no record of it").contains("paid");
            assertThat(error.path("what_to_do").asText()).contains("promptrelay.resubmit-unjournaled");
            assertThat(Files.readString(dir.resolve("failed").resolve("batch.txt"))).as("the prompts are kept")
                    .contains("a wolf");
            assertThat(provider.count("submits")).as("nothing paid again").isEqualTo(4);
            try (Stream<Path> inbox = Files.list(dir.resolve("inbox"))) {
                // the running application's own lock aside
                assertThat(inbox.filter(p -> !p.getFileName().toString().equals(dev.promptrelay.prompt.InboxEntries.INBOX_LOCK))).isEmpty();
            }
        }
    }
}
