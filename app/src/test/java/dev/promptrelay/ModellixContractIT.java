package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.promptrelay.ScriptedProvider.bytes;
import static dev.promptrelay.ScriptedProvider.json;
import static dev.promptrelay.ScriptedProvider.png;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Modellix answer shape in PROVIDERS.md, scripted over loopback HTTP and driven through the real routes: the
 * envelope, ids as text or number, every status word, images and videos as resources, errors in
 * {@code Category: detail} form, 402 as a permanent refusal.
 */
class ModellixContractIT extends RunningApplication {

    static final String QWEN = "/api/v1/alibaba/qwen-image-plus";
    static final String KLING_VIDEO = "/api/v1/kling/kling-v2.1-t2v";
    static final byte[] VIDEO = new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0, 'i', 's',
            'o', 'm', 'm', 'p', '4', '1', 0, 0, 0, 8, 'm', 'd', 'a', 't'};
    static TestFolders folders;
    static ScriptedProvider provider;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("modellix-contract");
        provider = folders.scripted();
        task("mx-image", QWEN, "\"task-abc1\"", data("pending", "task-abc1"), data("processing", "task-abc1"),
                data("running", "task-abc1"), success("task-abc1", resource("mx-image-0.png", "image", "\"png\"")));
        task("mx-video", KLING_VIDEO, "\"task-vid1\"", data("processing", "task-vid1"),
                success("task-vid1", resource("mx-video-0.mp4", "video", "null")));
        task("mx-number-id", QWEN, "123456", data("pending", "123456"), success("123456", "completed",
                resource("mx-number-id-0.png", "image", "null")));
        task("mx-failed-no-reason", QWEN, "\"task-f1\"", data("running", "task-f1"), data("failed", "task-f1"));
        task("mx-cancelled", QWEN, "\"task-c1\"", data("cancelled", "task-c1"));
        task("mx-error-word", QWEN, "\"task-e1\"", data("error", "task-e1"));
        task("mx-two-resources", QWEN, "\"task-two\"", success("task-two", resource("mx-two-resources-0.png", "image", "\"png\"")
                + ", " + resource("mx-two-resources-1", "image", "null")));
        task("mx-poll-404", QWEN, "\"task-gone\"", json(404, "{\"code\": 404, \"message\": \"Not Found: task result expired\"}"));
        provider.script("mx-402").on("POST", QWEN,
                json(402, "{\"code\": 402, \"message\": \"Payment Required: insufficient balance\"}"));
        provider.script("mx-400-size").on("POST", QWEN, json(400, "{\"code\": 400, \"message\": "
                + "\"Invalid format: parameter 'size' must be in format 'width*height', got '1024'\"}"));
        // code is the real status even when the HTTP status says 200
        provider.script("mx-code-in-200").on("POST", QWEN, json(200, "{\"code\": 401, \"message\": \"Unauthorized: invalid key\"}"));
        provider.script("mx-429").on("POST", QWEN,
                json(429, "{\"code\": 429, \"message\": \"Too Many Requests: concurrent task limit reached\"}", "Retry-After", "1"),
                submitted("task-r1"))
                .on("GET", "/api/v1/tasks/task-r1", success("task-r1", resource("mx-429-0.png", "image", "\"png\"")))
                .on("GET", "/files/mx-429-0.png", png("mx-429"));
        for (String variant : VARIANTS) {
            String model = variant.equals("mx-video") ? "kling/kling-v2.1-t2v\", \"type\": \"text-to-video" : "alibaba/qwen-image-plus";
            folders.drop(variant + ".json", "{\"provider\": \"modellix\", \"model\": \"" + model + "\", \"prompt\": \""
                                            + variant + ": a paper lantern\", \"size\": \"1328*1328\"}");
        }
    }

    static final List<String> VARIANTS = List.of("mx-image", "mx-video", "mx-number-id", "mx-failed-no-reason",
            "mx-cancelled", "mx-error-word", "mx-two-resources", "mx-poll-404", "mx-402", "mx-400-size", "mx-code-in-200",
            "mx-429");

    @AfterAll
    static void stop() {
        provider.close();
    }

    static void task(String marker, String submitPath, String taskIdJson, ScriptedProvider.Answer... polls) {
        String taskId = taskIdJson.replace("\"", "");
        ScriptedProvider.Script script = provider.script(marker)
                .on("POST", submitPath, json(200, "{\"code\": 0, \"message\": \"success\", \"data\": {\"status\": \"pending\", "
                        + "\"task_id\": " + taskIdJson + ", \"model_id\": \"m\", \"get_result\": {\"method\": \"GET\", "
                        + "\"url\": \"{base}/api/v1/tasks/" + taskId + "\"}}}"))
                .on("GET", "/api/v1/tasks/" + taskId, polls);
        script.on("GET", "/files/" + marker + "-0.png", png(marker)).on("GET", "/files/" + marker + "-1", png(marker + " 2"))
                .on("GET", "/files/" + marker + "-0.mp4", bytes("video/mp4", VIDEO));
    }

    static ScriptedProvider.Answer submitted(String taskId) {
        return json(200, "{\"code\": 0, \"message\": \"success\", \"data\": {\"status\": \"pending\", \"task_id\": \"" + taskId + "\"}}");
    }

    static ScriptedProvider.Answer data(String status, String taskId) {
        return json(200, "{\"code\": 0, \"message\": \"success\", \"data\": {\"status\": \"" + status + "\", \"task_id\": \""
                         + taskId + "\"}}");
    }

    static ScriptedProvider.Answer success(String taskId, String resources) {
        return success(taskId, "success", resources);
    }

    static ScriptedProvider.Answer success(String taskId, String word, String resources) {
        return json(200, "{\"code\": 0, \"message\": \"success\", \"data\": {\"status\": \"" + word + "\", \"task_id\": \""
                         + taskId + "\", \"model_id\": \"qwen-image-plus\", \"duration\": 3500, \"result\": {\"resources\": ["
                         + resources + "], \"metadata\": {\"image_count\": 1, \"request_id\": \"req-123456\"}, "
                         + "\"extensions\": {\"submit_time\": \"2026-01-01T10:00:00Z\", \"end_time\": \"2026-01-01T10:00:03Z\"}}}}");
    }

    static String resource(String file, String type, String format) {
        return "{\"url\": \"{base}/files/" + file + "\", \"type\": \"" + type + "\", \"width\": null, \"height\": null, "
               + "\"format\": " + format + ", \"role\": \"primary\"}";
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void everyVariantReachesItsOutcomeWithOneSubmitPerJob() throws Exception {
        VARIANTS.forEach(v -> folders.awaitDone(v + ".json"));

        for (String variant : List.of("mx-image", "mx-number-id", "mx-429")) {
            assertThat(folders.outbox.resolve(variant).resolve("001-1.png")).as(variant).exists();
        }
        Path video = folders.outbox.resolve("mx-video").resolve("001-1.mp4");
        assertThat(video).as("a video resource is saved as .mp4").exists();
        assertThat(Files.readAllBytes(video)).isEqualTo(VIDEO);
        assertThat(folders.json(video.resolveSibling("001-1.mp4.json")).path("kind").asText()).isEqualTo("video");
        assertThat(folders.files(folders.outbox.resolve("mx-two-resources"), "*.png")).extracting(p -> p.getFileName().toString())
                .containsExactly("001-1.png", "001-2.png");

        assertFailed("mx-failed-no-reason", "Modellix gave no reason", null);
        assertFailed("mx-cancelled", "cancelled", null);
        assertFailed("mx-error-word", "error", null);
        assertFailed("mx-poll-404", "Not Found: task result expired", null);
        assertFailed("mx-402", "insufficient balance", "balance is too low");
        assertFailed("mx-400-size", "Invalid format: parameter 'size' must be in format 'width*height', got '1024'", null);
        assertFailed("mx-code-in-200", "Unauthorized: invalid key", "api-key");

        for (String variant : VARIANTS) {
            String path = variant.equals("mx-video") ? KLING_VIDEO : QWEN;
            assertThat(provider.count(variant, "POST", path)).as(variant + ": one submit, or one more after a 429")
                    .isEqualTo(variant.equals("mx-429") ? 2 : 1);
        }
        assertThat(provider.unscripted()).isEmpty();
        ScriptedProvider.Request submit = provider.requestsOf("mx-image").get(0);
        assertThat(submit.header("Authorization")).isEqualTo("Bearer " + TestKeys.MODELLIX);
        JsonNode body = TestFolders.JSON.readTree(submit.body());
        assertThat(body.path("size").asText()).as("Alibaba's size separator").isEqualTo("1328*1328");
        assertThat(body.path("prompt").asText()).isEqualTo("mx-image: a paper lantern");
        JsonNode kling = TestFolders.JSON.readTree(provider.requestsOf("mx-video").get(0).body());
        assertThat(kling.has("size")).as("Kling takes a resolution class and aspect ratio").isFalse();
        assertThat(kling.path("aspect_ratio").asText()).isEqualTo("1:1");
        assertThat(kling.path("resolution").asText()).isEqualTo("2k");
    }

    private void assertFailed(String variant, String message, String nextStep) throws IOException {
        JsonNode job = folders.failedJob(variant + ".json");
        assertThat(job.path("state").asText()).as(variant).isEqualTo("failed");
        assertThat(job.path("error").asText()).as(variant).contains(message);
        assertThat(job.path("next_step").asText()).as(variant).contains(nextStep == null ? "" : nextStep);
    }
}
