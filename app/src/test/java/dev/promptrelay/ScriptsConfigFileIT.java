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
 * With no key set, the key and default model of the ModelScope image-gen scripts' settings file take the app live.
 */
class ScriptsConfigFileIT extends RunningApplication {

    static TestFolders folders;
    static SandboxServer standIn;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("scripts-config");
        standIn = folders.standIn(300);
        Path settings = folders.root.resolve("modelscope-image-gen.local.md");
        Files.writeString(settings, "---\napi_key: \"ms-from-the-scripts-file\"\ndefault_model: Qwen/Qwen-Image\n"
                                    + "default_output_dir: ~/Pictures\n---\n\n# My ModelScope settings\n");
        folders.set("promptrelay.modelscope.scripts-config-file", settings.toString());
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
    void theScriptsKeyAndDefaultModelAreUsed() throws Exception {
        folders.drop("scripts.txt", "a paper crane\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("scripts.txt")));

        JsonNode sidecar = folders.json(folders.outbox.resolve("scripts").resolve("001-1.png.json"));
        assertThat(sidecar.path("sandbox").asBoolean()).as("live, not the embedded sandbox").isFalse();
        assertThat(sidecar.path("model").asText()).isEqualTo("Qwen/Qwen-Image");
        assertThat(standIn.count("submits")).isEqualTo(1);
        assertThat(Files.readString(folders.outbox.resolve("scripts").resolve("001-1.png.json")))
                .doesNotContain("ms-from-the-scripts-file");
    }
}
