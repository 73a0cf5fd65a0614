package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An outbox that cannot be written (read-only here): the results the provider made are downloaded once, kept in the
 * state directory, health says the outbox is not writable, nothing is failed and nothing is paid again; once the
 * outbox can take files, the kept results move in and the prompt file is archived. A read-only archive keeps a done
 * prompt file held, not failed, until it can take it.
 */
class OutboxUnwritableIT extends RunningApplication {

    static TestFolders folders;
    static int port;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        folders = TestFolders.create("outbox-unwritable");
        port = TestFolders.freePort();
        folders.set("camel.management.enabled", "true");
        folders.set("camel.management.port", String.valueOf(port));
        Files.createDirectories(folders.outbox);
        Files.createDirectories(folders.archive);
    }

    @AfterAll
    static void stop() throws IOException, InterruptedException {
        Machine.readOnly(folders.outbox, false);
        Machine.readOnly(folders.archive, false);
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void resultsAreKeptUntilTheOutboxTakesThemAgain() throws Exception {
        long submitsBefore = folders.stats().get("submits");
        long downloadsBefore = folders.stats().get("downloads");
        Path staged = folders.root.resolve("state").resolve("staged");
        Machine.readOnly(folders.outbox, true);
        try {
            folders.drop("kept.txt", "a fox\na hare\na lynx\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> folders.files(staged, "*.png").size() == 3);

            HttpResponse<String> health = get("/observe/health?data=true");
            assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
            assertThat(health.body()).contains("outbox").contains("cannot be written");
            assertThat(folders.stats().get("submits") - submitsBefore).isEqualTo(3);
            assertThat(folders.archive.resolve("kept.txt")).doesNotExist();
            assertThat(folders.failed.resolve("kept.txt.error.json")).as("a paid result is never a failure").doesNotExist();
        } finally {
            Machine.readOnly(folders.outbox, false);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(folders.archive.resolve("kept.txt")));
        List<Path> images = folders.files(folders.outbox.resolve("kept"), "*.png");
        assertThat(images).extracting(p -> p.getFileName().toString()).containsExactly("001-1.png", "002-1.png", "003-1.png");
        assertThat(folders.files(folders.outbox.resolve("kept"), "*.png.json")).hasSize(3);
        assertThat(folders.files(staged, "*")).as("nothing left waiting").isEmpty();
        assertThat(folders.stats().get("downloads") - downloadsBefore).as("each result downloaded once").isEqualTo(3);
        assertThat(folders.stats().get("submits") - submitsBefore).as("nothing paid twice").isEqualTo(3);
        JsonNode summary = folders.json(folders.outbox.resolve("kept.summary.json"));
        assertThat(summary.path("outcome").asText()).isEqualTo("succeeded");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/observe/health").statusCode() == 200);
    }

    @Test
    void aFileTheArchiveCannotTakeYetStaysHeldUntilItCan() throws Exception {
        Machine.readOnly(folders.archive, true);
        try {
            folders.drop("held.txt", "a heron\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.outbox.resolve("held.summary.json"))
                    && folders.json(folders.outbox.resolve("held.summary.json")).path("outcome").asText().equals("succeeded"));
            assertThat(folders.outbox.resolve("held").resolve("001-1.png")).exists();
            assertThat(folders.failed.resolve("held.txt.error.json")).as("a done file is not a failure").doesNotExist();
            assertThat(folders.inbox.resolve("held.txt")).doesNotExist();
        } finally {
            Machine.readOnly(folders.archive, false);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("held.txt")));
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
