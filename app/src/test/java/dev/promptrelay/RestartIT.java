package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application is stopped while a task runs at the provider and started again on the same state directory: the
 * task resumes polling and is never submitted a second time. Each test method runs its own application.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RestartIT extends RunningApplication {

    static TestFolders folders;
    static SandboxServer provider;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("restart");
        // a provider that outlives the application and whose tasks take a while
        provider = folders.standIn(4000);
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
    @Order(1)
    void stopsWhileTheTaskRuns() throws Exception {
        folders.drop("slow.txt", "a slow sunrise\n");
        await().atMost(Duration.ofSeconds(20)).until(() -> provider.count("submits") == 1 && provider.count("polls") >= 1);
        assertThat(folders.files(folders.archive, "*")).isEmpty();
        assertThat(folders.files(folders.inbox, "*")).as("the file left the inbox once journaled").isEmpty();
    }

    @Test
    @Order(2)
    void resumesAfterTheRestartWithoutSubmittingAgain() {
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("slow.txt")));

        assertThat(provider.count("submits")).as("the task was resumed, not paid for again").isEqualTo(1);
        assertThat(folders.outbox.resolve("slow").resolve("001-1.png")).exists();
        assertThat(folders.outbox.resolve("slow").resolve("001-1.png.json")).exists();
    }
}
