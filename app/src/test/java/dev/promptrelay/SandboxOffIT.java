package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * promptrelay.sandbox.enabled=false and no key: nothing is answered by a placeholder; every job is rejected before
 * anything is submitted, with the variable to set.
 */
class SandboxOffIT extends RunningApplication {

    static TestFolders folders;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("sandbox-off");
        folders.set("promptrelay.sandbox.enabled", "false");
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void withTheSandboxOffAKeylessProviderIsRejected() throws Exception {
        folders.drop("nokey.yaml", "provider: scenario\nprompt: a castle\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> folders.failed.resolve("nokey.yaml.error.json").toFile().exists());
        JsonNode error = folders.json(folders.failed.resolve("nokey.yaml.error.json"));
        assertThat(error.path("error").asText()).contains("scenario has no API key").contains("promptrelay.sandbox.enabled is false");
        assertThat(error.path("what_to_do").asText()).contains("SCENARIO_API_KEY and SCENARIO_API_SECRET");
        assertThat(error.path("line").asInt()).isEqualTo(1);
        assertThat(folders.outbox.resolve("nokey")).doesNotExist();
    }
}
