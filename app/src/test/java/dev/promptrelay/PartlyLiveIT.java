package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Only Modellix has a key: its jobs go live (to a stand-in here), and a job for ModelScope, which has none, is
 * rejected before anything is submitted, naming the variable to set, instead of "succeeding" with a placeholder.
 */
class PartlyLiveIT extends RunningApplication {

    static TestFolders folders;
    static SandboxServer standIn;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("partly-live");
        standIn = folders.standIn(300);
        folders.set("promptrelay.modellix.api-key", TestKeys.MODELLIX);
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
    void aProviderWithoutAKeyIsRejectedWhenAnotherIsLive() throws Exception {
        folders.drop("keyless.txt", "a fox for ModelScope\n");
        folders.drop("live.json", "{\"provider\": \"modellix\", \"model\": \"alibaba/qwen-image-plus\", \"prompt\": \"a live fox\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> folders.failed.resolve("keyless.txt.error.json").toFile().exists()
                && folders.archive.resolve("live.json").toFile().exists());

        JsonNode error = folders.json(folders.failed.resolve("keyless.txt.error.json"));
        assertThat(error.path("error").asText()).contains("modelscope has no API key");
        assertThat(error.path("field").asText()).isEqualTo("provider");
        assertThat(error.path("what_to_do").asText()).contains("MODELSCOPE_API_KEY").contains("modellix");
        assertThat(error.path("jobs_submitted").asInt()).isZero();
        assertThat(standIn.count("modelscope.submits")).isZero();

        JsonNode live = folders.json(folders.outbox.resolve("live").resolve("001-1.png.json"));
        assertThat(live.path("sandbox").asBoolean()).as("the stand-in is the configured live provider").isFalse();
        assertThat(standIn.count("modellix.submits")).isEqualTo(1);
    }
}
