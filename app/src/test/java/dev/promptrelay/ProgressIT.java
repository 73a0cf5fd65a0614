package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * While a prompt file's jobs run, its summary file is kept current; at the end the same file holds the outcome.
 */
class ProgressIT extends RunningApplication {

    static TestFolders folders;
    static SandboxServer provider;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("progress");
        provider = folders.standIn(1500);
        folders.set("promptrelay.modelscope.api-key", TestKeys.MODELSCOPE);
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void theSummaryIsKeptCurrentWhileJobsRun() throws IOException {
        Path summary = folders.outbox.resolve("slow.summary.json");
        folders.drop("slow.txt", "one\ntwo\nthree\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(summary)
                && folders.json(summary).path("outcome").asText().equals("in-progress"));
        assertThat(Files.exists(folders.archive.resolve("slow.txt"))).as("seen while still running").isFalse();

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("slow.txt")));
        await().atMost(Duration.ofSeconds(5)).until(() -> folders.json(summary).path("outcome").asText().equals("succeeded"));
        assertThat(folders.outbox.resolve("slow-2.summary.json")).as("one summary file, kept current").doesNotExist();
    }
}
