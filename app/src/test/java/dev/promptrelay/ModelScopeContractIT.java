package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.promptrelay.ScriptedProvider.hangUp;
import static dev.promptrelay.ScriptedProvider.json;
import static dev.promptrelay.ScriptedProvider.png;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every ModelScope answer shape in PROVIDERS.md, scripted over loopback HTTP and driven through the real routes: each
 * variant reaches the right outcome, and no job is submitted twice.
 */
class ModelScopeContractIT extends RunningApplication {

    static TestFolders folders;
    static ScriptedProvider provider;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("modelscope-contract");
        provider = folders.scripted();
        script("ms-text-id", List.of(json(200, "{\"task_id\": \"7001\", \"request_id\": \"45287537\"}")),
                "7001", json(200, "{\"request_id\": \"r-1\", \"task_id\": \"7001\", \"task_status\": \"PENDING\", \"outputs\": {}}"),
                json(200, "{\"task_status\": \"RUNNING\"}"), succeed("7001"));
        // task_status SUCCEED in a submit answer only means accepted; the id comes as a JSON number
        script("ms-number-id", List.of(json(200, "{\"task_status\": \"SUCCEED\", \"task_id\": 7002, \"request_id\": \"r\"}")),
                "7002", json(200, "{\"task_status\": \"PROCESSING\", \"outputs\": {}}"), succeed("7002"));
        script("ms-not-found-at-first", accepted("7003"), "7003", notFound(), notFound(), succeed("7003"));
        script("ms-moderated", accepted("7004"), "7004", json(200, "{\"task_status\": \"RUNNING\"}"),
                json(200, "{\"errors\": {\"code\": 422, \"message\": \"Output data may contain inappropriate content.\"}, "
                          + "\"request_id\": \"r-2\", \"task_status\": \"FAILED\"}"));
        script("ms-canceled", accepted("7005"), "7005", json(200, "{\"task_status\": \"CANCELED\"}"));
        script("ms-unknown-word", accepted("7006"), "7006", json(200, "{\"task_status\": \"QUEUEING\"}"),
                json(200, "{}"), succeed("7006"));
        script("ms-throttled", List.of(json(429, "{\"errors\": {\"message\": \"Request limit exceeded.\", \"request_id\": \"q\"}}",
                "Retry-After", "1"), json(200, "{\"task_id\": \"7007\"}")), "7007", succeed("7007"));
        script("ms-submit-500", List.of(json(500, "{\"errors\": {\"message\": \"Internal error\"}, \"request_id\": \"r\"}")), null);
        script("ms-submit-hang-up", List.of(hangUp()), null);
        script("ms-bad-request", List.of(json(400, "{\"errors\": {\"message\": \"Invalid size 5000x5000\", \"request_id\": \"x\"}}")), null);
        script("ms-poll-503", accepted("7011"), "7011", json(503, "{\"errors\": {\"message\": \"busy\"}}"), succeed("7011"));
        for (String variant : VARIANTS) {
            folders.drop(variant + ".txt", variant + ": a lighthouse\n");
        }
    }

    static final List<String> VARIANTS = List.of("ms-text-id", "ms-number-id", "ms-not-found-at-first", "ms-moderated",
            "ms-canceled", "ms-unknown-word", "ms-throttled", "ms-submit-500", "ms-submit-hang-up", "ms-bad-request",
            "ms-poll-503");

    @AfterAll
    static void stop() {
        provider.close();
    }

    static void script(String marker, List<ScriptedProvider.Answer> submits, String taskId, ScriptedProvider.Answer... polls) {
        ScriptedProvider.Script script = provider.script(marker)
                .on("POST", "/v1/images/generations", submits.toArray(ScriptedProvider.Answer[]::new));
        if (taskId != null) {
            script.on("GET", "/v1/tasks/" + taskId, polls).on("GET", "/files/" + taskId + ".png", png(marker));
        }
    }

    static List<ScriptedProvider.Answer> accepted(String taskId) {
        return List.of(json(200, "{\"task_id\": \"" + taskId + "\", \"request_id\": \"r\"}"));
    }

    static ScriptedProvider.Answer succeed(String taskId) {
        return json(200, "{\"task_status\": \"SUCCEED\", \"output_images\": [\"{base}/files/" + taskId + ".png\"], "
                         + "\"time_taken\": 18812.86}");
    }

    static ScriptedProvider.Answer notFound() {
        return json(200, "{\"errors\": {\"code\": 500, \"message\": \"task not found\"}, \"task_status\": \"FAILED\"}");
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void everyVariantReachesItsOutcomeWithOneSubmitPerJob() throws Exception {
        VARIANTS.forEach(v -> folders.awaitDone(v + ".txt"));

        for (String variant : List.of("ms-text-id", "ms-number-id", "ms-not-found-at-first", "ms-unknown-word",
                "ms-throttled", "ms-poll-503")) {
            assertThat(folders.archive.resolve(variant + ".txt")).as(variant + " succeeded").exists();
            assertThat(folders.outbox.resolve(variant).resolve("001-1.png")).as(variant).exists();
        }
        assertFailed("ms-moderated", "failed", "Output data may contain inappropriate content.");
        assertFailed("ms-canceled", "failed", "CANCELED");
        assertFailed("ms-submit-500", "submit-unknown", "Internal error");
        assertFailed("ms-submit-hang-up", "submit-unknown", "may or may not have been accepted");
        assertFailed("ms-bad-request", "failed", "Invalid size 5000x5000");

        for (String variant : VARIANTS) {
            long submits = provider.count(variant, "POST", "/v1/images/generations");
            assertThat(submits).as(variant + ": one submit, or one more after a 429").isEqualTo(variant.equals("ms-throttled") ? 2 : 1);
        }
        assertThat(provider.unscripted()).isEmpty();
        ScriptedProvider.Request submit = provider.requestsOf("ms-text-id").get(0);
        assertThat(submit.header("Authorization")).isEqualTo("Bearer " + TestKeys.MODELSCOPE);
        assertThat(submit.header("X-ModelScope-Async-Mode")).isEqualTo("true");
        JsonNode body = TestFolders.JSON.readTree(submit.body());
        assertThat(body.path("model").asText()).isEqualTo("Tongyi-MAI/Z-Image-Turbo");
        assertThat(body.path("prompt").asText()).isEqualTo("ms-text-id: a lighthouse");
        for (ScriptedProvider.Request request : provider.requestsOf("ms-text-id")) {
            if (request.path().startsWith("/v1/tasks/")) {
                assertThat(request.header("X-ModelScope-Task-Type")).isEqualTo("image_generation");
            }
            if (request.path().startsWith("/files/")) {
                assertThat(request.header("Authorization")).as("the key never goes to the file host").isNull();
            }
        }
        assertThat(folders.json(folders.outbox.resolve("ms-number-id").resolve("001-1.png.json")).path("task_id").asText())
                .isEqualTo("7002");
    }

    private void assertFailed(String variant, String state, String message) throws IOException {
        JsonNode job = folders.failedJob(variant + ".txt");
        assertThat(job.path("state").asText()).as(variant).isEqualTo(state);
        assertThat(job.path("error").asText()).as(variant).contains(message);
        assertThat(job.path("next_step").asText()).as(variant).isNotBlank();
    }
}
