package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptrelay.sandbox.SandboxBehaviour;
import dev.promptrelay.sandbox.SandboxFaults;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider that misbehaves on purpose: every 4th submit answered 429 with {@code Retry-After: 3}, 20 % of polls
 * answered 503, every 5th task refused by moderation. Three jobs run at once, so a Retry-After must hold off all of
 * them, not only the job that got it.
 */
class FaultsIT extends RunningApplication {

    static TestFolders folders;
    static SandboxServer provider;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("faults");
        provider = folders.standIn(new SandboxBehaviour(500, SandboxBehaviour.DEFAULT_REFUSE_MARKER,
                SandboxBehaviour.DEFAULT_VIDEO_BYTES, SandboxBehaviour.DEFAULT_LINK_MILLIS,
                // Retry-After: 3, so a request already on its way when the 429 went out may arrive up to a second late
                // (a loaded machine) without counting as early, while one sent in the 2 s after it still does
                new SandboxFaults(4, 0, 20, 0, 0, 5, 0, 0, 3)));
        folders.set("promptrelay.modelscope.api-key", TestKeys.MODELSCOPE);
        folders.set("promptrelay.modelscope.max-concurrent", "3");
        folders.set("promptrelay.poll.max-delay-millis", "600");
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
    void fifteenJobsEndAsTwelveImagesAndThreeExplainedFailuresWithFifteenSubmits() throws Exception {
        folders.drop("faults.txt", IntStream.rangeClosed(1, 15).mapToObj(i -> "a lighthouse, take " + i)
                .collect(Collectors.joining("\n")));

        await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(folders.failed.resolve("faults.txt.error.json")));

        assertThat(folders.files(folders.outbox.resolve("faults"), "*.png")).hasSize(12);
        JsonNode error = folders.json(folders.failed.resolve("faults.txt.error.json"));
        assertThat(error.path("error").asText()).isEqualTo("3 of 15 job(s) did not produce their output");
        int explained = 0;
        for (JsonNode job : error.path("jobs")) {
            if (!job.path("state").asText().equals("succeeded")) {
                assertThat(job.path("error").asText()).contains("Output data may contain inappropriate content.");
                assertThat(job.path("task_id").asText()).isNotBlank();
                assertThat(job.path("next_step").asText()).isNotBlank();
                explained++;
            }
        }
        assertThat(explained).isEqualTo(3);
        assertThat(provider.count("submits")).as("one accepted submit per job").isEqualTo(15);
        assertThat(provider.count("throttled")).as("the 429s did happen").isPositive();
        assertThat(provider.count("unavailable")).as("the 503s did happen").isPositive();
        assertThat(provider.count("early")).as("no request before a Retry-After had passed").isZero();
    }
}
