package dev.example.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Route;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * promptrelay brought in by settings alone, no Java: camel.main.configuration-classes names its configuration (here
 * as the test harness's properties; in the application's own application.properties the line is the same).
 */
@CamelMainTest(mainClass = HostApplication.class, properties = {
        "camel.main.configuration-classes=dev.promptrelay.PromptRelayConfiguration",
        "promptrelay.outbox=target/promptrelay-settings/outbox", "promptrelay.archive=target/promptrelay-settings/archive",
        "promptrelay.failed=target/promptrelay-settings/failed", "promptrelay.state-dir=target/promptrelay-settings/state",
        "promptrelay.modelscope.api-key=", "promptrelay.modellix.api-key=", "promptrelay.scenario.api-key=",
        "promptrelay.modelscope.scripts-config-file=", "promptrelay.sandbox.task-millis=300"})
class SettingsOptInTest {

    @Produce("direct:promptrelay-generate")
    ProducerTemplate generate;

    @Test
    void anImageAsAStepOfTheHostsRoutesAndTheHostUnchanged() {
        @SuppressWarnings("unchecked")
        Map<String, Object> reply = (Map<String, Object>) generate.requestBodyAndHeader("a lighthouse at dusk",
                "promptrelay.seed", "3");
        assertThat(reply.get("state")).as(String.valueOf(reply)).isEqualTo("succeeded");
        @SuppressWarnings("unchecked")
        Map<String, Object> job = ((List<Map<String, Object>>) reply.get("jobs")).get(0);
        assertThat(job.get("model")).as("the host's own setting wins over promptrelay's default").isEqualTo("Qwen/Qwen-Image");
        @SuppressWarnings("unchecked")
        List<String> outputs = (List<String>) reply.get("outputs");
        assertThat(outputs).hasSize(1);
        assertThat(Path.of(outputs.get(0))).exists();
        assertThat(Path.of(outputs.get(0) + ".json")).exists();

        ProducerTemplate greet = generate.getCamelContext().createProducerTemplate();
        assertThat(greet.requestBody("direct:greet", "you", String.class)).isEqualTo("Hello you");
        assertThat(generate.getCamelContext().getName()).isEqualTo("host-app");
        assertThat(generate.getCamelContext().getRoutes()).extracting(Route::getRouteId).contains("greet");
        assertThat(generate.getCamelContext().getRouteController().getRouteStatus("intake-prompt-files").isStopped())
                .as("no drop folder unless the host asks for one").isTrue();
        assertThat(Files.exists(Path.of("inbox"))).isFalse();
    }
}
