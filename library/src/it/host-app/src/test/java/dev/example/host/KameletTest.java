package dev.example.host;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.camel.Produce;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * promptrelay brought in by its Kamelet alone: the host's routes use kamelet:promptrelay-generate-action, as an
 * endpoint and as a kamelet step, and nothing else opts in.
 */
@CamelMainTest(mainClass = HostApplication.class, properties = {
        "camel.main.routes-include-pattern=routes/*.yaml,kamelet-routes/*.yaml",
        "promptrelay.outbox=target/promptrelay-kamelet/outbox", "promptrelay.archive=target/promptrelay-kamelet/archive",
        "promptrelay.failed=target/promptrelay-kamelet/failed", "promptrelay.state-dir=target/promptrelay-kamelet/state",
        "promptrelay.modelscope.api-key=", "promptrelay.modellix.api-key=", "promptrelay.scenario.api-key=",
        "promptrelay.modelscope.scripts-config-file=", "promptrelay.sandbox.task-millis=300"})
class KameletTest {

    @Produce("direct:poster")
    ProducerTemplate poster;

    @Test
    void imagesThroughTheKameletAsAnEndpointAndAsAStep() {
        for (String endpoint : List.of("direct:poster", "direct:poster-step")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> reply = poster.requestBody(endpoint, "a poster of a lighthouse", Map.class);
            assertThat(reply.get("state")).as(endpoint + ": " + reply).isEqualTo("succeeded");
            @SuppressWarnings("unchecked")
            Map<String, Object> job = ((List<Map<String, Object>>) reply.get("jobs")).get(0);
            assertThat(job.get("model")).as(endpoint).isEqualTo(endpoint.equals("direct:poster")
                    ? "Qwen/Qwen-Image" : "alibaba/qwen-image-plus");
            @SuppressWarnings("unchecked")
            List<String> outputs = (List<String>) reply.get("outputs");
            assertThat(Path.of(outputs.get(0))).as(endpoint).exists();
        }
        assertThat(poster.requestBody("direct:greet", "you", String.class)).isEqualTo("Hello you");
    }
}
