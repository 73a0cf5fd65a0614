package dev.promptrelay;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.promptrelay.ScriptedProvider.bytes;
import static dev.promptrelay.ScriptedProvider.json;
import static dev.promptrelay.ScriptedProvider.png;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * fal.ai's queue, from the profile promptrelay ships (promptrelay/providers/fal.yaml), against answers in the forms
 * fal documents: a request queued with {@code request_id} and {@code status_url}, its status {@code IN_QUEUE},
 * {@code IN_PROGRESS}, {@code COMPLETED} (at the app's address, without the model's sub-path), then its result fetched
 * from the response address: images as {@code {url, content_type}}, a video; a request COMPLETED with an error; a 422
 * whose {@code detail} is a list; a result that answers with an error; a 429 with Retry-After.
 */
class FalContractIT extends RunningApplication {

    static final String DEV = "/fal-ai/flux/dev";
    static final String APP = "/fal-ai/flux/requests/";
    static final String VIDEO_MODEL = "/fal-ai/kling-video/v2/master/text-to-video";
    static final byte[] VIDEO = new byte[] {0, 0, 0, 24, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0, 'i', 's',
            'o', 'm', 'm', 'p', '4', '1', 0, 0, 0, 8, 'm', 'd', 'a', 't'};
    static final List<String> VARIANTS = List.of("fal-two", "fal-video", "fal-error-status", "fal-422", "fal-result-error",
            "fal-429");
    static TestFolders folders;
    static ScriptedProvider provider;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("fal-contract");
        provider = folders.scripted();
        queued("fal-two", DEV, APP, "r-two", status("IN_QUEUE", ", \"queue_position\": 0"), status("IN_PROGRESS", ""),
                completed(""))
                .on("GET", APP + "r-two", json(200, "{\"images\": [{\"url\": \"{base}/files/fal-two-0.jpg\", \"width\": 1024, "
                        + "\"height\": 768, \"content_type\": \"image/jpeg\"}, {\"url\": \"{base}/files/fal-two-1.jpg\", "
                        + "\"width\": 1024, \"height\": 768, \"content_type\": \"image/jpeg\"}], \"timings\": {\"inference\": 1.3}, "
                        + "\"seed\": 7, \"has_nsfw_concepts\": [false, false], \"prompt\": \"fal-two: a paper lantern\"}"))
                .on("GET", "/files/fal-two-0.jpg", png("fal-two"))
                .on("GET", "/files/fal-two-1.jpg", png("fal-two 2"));
        queued("fal-video", VIDEO_MODEL, "/fal-ai/kling-video/requests/", "r-video", status("IN_PROGRESS", ""), completed(""))
                .on("GET", "/fal-ai/kling-video/requests/r-video", json(200, "{\"video\": {\"url\": \"{base}/files/fal-video.mp4\", "
                        + "\"content_type\": \"video/mp4\", \"file_name\": \"output.mp4\", \"file_size\": 32}}"))
                .on("GET", "/files/fal-video.mp4", bytes("video/mp4", VIDEO));
        queued("fal-error-status", DEV, APP, "r-err", status("IN_PROGRESS", ""),
                completed(", \"error\": \"Internal error while running the model\", \"error_type\": \"runner_disconnected\""));
        provider.script("fal-422").on("POST", DEV, json(422, "{\"detail\": [{\"loc\": [\"body\", \"num_images\"], "
                + "\"msg\": \"ensure this value is less than or equal to 4\", \"type\": \"value_error.number.not_le\"}]}"));
        queued("fal-result-error", DEV, APP, "r-res", completed(""))
                .on("GET", APP + "r-res", json(422, "{\"detail\": [{\"loc\": [\"body\", \"image_size\"], \"msg\": \"image "
                        + "too large for this model\", \"type\": \"value_error\"}]}"));
        provider.script("fal-429").on("POST", DEV,
                json(429, "{\"detail\": \"Too many concurrent requests\"}", "Retry-After", "1"), submitted("r-429", APP))
                .on("GET", APP + "r-429/status", completed(""))
                .on("GET", APP + "r-429", json(200, "{\"images\": [{\"url\": \"{base}/files/fal-429.png\", \"content_type\": "
                        + "\"image/png\"}], \"seed\": 1}"))
                .on("GET", "/files/fal-429.png", png("fal-429"));
        folders.drop("fal-two.json", "{\"provider\": \"fal\", \"prompt\": \"fal-two: a paper lantern\", \"count\": 2, "
                                     + "\"width\": 1024, \"height\": 768, \"seed\": 7}");
        folders.drop("fal-video.json", "{\"provider\": \"fal\", \"model\": \"fal-ai/kling-video/v2/master/text-to-video\", "
                                       + "\"type\": \"text-to-video\", \"prompt\": \"fal-video: a paper lantern\"}");
        for (String variant : List.of("fal-error-status", "fal-422", "fal-result-error", "fal-429")) {
            folders.drop(variant + ".json", "{\"provider\": \"fal\", \"prompt\": \"" + variant + ": a paper lantern\"}");
        }
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    static ScriptedProvider.Script queued(String marker, String submitPath, String app, String id,
                                          ScriptedProvider.Answer... statuses) {
        return provider.script(marker).on("POST", submitPath, submitted(id, app)).on("GET", app + id + "/status", statuses);
    }

    static ScriptedProvider.Answer submitted(String id, String app) {
        return json(200, "{\"request_id\": \"" + id + "\", \"response_url\": \"{base}" + app + id + "\", \"status_url\": \"{base}"
                         + app + id + "/status\", \"cancel_url\": \"{base}" + app + id + "/cancel\", \"queue_position\": 0}");
    }

    static ScriptedProvider.Answer status(String word, String more) {
        return json(202, "{\"status\": \"" + word + "\"" + more + ", \"logs\": null}");
    }

    static ScriptedProvider.Answer completed(String more) {
        return json(200, "{\"status\": \"COMPLETED\", \"logs\": [], \"metrics\": {\"inference_time\": 1.25}" + more + "}");
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void everyAnswerReachesItsOutcomeWithOneSubmitPerJob() throws Exception {
        VARIANTS.forEach(v -> folders.awaitDone(v + ".json"));

        assertThat(folders.files(folders.outbox.resolve("fal-two"), "*.jpg")).extracting(p -> p.getFileName().toString())
                .as("two images of one request, typed by their content_type").containsExactly("001-1.jpg", "001-2.jpg");
        assertThat(folders.outbox.resolve("fal-video").resolve("001-1.mp4")).as("a video output").exists();
        assertThat(folders.json(folders.outbox.resolve("fal-video").resolve("001-1.mp4.json")).path("kind").asText())
                .isEqualTo("video");
        assertThat(folders.outbox.resolve("fal-429").resolve("001-1.png")).exists();

        assertFailed("fal-error-status", "Internal error while running the model");
        assertFailed("fal-422", "ensure this value is less than or equal to 4");
        assertFailed("fal-result-error", "image too large for this model");
        assertThat(folders.failedJob("fal-result-error.json").path("next_step").asText())
                .as("a refused result is the task's end, not a poll to try again").doesNotContain("may still finish");

        for (String variant : VARIANTS) {
            String path = variant.equals("fal-video") ? VIDEO_MODEL : DEV;
            assertThat(provider.count(variant, "POST", path)).as(variant + ": one submit, or one more after a 429")
                    .isEqualTo(variant.equals("fal-429") ? 2 : 1);
        }
        assertThat(provider.count("fal-two", "GET", APP + "r-two")).as("the status, then the result once")
                .isGreaterThanOrEqualTo(4);
        assertThat(provider.requestsOf("fal-two").stream().filter(r -> r.path().equals(APP + "r-two")).count())
                .as("the result is fetched once").isEqualTo(1);
        assertThat(provider.unscripted()).isEmpty();
        ScriptedProvider.Request submit = provider.requestsOf("fal-two").get(0);
        assertThat(submit.header("Authorization")).isEqualTo("Key " + TestKeys.FAL);
        JsonNode body = TestFolders.JSON.readTree(submit.body());
        assertThat(body.path("num_images").asInt()).as("a count goes in one request").isEqualTo(2);
        assertThat(body.path("image_size").path("width").asInt()).isEqualTo(1024);
        assertThat(body.path("image_size").path("height").asInt()).isEqualTo(768);
        assertThat(body.path("seed").asLong()).isEqualTo(7);
        assertThat(body.has("negative_prompt")).isFalse();
    }

    private void assertFailed(String variant, String message) throws IOException {
        JsonNode job = folders.failedJob(variant + ".json");
        assertThat(job.path("state").asText()).as(variant).isEqualTo("failed");
        assertThat(job.path("error").asText()).as(variant).contains(message);
    }
}
