package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

import dev.example.advice.ScriptedProviderCalls;
import dev.example.advice.ScriptedProviderCalls.Answer;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * promptrelay.<provider>.requests-per-minute counts submits and polls together: with 2 a minute, one job's submit and
 * poll use the minute up, and the next job's submit waits for the next one (route-level, scripted answers).
 */
class RequestsPerMinuteRouteIT extends RunningApplication {

    static TestFolders folders;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("requests-per-minute");
        folders.set("promptrelay.modelscope.requests-per-minute", "2");
        folders.set("promptrelay.modelscope.api-key", TestKeys.MODELSCOPE);
        folders.set("promptrelay.modelscope.base-url", "http://127.0.0.1:9");
        ScriptedProviderCalls.SUBMITS.clear();
        ScriptedProviderCalls.SUBMITTED_AT.clear();
    }


    @Override
    protected Map<String, Class<? extends AdviceWithRouteBuilder>> advices() {
        return Map.of(
                "fetch-output", ScriptedProviderCalls.PictureDownload.class,
                "submit-task", ScriptedProviderCalls.Submit.class,
                "poll-task", ScriptedProviderCalls.EndedPoll.class);
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void theThirdRequestOfAMinuteWaitsForTheNext() throws Exception {
        ScriptedProviderCalls.SUBMITS.add(Answer.http(200, "{\"task_id\": \"t-first\"}"));
        ScriptedProviderCalls.SUBMITS.add(Answer.http(200, "{\"task_id\": \"t-second\"}"));
        folders.drop("first.txt", "a fox\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("first.txt")));

        folders.drop("second.txt", "a hare\n");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> ScriptedProviderCalls.SUBMITTED_AT.size() == 1);
        assertThat(folders.archive.resolve("second.txt")).as("the second job waits for the next minute").doesNotExist();
    }
}
