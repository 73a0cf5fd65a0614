package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults switched on in a running provider stand-in over its HTTP API: slow answers, polls cut off or answered with
 * an HTML error page, a submit answered 500 after the task was created, a task that never ends. The cut-off and
 * garbled polls are simply repeated; the 500 and the endless task end their jobs with an explanation, and nothing is
 * submitted twice.
 */
class SandboxFaultsIT extends RunningApplication {

    static TestFolders folders;
    static SandboxServer provider;

    @BeforeAll
    static void start() throws Exception {
        folders = TestFolders.create("sandbox-faults");
        provider = folders.standIn(300);
        folders.set("promptrelay.modelscope.api-key", TestKeys.MODELSCOPE);
        folders.set("promptrelay.poll.timeout-seconds", "3");
        folders.set("promptrelay.poll.max-delay-millis", "400");
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(provider.baseUrl() + "/_sandbox/faults"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"submit_error_every\": 5, \"reset_polls_percent\": 20, "
                        + "\"malformed_polls_percent\": 20, \"never_end_every\": 4, \"slow_millis\": 50}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).contains("\"never_end_every\":4");
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void transientFaultsAreRiddenOutAndLastingOnesExplained() throws IOException {
        folders.drop("six.txt", "one\ntwo\nthree\nfour\nfive\nsix\n");

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(folders.failed.resolve("six.txt.error.json")));

        assertThat(folders.files(folders.outbox.resolve("six"), "*.png")).hasSize(4);
        JsonNode jobs = folders.json(folders.failed.resolve("six.txt.error.json")).path("jobs");
        JsonNode endless = jobs.get(3);
        assertThat(endless.path("state").asText()).isEqualTo("failed");
        assertThat(endless.path("error").asText()).contains("did not end within 3 s");
        assertThat(endless.path("next_step").asText()).contains(endless.path("task_id").asText());
        JsonNode unknown = jobs.get(4);
        assertThat(unknown.path("state").asText()).isEqualTo("submit-unknown");
        assertThat(unknown.path("error").asText()).contains("HTTP 500");
        assertThat(provider.count("submits")).as("the 500 was not followed by a second paid submit").isEqualTo(6);
        assertThat(provider.count("reset") + provider.count("malformed")).as("the faults did happen").isPositive();
    }
}
