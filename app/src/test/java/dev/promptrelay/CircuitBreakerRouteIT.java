package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.example.advice.UnreachableProvider;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider that stops answering: after two refused connections its circuit breaker opens, /observe/health shows it
 * DOWN with the breaker's state, and the submit's last try is not sent at all; the job fails saying so, nothing paid.
 */
class CircuitBreakerRouteIT extends RunningApplication {

    static TestFolders folders;
    static int port;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("circuit-breaker");
        folders.set("promptrelay.submit.max-attempts", "3");
        folders.set("promptrelay.circuit-breaker.open-seconds", "600");
        folders.set("promptrelay.circuit-breaker.failures", "2");
        folders.set("promptrelay.modelscope.api-key", TestKeys.MODELSCOPE);
        folders.set("promptrelay.modelscope.base-url", "http://127.0.0.1:9");
        port = TestFolders.freePort();
        folders.set("camel.management.enabled", "true");
        folders.set("camel.management.port", String.valueOf(port));
    }


    @Override
    protected Map<String, Class<? extends AdviceWithRouteBuilder>> advices() {
        return Map.of(
                "modelscope-call", UnreachableProvider.class);
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void anUnansweringProviderIsLeftAloneAndShownDown() throws Exception {
        assertThat(providerCheck().path("status").asText()).as("UP before any request").isEqualTo("UP");

        folders.drop("unreachable.txt", "a fox nobody draws\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> folders.failed.resolve("unreachable.txt.error.json").toFile().exists());

        assertThat(UnreachableProvider.SENT.get()).as("two tries reached the wire, the third was held back").isEqualTo(2);
        JsonNode job = folders.failedJob("unreachable.txt");
        assertThat(job.path("state").asText()).isEqualTo("failed");
        // the cause, and the open breaker only as the reason the third try was not sent
        assertThat(job.path("error").asText()).contains("could not connect to ModelScope (ConnectException: Connection refused")
                .contains("its circuit breaker is open").contains("after 3 tries")
                .doesNotContain("CallNotPermittedException");
        assertThat(job.path("next_step").asText()).contains("promptrelay.modelscope.base-url");

        JsonNode check = providerCheck();
        assertThat(check.path("status").asText()).isEqualTo("DOWN");
        assertThat(check.path("data").path("circuit_breaker").asText()).isEqualTo("OPEN");
        assertThat(check.path("data").path("failed_calls").asInt()).isEqualTo(2);
        assertThat(check.path("message").asText()).contains("ConnectException: Connection refused");
    }

    /** The provider-modelscope check as /observe/health?data=true reports it. */
    private static JsonNode providerCheck() throws Exception {
        HttpResponse<String> health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/observe/health?data=true")).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode check : TestFolders.JSON.readTree(health.body()).path("checks")) {
            if (check.path("name").asText().equals("provider-modelscope")) {
                return check;
            }
        }
        throw new AssertionError("no provider-modelscope check in " + health.body());
    }
}
