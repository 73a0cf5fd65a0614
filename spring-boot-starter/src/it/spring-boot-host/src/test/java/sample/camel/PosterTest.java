package sample.camel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.promptrelay.PromptRelayClient;
import dev.promptrelay.PromptRelaySettings;
import dev.promptrelay.journal.JobJournal;
import dev.promptrelay.journal.JobState;
import dev.promptrelay.journal.PromptFileJournal;
import dev.promptrelay.provider.ProviderCatalog;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The application's posters, made by promptrelay's sandbox: the poster of the day (its first message, sent the moment
 * its routes run) and one on request through the Kamelet, and one through the injected client; all written where the
 * application's application.yaml puts promptrelay's outbox.
 */
@CamelSpringBootTest
@SpringBootTest(classes = MyCamelApplication.class)
class PosterTest {

    private static final Path OUTBOX = Path.of("target/promptrelay/outbox").toAbsolutePath();

    @Autowired
    CamelContext camelContext;
    @Autowired
    ProducerTemplate template;
    @Autowired
    Posters posters;
    @Autowired
    PromptRelayClient promptRelay;
    @Autowired
    PromptRelaySettings settings;
    @Autowired
    JobJournal journal;
    @Autowired
    PromptFileJournal requests;
    @Autowired
    ProviderCatalog providers;

    @Test
    void thePosterOfTheDayIsMadeFromTheFirstMessage() {
        await().atMost(Duration.ofMinutes(1)).until(() -> !posters.all().isEmpty());
        Map<String, Object> reply = posters.all().get(0);
        assertThat(reply.get("state")).as(reply.toString()).isEqualTo("succeeded");
        assertPngsInOutbox(reply);
    }

    @Test
    void aPosterOnRequestThroughTheKamelet() {
        @SuppressWarnings("unchecked")
        Map<String, Object> reply = template.requestBody("direct:poster", "a red fox in the snow", Map.class);
        assertThat(reply.get("state")).as(reply.toString()).isEqualTo("succeeded");
        @SuppressWarnings("unchecked")
        Map<String, Object> job = ((List<Map<String, Object>>) reply.get("jobs")).get(0);
        assertThat(String.valueOf(job.get("seed"))).isEqualTo("7");
        assertPngsInOutbox(reply);
    }

    @Test
    void aPosterThroughTheInjectedClient() throws Exception {
        String id = promptRelay.submit("a kingfisher on a branch", Map.of("provider", "modelscope", "count", 2));
        assertThat(promptRelay.status(id).get("id")).isEqualTo(id);
        Map<String, Object> outcome = promptRelay.await(id, Duration.ofMinutes(1));
        assertThat(outcome.get("state")).as(outcome.toString()).isEqualTo("succeeded");
        assertThat((List<?>) outcome.get("outputs")).hasSize(2);
        assertPngsInOutbox(outcome);
        assertThat(requests.promptFileRecord(id)).isNotNull();
        assertThat(requests.jobsOf(id)).hasSize(2).allSatisfy(job ->
                assertThat(journal.job(job.id()).state()).isEqualTo(JobState.SUCCEEDED));
    }

    @Test
    void promptrelaysBeansAreTheApplicationsAndItsOwnRouteRuns() {
        assertThat(settings.text("promptrelay.outbox")).isEqualTo("target/promptrelay/outbox");
        assertThat(settings.bool("promptrelay.inbox.enabled")).as("no drop folder unless enabled").isFalse();
        assertThat(settings.bool("promptrelay.api.enabled")).as("no HTTP API unless enabled").isFalse();
        assertThat(providers.isSandbox("modelscope")).as("no key: the sandbox answers").isTrue();
        assertThat(camelContext.getRoute("hello")).isNotNull();
        assertThat(camelContext.getRouteController().getRouteStatus("generate-for-caller").isStarted()).isTrue();
    }

    @SuppressWarnings("unchecked")
    private static void assertPngsInOutbox(Map<String, Object> reply) {
        List<String> outputs = (List<String>) reply.get("outputs");
        assertThat(outputs).isNotEmpty();
        for (String output : outputs) {
            Path file = Path.of(output).toAbsolutePath();
            assertThat(file).startsWith(OUTBOX).exists();
            assertThat(file.toString()).endsWith(".png");
            assertThat(file).satisfies(f -> assertThat(Files.size(f)).isPositive());
        }
    }
}
