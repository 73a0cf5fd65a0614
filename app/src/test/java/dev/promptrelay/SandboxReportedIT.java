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

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With no key at all the built-in sandbox answers, and every report of its results says they are placeholders: the
 * log line of the submit, the sidecar, the summary, the PNG parameters chunk and the API's reply.
 */
class SandboxReportedIT extends RunningApplication {

    static TestFolders folders;
    static int port;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("sandbox-reported");
        port = TestFolders.freePort();
        folders.set("camel.server.enabled", "true");
        folders.set("camel.server.port", String.valueOf(port));
    }


    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void everyReportSaysSandbox() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            folders.drop("placeholder.txt", "a placeholder fox\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("placeholder.txt")));
            assertThat(log.text()).contains("\"placeholder.txt\" #1: submitted to modelscope (sandbox) as task");
        }
        Path image = folders.outbox.resolve("placeholder").resolve("001-1.png");
        assertThat(folders.json(image.resolveSibling("001-1.png.json")).path("sandbox").asBoolean()).isTrue();
        JsonNode summary = folders.json(folders.outbox.resolve("placeholder.summary.json"));
        assertThat(summary.path("sandbox").asBoolean()).isTrue();
        assertThat(summary.path("jobs").get(0).path("sandbox").asBoolean()).isTrue();
        assertThat(PngChunks.texts(image).get("parameters")).contains("Sandbox: placeholder");

        String id = summary.path("id").asText();
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/api/jobs/" + id)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode job = TestFolders.JSON.readTree(reply.body());
        assertThat(job.path("sandbox").asBoolean()).as(reply.statusCode() + " " + reply.body()).isTrue();
        assertThat(job.path("jobs").get(0).path("sandbox").asBoolean()).isTrue();
    }
}
