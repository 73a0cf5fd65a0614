package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With a key set the app runs live: no embedded sandbox, calls go to the configured base URL. A separately started
 * sandbox stands in for ModelScope there and counts what it receives.
 */
class LiveProviderIT extends RunningApplication {

    static final String KEY = TestKeys.MODELSCOPE;
    static TestFolders folders;
    static SandboxServer standIn;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("live");
        standIn = folders.standIn(300);
        folders.set("promptrelay.modelscope.api-key", KEY);
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void jobsGoToTheConfiguredProviderOncePerJobAndTheKeyIsWrittenNowhere() throws Exception {
        folders.drop("live.txt", "a quiet harbour\na windmill\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("live.txt")));

        assertThat(standIn.count("submits")).as("exactly one paid submit per job").isEqualTo(2);
        assertThat(standIn.count("downloads")).isEqualTo(2);
        assertThat(standIn.count("rejected")).as("auth and protocol headers accepted").isZero();
        Path sidecar = folders.outbox.resolve("live").resolve("001-1.png.json");
        JsonNode json = folders.json(sidecar);
        assertThat(json.path("sandbox").asBoolean()).isFalse();
        // the application still writes (its journal's watermark goes through a temporary file): one that is gone by the
        // time it is looked at is skipped, not taken for a failure
        java.util.List<Path> jsonFiles = new java.util.ArrayList<>();
        Files.walkFileTree(folders.root, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && file.toString().endsWith(".json")) {
                    jsonFiles.add(file);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, java.io.IOException e) {
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        assertThat(jsonFiles).as("sidecars and summaries to look through").isNotEmpty();
        for (Path file : jsonFiles) {
            assertThat(Files.readString(file)).as(file.toString()).doesNotContain(KEY);
        }
    }
}
