package sample.camel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.promptrelay.PromptRelayClient;
import dev.promptrelay.PromptRelaySettings;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A test's own promptrelay.* settings win over application.yaml's, which win over promptrelay's defaults.
 */
@CamelSpringBootTest
@SpringBootTest(classes = MyCamelApplication.class, properties = {
        "promptrelay.outbox=target/from-test-properties/outbox",
        "promptrelay.state-dir=target/from-test-properties/state",
        "promptrelay.archive=target/from-test-properties/archive",
        "promptrelay.failed=target/from-test-properties/failed",
        "promptrelay.modelscope.model=Qwen/Qwen-Image",
        "poster.of-the-day=a test's own poster"})
class TestPropertiesTest {

    @Autowired
    PromptRelayClient promptRelay;
    @Autowired
    PromptRelaySettings settings;

    @Test
    void theTestsSettingsPlaceTheFoldersAndPickTheModel() throws Exception {
        Map<String, Object> outcome = promptRelay.generate("a lighthouse", Map.of("provider", "modelscope"),
                Duration.ofMinutes(1));
        assertThat(outcome.get("state")).as(outcome.toString()).isEqualTo("succeeded");
        @SuppressWarnings("unchecked")
        List<String> outputs = (List<String>) outcome.get("outputs");
        assertThat(Path.of(outputs.get(0)).toAbsolutePath())
                .startsWith(Path.of("target/from-test-properties/outbox").toAbsolutePath()).exists();
        @SuppressWarnings("unchecked")
        Map<String, Object> job = ((List<Map<String, Object>>) outcome.get("jobs")).get(0);
        assertThat(job.get("model")).isEqualTo("Qwen/Qwen-Image");
        assertThat(Path.of("target/from-test-properties/state")).isDirectory();
        // application.yaml's setting where the test says nothing; promptrelay's default where neither does
        assertThat(settings.number("promptrelay.sandbox.task-millis")).isEqualTo(300);
        assertThat(settings.text("promptrelay.max-jobs-per-file"))
                .isEqualTo(PromptRelaySettings.defaults().getProperty("promptrelay.max-jobs-per-file").strip());
    }
}
