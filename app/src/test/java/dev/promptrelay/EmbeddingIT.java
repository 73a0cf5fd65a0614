package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A separate Camel application (dev.example.host.HostApplication, its own JVM, its own routes) embeds promptrelay as
 * a library and calls it from its routes, directly and through the route template, with no drop folder.
 */
class EmbeddingIT {

    @Test
    void anotherCamelApplicationGetsImagesAsAStepOfItsOwnRoutes() throws Exception {
        Path dir = TestFolders.runDir("embedding");
        Path results = dir.resolve("results");
        try (SeparateJvm host = SeparateJvm.start(dir, "dev.example.host.HostApplication", List.of("-Xmx256m"),
                SeparateJvm.settings("host.result-dir", results.toString(), "promptrelay.modelscope.api-key", "",
                        "promptrelay.modellix.api-key", "", "promptrelay.scenario.api-key", "",
                        "promptrelay.modelscope.scripts-config-file", "", "promptrelay.sandbox.task-millis", "300"))) {
            // the host's file producer writes its result in place: read it once it is whole
            await().atMost(Duration.ofSeconds(60)).until(() -> whole(results.resolve("banner-result.json"))
                                                                && whole(results.resolve("poster-result.json"))
                                                                || !host.isAlive());
            assertThat(results.resolve("banner-result.json")).as(host.logTail(40)).exists();
            for (String result : List.of("banner-result.json", "poster-result.json")) {
                JsonNode reply = TestFolders.JSON.readTree(results.resolve(result).toFile());
                assertThat(reply.path("state").asText()).as(result).isEqualTo("succeeded");
                Path image = Path.of(reply.path("outputs").get(0).asText());
                assertThat(image).as(result).exists();
                assertThat(reply.path("jobs").get(0).path("task_id").asText()).isNotBlank();
            }
            JsonNode banner = TestFolders.JSON.readTree(results.resolve("banner-result.json").toFile());
            Path sidecar = Path.of(banner.path("outputs").get(0).asText() + ".json");
            assertThat(TestFolders.JSON.readTree(sidecar.toFile()).path("parameters").path("seed").asLong()).isEqualTo(11);
            assertThat(dir.resolve("inbox")).as("no drop folder in an embedding application").doesNotExist();
        }
    }

    /** A result file the host has finished writing: it parses and says a state. */
    private static boolean whole(Path result) {
        try {
            return Files.exists(result) && !TestFolders.JSON.readTree(result.toFile()).path("state").asText().isEmpty();
        } catch (java.io.IOException partlyWritten) {
            return false;
        }
    }
}
