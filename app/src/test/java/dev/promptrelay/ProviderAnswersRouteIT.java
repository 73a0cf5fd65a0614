package dev.promptrelay;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import dev.example.advice.ScriptedProviderCalls;
import dev.example.advice.ScriptedProviderCalls.Answer;
import org.apache.camel.builder.AdviceWithRouteBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The submit route's answers to a refused submit, each on its own and fast: the provider's HTTP calls are replaced
 * in the routes (AdviceWith on the calls' ids) by scripted answers, so no server is needed. A 429 waits for its
 * Retry-After, a 503 and a refused connection are tried again after a back-off; none is charged, none submitted twice.
 */
class ProviderAnswersRouteIT extends RunningApplication {

    static TestFolders folders;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("provider-answers");
        folders.set("promptrelay.modelscope.api-key", TestKeys.MODELSCOPE);
        folders.set("promptrelay.modelscope.base-url", "http://127.0.0.1:9");
    }


    @BeforeEach
    void script() {
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
    void a429WaitsForItsRetryAfterAndIsNotCharged() throws Exception {
        ScriptedProviderCalls.SUBMITS.add(Answer.http(429, "{\"errors\": {\"message\": \"Request limit exceeded.\"}}", "Retry-After", "1"));
        ScriptedProviderCalls.SUBMITS.add(Answer.http(200, "{\"task_id\": \"t-429\"}"));
        runOneJob("throttled.txt");
        assertThat(ScriptedProviderCalls.SUBMITTED_AT).hasSize(2);
        assertThat(ScriptedProviderCalls.SUBMITTED_AT.get(1) - ScriptedProviderCalls.SUBMITTED_AT.get(0)).as("Retry-After: 1 honoured").isGreaterThanOrEqualTo(1000);
    }

    @Test
    void a503IsTriedAgainAfterABackOff() throws Exception {
        ScriptedProviderCalls.SUBMITS.add(Answer.http(503, "{\"errors\": {\"message\": \"busy\"}}"));
        ScriptedProviderCalls.SUBMITS.add(Answer.http(200, "{\"task_id\": \"t-503\"}"));
        runOneJob("busy.txt");
        assertThat(ScriptedProviderCalls.SUBMITTED_AT).hasSize(2);
        assertThat(ScriptedProviderCalls.SUBMITTED_AT.get(1) - ScriptedProviderCalls.SUBMITTED_AT.get(0)).as("a back-off").isGreaterThanOrEqualTo(1000);
    }

    @Test
    void aRefusedConnectionIsTriedAgain() throws Exception {
        ScriptedProviderCalls.SUBMITS.add(new Answer(0, Map.of(), null, new ConnectException("Connection refused")));
        ScriptedProviderCalls.SUBMITS.add(Answer.http(200, "{\"task_id\": \"t-refused\"}"));
        runOneJob("refused.txt");
        assertThat(ScriptedProviderCalls.SUBMITTED_AT).hasSize(2);
    }

    private static void runOneJob(String name) throws Exception {
        folders.drop(name, "a fox for " + name + "\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve(name))
                                                            || Files.exists(folders.failed.resolve(name)));
        assertThat(folders.archive.resolve(name)).as("the job succeeded after the refusal").exists();
        assertThat(ScriptedProviderCalls.SUBMITS).as("every scripted answer was used, no more").isEmpty();
    }
}
