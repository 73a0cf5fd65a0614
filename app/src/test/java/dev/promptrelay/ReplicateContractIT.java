package dev.promptrelay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.promptrelay.ScriptedProvider.json;
import static dev.promptrelay.ScriptedProvider.png;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replicate, from the profile promptrelay ships (promptrelay/providers/replicate.yaml), against answers in the forms
 * Replicate's HTTP API documents: a prediction created (201) with its {@code urls.get}, polled through
 * {@code starting}, {@code processing} to {@code succeeded} with a list of output URLs (or one), {@code failed} with its
 * error, {@code canceled}; a 422 with {@code detail}; a 429 with Retry-After; a 402 for missing credit.
 */
class ReplicateContractIT extends RunningApplication {

    static final String SCHNELL = "/v1/models/black-forest-labs/flux-schnell/predictions";
    static final List<String> VARIANTS = List.of("rp-two", "rp-one-url", "rp-failed", "rp-canceled", "rp-422", "rp-429",
            "rp-402");
    static TestFolders folders;
    static ScriptedProvider provider;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("replicate-contract");
        provider = folders.scripted();
        folders.set("promptrelay.provider", "replicate");
        prediction("rp-two", "p-two", status("p-two", "starting", "null"), status("p-two", "processing", "null"),
                succeeded("p-two", "[\"{base}/files/rp-two-0.webp\", \"{base}/files/rp-two-1.webp\"]"));
        prediction("rp-one-url", "p-one", succeeded("p-one", "\"{base}/files/rp-one-url-0.png\""));
        prediction("rp-failed", "p-failed", status("p-failed", "processing", "null"),
                json(200, body("p-failed", "failed", "null", "\"NSFW content detected. Try running it again, or try a different prompt.\"")));
        prediction("rp-canceled", "p-canceled", json(200, body("p-canceled", "canceled", "null", "null")));
        provider.script("rp-422").on("POST", SCHNELL, json(422, "{\"detail\": \"- input.aspect_ratio: input.aspect_ratio must "
                + "be one of the following: \\\"1:1\\\", \\\"16:9\\\"\", \"status\": 422, \"title\": \"Input validation failed\", "
                + "\"invalid_fields\": [{\"type\": \"enum\", \"field\": \"input.aspect_ratio\"}]}"));
        provider.script("rp-429").on("POST", SCHNELL,
                json(429, "{\"detail\": \"Request was throttled. Expected available in 1 second.\", \"status\": 429, "
                          + "\"title\": \"Request was throttled\"}", "Retry-After", "1"),
                json(201, body("p-429", "starting", "null", "null")))
                .on("GET", "/v1/predictions/p-429", succeeded("p-429", "[\"{base}/files/rp-429-0.webp\"]"))
                .on("GET", "/files/rp-429-0.webp", png("rp-429"));
        provider.script("rp-402").on("POST", SCHNELL, json(402, "{\"title\": \"Insufficient credit\", \"detail\": \"You have "
                + "insufficient credit to run this model. Go to https://replicate.com/account/billing to purchase credit.\", "
                + "\"status\": 402}"));
        folders.drop("rp-two.json", "{\"prompt\": \"rp-two: a paper lantern\", \"count\": 2, \"seed\": 7, "
                                    + "\"aspect_ratio\": \"16:9\", \"extra\": {\"go_fast\": true}}");
        for (String variant : VARIANTS.subList(1, VARIANTS.size())) {
            folders.drop(variant + ".json", "{\"prompt\": \"" + variant + ": a paper lantern\"}");
        }
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    static void prediction(String marker, String id, ScriptedProvider.Answer... polls) {
        provider.script(marker)
                .on("POST", SCHNELL, json(201, body(id, "starting", "null", "null")))
                .on("GET", "/v1/predictions/" + id, polls)
                .on("GET", "/files/" + marker + "-0.webp", png(marker))
                .on("GET", "/files/" + marker + "-1.webp", png(marker + " 2"))
                .on("GET", "/files/" + marker + "-0.png", png(marker));
    }

    static ScriptedProvider.Answer status(String id, String status, String output) {
        return json(200, body(id, status, output, "null"));
    }

    static ScriptedProvider.Answer succeeded(String id, String output) {
        return json(200, body(id, "succeeded", output, "null").replace("\"metrics\": {}", "\"metrics\": {\"predict_time\": 1.42, \"total_time\": 1.9}"));
    }

    /** A prediction as Replicate answers it, at every step of its life. */
    static String body(String id, String status, String output, String error) {
        return "{\"id\": \"" + id + "\", \"model\": \"black-forest-labs/flux-schnell\", \"version\": \"dp-4d0bcc010b3049749a251855f12800be\", "
               + "\"input\": {\"prompt\": \"...\"}, \"logs\": \"\", \"output\": " + output + ", \"data_removed\": false, "
               + "\"error\": " + error + ", \"status\": \"" + status + "\", \"created_at\": \"2026-12-07T10:00:00.000Z\", "
               + "\"metrics\": {}, \"urls\": {\"cancel\": \"{base}/v1/predictions/" + id + "/cancel\", \"get\": \"{base}/v1/predictions/"
               + id + "\", \"stream\": \"https://stream.replicate.com/v1/files/" + id + "\", \"web\": \"https://replicate.com/p/" + id + "\"}}";
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void everyAnswerReachesItsOutcomeWithOneSubmitPerJob() throws Exception {
        VARIANTS.forEach(v -> folders.awaitDone(v + ".json"));

        assertThat(folders.files(folders.outbox.resolve("rp-two"), "*.webp")).extracting(p -> p.getFileName().toString())
                .as("two outputs of one prediction, named as the provider's files end")
                .containsExactly("001-1.webp", "001-2.webp");
        assertThat(folders.outbox.resolve("rp-one-url").resolve("001-1.png")).as("an output given as one URL").exists();
        assertThat(folders.outbox.resolve("rp-429").resolve("001-1.webp")).exists();

        assertFailed("rp-failed", "NSFW content detected", null);
        assertFailed("rp-canceled", "canceled", null);
        assertFailed("rp-422", "input.aspect_ratio must be one of the following", null);
        assertFailed("rp-402", "insufficient credit", null);

        for (String variant : VARIANTS) {
            assertThat(provider.count(variant, "POST", SCHNELL)).as(variant + ": one submit, or one more after a 429")
                    .isEqualTo(variant.equals("rp-429") ? 2 : 1);
        }
        assertThat(provider.unscripted()).isEmpty();
        ScriptedProvider.Request submit = provider.requestsOf("rp-two").get(0);
        assertThat(submit.header("Authorization")).isEqualTo("Bearer " + TestKeys.REPLICATE);
        JsonNode input = TestFolders.JSON.readTree(submit.body()).path("input");
        assertThat(input.path("prompt").asText()).isEqualTo("rp-two: a paper lantern");
        assertThat(input.path("num_outputs").asInt()).as("a count goes in one prediction").isEqualTo(2);
        assertThat(input.path("seed").asLong()).isEqualTo(7);
        assertThat(input.path("aspect_ratio").asText()).isEqualTo("16:9");
        assertThat(input.path("go_fast").asBoolean()).as("a prompt file's extra fields are the model's inputs").isTrue();
        assertThat(input.has("width")).as("a field the job does not set is not sent").isFalse();
        JsonNode sidecar = folders.json(folders.outbox.resolve("rp-two").resolve("001-1.webp.json"));
        assertThat(sidecar.path("provider").asText()).isEqualTo("replicate");
        assertThat(sidecar.path("task_id").asText()).isEqualTo("p-two");
        assertThat(sidecar.path("cost").path("amount").asDouble()).as("the seconds Replicate bills").isEqualTo(1.42);
        assertThat(sidecar.path("cost").path("unit").asText()).isEqualTo("seconds");
        JsonNode summary = folders.json(folders.outbox.resolve("rp-two.summary.json"));
        assertThat(summary.path("jobs").get(0).path("cost").path("amount").asDouble()).isEqualTo(1.42);
    }

    private void assertFailed(String variant, String message, String nextStep) throws IOException {
        JsonNode job = folders.failedJob(variant + ".json");
        assertThat(job.path("state").asText()).as(variant).isEqualTo("failed");
        assertThat(job.path("error").asText()).as(variant).containsIgnoringCase(message);
        assertThat(job.path("next_step").asText()).as(variant).contains(nextStep == null ? "" : nextStep);
    }
}
