package dev.promptrelay;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.example.advice.RequestMadeUpWrong;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Route-level: a submit that fails while its request is being made up, before anything could leave, is a failure
 * that charged nothing, not an unknown outcome to look up in the provider's account.
 */
class FailureBeforeSendRouteIT extends RunningApplication {

    static TestFolders folders;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("failure-before-send");
    }

    @Override
    protected Map<String, Class<? extends AdviceWithRouteBuilder>> advices() {
        return Map.of("modelscope-call", RequestMadeUpWrong.class);
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void aSubmitThatNeverLeftIsFailedNotUnknown() throws Exception {
        folders.drop("unsent.txt", "a fox never asked for\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> folders.failed.resolve("unsent.txt.error.json").toFile().exists());

        JsonNode job = folders.failedJob("unsent.txt");
        assertThat(job.path("state").asText()).isEqualTo("failed");
        assertThat(job.path("error").asText()).contains("failed before it was sent").contains("nothing was charged")
                .contains("the request body could not be read");
        assertThat(job.path("next_step").asText()).doesNotContain("provider account").contains("/retry");
        assertThat(folders.stats().get("submits")).as("nothing reached the provider").isZero();
    }
}
