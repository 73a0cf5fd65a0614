package dev.promptrelay;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * promptrelay.journal.keep-days on a journal with history: requests that ended longer ago are forgotten by the
 * journal (the API no longer lists them), while their outputs, sidecars, summaries and archived files stay, a newer
 * request stays listed, and a request with a job under way is never forgotten however old it is.
 */
class RetentionIT {

    @Test
    void oldEndedRequestsLeaveTheJournalAndTheirFilesStay() throws Exception {
        Path dir = TestFolders.runDir("retention");
        int sandboxPort = TestFolders.freePort();
        Map<String, String> settings = SeparateJvm.settings("promptrelay.modelscope.api-key", "",
                "promptrelay.modellix.api-key", "", "promptrelay.scenario.api-key", "",
                "promptrelay.modelscope.scripts-config-file", "", "promptrelay.sandbox.task-millis", "300",
                "promptrelay.sandbox.port", String.valueOf(sandboxPort));
        Files.createDirectories(dir.resolve("inbox"));
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
            Files.writeString(dir.resolve("inbox").resolve("old.txt"), "an old fox\nan old hare\n");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("archive").resolve("old.txt")));
            Files.writeString(dir.resolve("inbox").resolve("recent.txt"), "a recent fox\n");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(dir.resolve("archive").resolve("recent.txt")));
            // a task that runs until the stop: its request is under way
            GalleryIT.sandboxFaults("http://127.0.0.1:" + sandboxPort, "{\"never_end_every\": 1}");
            Files.writeString(dir.resolve("inbox").resolve("running.txt"), "a running fox\n");
            await().atMost(Duration.ofSeconds(60)).until(() -> app.logText().contains("\"running.txt\" #1: submitted"));
            app.stop();
        }
        List<Path> oldOutputs = List.of(dir.resolve("outbox").resolve("old").resolve("001-1.png"),
                dir.resolve("outbox").resolve("old").resolve("001-1.png.json"),
                dir.resolve("outbox").resolve("old.summary.json"), dir.resolve("archive").resolve("old.txt"));
        oldOutputs.forEach(f -> assertThat(f).exists());

        // forty days go by for old.txt and running.txt, as far as the journal can tell
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve(".promptrelay").resolve("journal"), "sa", "")) {
            c.createStatement().executeUpdate("UPDATE prompt_file SET received_at = DATEADD(DAY, -40, received_at), "
                    + "ended_at = DATEADD(DAY, -40, ended_at) WHERE name IN ('old.txt', 'running.txt')");
            c.createStatement().executeUpdate("UPDATE job SET created_at = DATEADD(DAY, -40, created_at), "
                    + "ended_at = DATEADD(DAY, -40, ended_at) WHERE prompt_file_id IN "
                    + "(SELECT id FROM prompt_file WHERE name IN ('old.txt', 'running.txt'))");
        }

        int port = TestFolders.freePort();
        Map<String, String> keeping = new java.util.LinkedHashMap<>(settings);
        keeping.put("promptrelay.journal.keep-days", "30");
        keeping.put("camel.server.enabled", "true");
        keeping.put("camel.server.port", String.valueOf(port));
        // the running task is held again after the restart, so its request is still under way when the journal is pruned
        keeping.put("promptrelay.sandbox.task-millis", "600000");
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx256m"), keeping)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !app.isAlive() || app.logText().contains("Journal: forgot"));
            assertThat(app.logText()).as(app.logTail(20)).contains("Journal: forgot 1 request(s) that ended before")
                    .contains("promptrelay.journal.keep-days=30");
            HttpResponse<String> listed = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/jobs")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode jobs = TestFolders.JSON.readTree(listed.body()).path("jobs");
            List<String> names = new java.util.ArrayList<>();
            jobs.forEach(j -> names.add(j.path("name").asText()));
            assertThat(names).as("old.txt forgotten, the others kept").containsExactlyInAnyOrder("recent.txt", "running.txt");
            app.stop();
        }
        oldOutputs.forEach(f -> assertThat(f).as("files are never the journal's to remove").exists());
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve(".promptrelay").resolve("journal"), "sa", "");
             ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM job WHERE prompt_file_id NOT IN "
                     + "(SELECT id FROM prompt_file)")) {
            rs.next();
            assertThat(rs.getInt(1)).as("no job left without its request").isZero();
        }
    }
}
