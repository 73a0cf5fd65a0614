package dev.promptrelay;

import java.io.IOException;
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
 * Black Forest Labs, from the profile promptrelay ships (promptrelay/providers/bfl.yaml), against answers in the forms
 * BFL documents: a task created with {@code id} and a regional {@code polling_url}, polled through {@code Pending}
 * with progress to {@code Ready} with {@code result.sample}; {@code Content Moderated}, {@code Error}; {@code Task not
 * found}; a 402 for missing credits; a 429 beyond the active tasks allowed. One task answers without a polling URL and
 * is polled at {@code /v1/get_result?id=}.
 */
class BflContractIT extends RunningApplication {

    static final String PRO = "/v1/flux-pro-1.1";
    static final List<String> VARIANTS = List.of("bfl-ready", "bfl-no-polling-url", "bfl-moderated", "bfl-error",
            "bfl-not-found", "bfl-402", "bfl-429");
    static TestFolders folders;
    static ScriptedProvider provider;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("bfl-contract");
        provider = folders.scripted();
        folders.set("promptrelay.poll.not-found-grace-seconds", "0");
        task("bfl-ready", "t-ready", poll("t-ready", "Pending", "0.2", null), poll("t-ready", "Pending", "0.7", null),
                poll("t-ready", "Ready", "null", "{base}/files/bfl-ready.png?se=2026-12-07T10%3A10%3A00Z&sig=abc"));
        provider.script("bfl-no-polling-url")
                .on("POST", PRO, json(200, "{\"id\": \"t-plain\", \"cost\": 4.0}"))
                .on("GET", "/v1/get_result?id=t-plain", poll("t-plain", "Ready", "null", "{base}/files/bfl-plain.png"))
                .on("GET", "/files/bfl-plain.png", png("bfl-plain"));
        task("bfl-moderated", "t-mod", json(200, "{\"id\": \"t-mod\", \"status\": \"Content Moderated\", \"result\": null, "
                + "\"progress\": null, \"details\": {\"Moderation Reasons\": [\"Derivative Works Filter\"]}}"));
        task("bfl-error", "t-err", poll("t-err", "Error", "null", null));
        task("bfl-not-found", "t-gone", poll("t-gone", "Task not found", "null", null));
        provider.script("bfl-402").on("POST", PRO, json(402, "{\"detail\": \"Insufficient credits. Visit https://api.bfl.ai "
                + "to add credits.\"}"));
        provider.script("bfl-429").on("POST", PRO,
                json(429, "{\"detail\": \"You have exceeded the number of active tasks. Please wait for some tasks to "
                          + "complete.\"}", "Retry-After", "1"),
                json(200, "{\"id\": \"t-429\", \"polling_url\": \"{base}/us1/v1/get_result?id=t-429\"}"))
                .on("GET", "/us1/v1/get_result?id=t-429", poll("t-429", "Ready", "null", "{base}/files/bfl-429.png"))
                .on("GET", "/files/bfl-429.png", png("bfl-429"));
        folders.drop("bfl-ready.json", "{\"provider\": \"bfl\", \"prompt\": \"bfl-ready: a paper lantern\", \"width\": 1024, "
                                       + "\"height\": 768, \"seed\": 42}");
        for (String variant : VARIANTS.subList(1, VARIANTS.size())) {
            folders.drop(variant + ".json", "{\"provider\": \"bfl\", \"prompt\": \"" + variant + ": a paper lantern\"}");
        }
        folders.drop("bfl-too-wide.json", "{\"provider\": \"bfl\", \"prompt\": \"bfl-too-wide\", \"width\": 4096, "
                                          + "\"height\": 1024}");
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    static void task(String marker, String id, ScriptedProvider.Answer... polls) {
        provider.script(marker)
                .on("POST", PRO, json(200, "{\"id\": \"" + id + "\", \"polling_url\": \"{base}/eu1/v1/get_result?id=" + id
                                           + "\", \"cost\": 4.0, \"input_mp\": 0, \"output_mp\": 0.79}"))
                .on("GET", "/eu1/v1/get_result?id=" + id, polls)
                .on("GET", "/files/" + marker + ".png", png(marker));
    }

    static ScriptedProvider.Answer poll(String id, String status, String progress, String sample) {
        String result = sample == null ? "null" : "{\"sample\": \"" + sample + "\", \"prompt\": \"...\", \"seed\": 42, "
                                                  + "\"start_time\": 1765101600.1, \"end_time\": 1765101604.2, \"duration\": 4.1}";
        return json(200, "{\"id\": \"" + id + "\", \"status\": \"" + status + "\", \"result\": " + result + ", \"progress\": "
                         + progress + ", \"details\": null, \"preview\": null}");
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void everyAnswerReachesItsOutcomeWithOneSubmitPerJob() throws Exception {
        VARIANTS.forEach(v -> folders.awaitDone(v + ".json"));

        assertThat(folders.outbox.resolve("bfl-ready").resolve("001-1.png")).as("result.sample, its signed query kept").exists();
        assertThat(folders.outbox.resolve("bfl-no-polling-url").resolve("001-1.png")).as("polled at get_result?id=").exists();
        assertThat(folders.outbox.resolve("bfl-429").resolve("001-1.png")).exists();
        assertThat(provider.requestsOf("bfl-ready").stream().filter(r -> r.path().equals("/files/bfl-ready.png")).count())
                .isEqualTo(1);
        JsonNode cost = folders.json(folders.outbox.resolve("bfl-ready").resolve("001-1.png.json")).path("cost");
        assertThat(cost.path("amount").asDouble()).as("the credits the submit's answer named").isEqualTo(4.0);
        assertThat(cost.path("unit").asText()).isEqualTo("credits");

        assertFailed("bfl-moderated", "Derivative Works Filter");
        assertFailed("bfl-error", "gave no reason");
        assertFailed("bfl-not-found", "does not know this task");
        assertFailed("bfl-402", "Insufficient credits");

        for (String variant : VARIANTS) {
            assertThat(provider.count(variant, "POST", PRO)).as(variant + ": one submit, or one more after a 429")
                    .isEqualTo(variant.equals("bfl-429") ? 2 : 1);
        }
        assertThat(provider.unscripted()).isEmpty();
        ScriptedProvider.Request submit = provider.requestsOf("bfl-ready").get(0);
        assertThat(submit.header("x-key")).isEqualTo(TestKeys.BFL);
        assertThat(submit.header("Authorization")).isNull();
        JsonNode body = TestFolders.JSON.readTree(submit.body());
        assertThat(body.path("width").asInt()).isEqualTo(1024);
        assertThat(body.path("seed").asLong()).isEqualTo(42);
        assertThat(body.path("output_format").asText()).as("a constant of the profile").isEqualTo("png");

        // a job beyond the model's size is refused before anything is paid for, naming its line and field
        folders.awaitDone("bfl-too-wide.json");
        assertThat(provider.unscripted()).as("nothing was sent for it").isEmpty();
        JsonNode refused = folders.json(folders.failed.resolve("bfl-too-wide.json.error.json"));
        assertThat(refused.toString()).contains("width").contains("1440");
    }

    private void assertFailed(String variant, String message) throws IOException {
        JsonNode job = folders.failedJob(variant + ".json");
        assertThat(job.path("state").asText()).as(variant).isEqualTo("failed");
        assertThat(job.path("error").asText()).as(variant).contains(message);
    }
}
