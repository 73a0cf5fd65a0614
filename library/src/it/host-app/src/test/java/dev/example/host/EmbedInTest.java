package dev.example.host;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.promptrelay.PromptRelay;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * promptrelay brought in with one line of Java, PromptRelay.embedIn(main), in a main method like the host's: the
 * host's routes and settings (from its application.properties, and one given in code) stay its own.
 */
class EmbedInTest {

    @Test
    void oneLineKeepsTheHostsRoutesAndSettings() throws Exception {
        Main main = new Main(HostApplication.class);
        main.configure().withShutdownTimeout(5);
        String dir = "target/promptrelay-embed/";
        for (String setting : List.of("promptrelay.outbox=" + dir + "outbox", "promptrelay.archive=" + dir + "archive",
                "promptrelay.failed=" + dir + "failed", "promptrelay.state-dir=" + dir + "state",
                "promptrelay.modelscope.api-key=", "promptrelay.modellix.api-key=", "promptrelay.scenario.api-key=",
                "promptrelay.modelscope.scripts-config-file=", "promptrelay.sandbox.task-millis=300")) {
            main.addOverrideProperty(setting.substring(0, setting.indexOf('=')), setting.substring(setting.indexOf('=') + 1));
        }
        PromptRelay.embedIn(main);
        main.start();
        try {
            CamelContext context = main.getCamelContext();
            ProducerTemplate template = context.createProducerTemplate();
            assertThat(template.requestBody("direct:greet", "you", String.class)).isEqualTo("Hello you");
            assertThat(context.getName()).isEqualTo("host-app");

            @SuppressWarnings("unchecked")
            Map<String, Object> reply = template.requestBody("direct:promptrelay-generate", "a paper lantern", Map.class);
            assertThat(reply.get("state")).as(String.valueOf(reply)).isEqualTo("succeeded");
        @SuppressWarnings("unchecked")
        Map<String, Object> job = ((List<Map<String, Object>>) reply.get("jobs")).get(0);
        assertThat(job.get("model")).as("the host's own setting wins over promptrelay's default").isEqualTo("Qwen/Qwen-Image");
            @SuppressWarnings("unchecked")
            List<String> outputs = (List<String>) reply.get("outputs");
            assertThat(Path.of(outputs.get(0))).exists();
        } finally {
            main.stop();
        }
    }
}
