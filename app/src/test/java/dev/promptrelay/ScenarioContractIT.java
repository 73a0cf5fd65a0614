package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.promptrelay.ScriptedProvider.json;
import static dev.promptrelay.ScriptedProvider.png;
import static dev.promptrelay.ScriptedProvider.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every Scenario answer shape in PROVIDERS.md, scripted over loopback HTTP and driven through the real routes: job ids
 * as jobId or id, every status word, assets resolved right before download and once more when a link is refused,
 * errors read from reason, then message, then the raw body.
 */
class ScenarioContractIT extends RunningApplication {

    static final String SUBMIT = "/v1/generate/custom/flux.1-dev";
    static final String CDN_REFUSAL = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code></Error>";
    static TestFolders folders;
    static ScriptedProvider provider;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("scenario-contract");
        provider = folders.scripted();
        job("sc-job-id", "{\"job\": {\"jobId\": \"job_a1\", \"jobType\": \"flux\", \"status\": \"queued\"}}", "job_a1",
                status("queued", 0), status("warming-up", 0), status("in-progress", 0.5), status("finalizing", 1),
                success("asset_a1x", "asset_a1y"));
        assets("sc-job-id", "asset_a1x", "asset_a1y");
        job("sc-id", "{\"job\": {\"id\": \"job_b1\", \"status\": \"queued\"}}", "job_b1", status("pending", 0),
                success("asset_b1"));
        assets("sc-id", "asset_b1");
        job("sc-failure", queued("job_c1"), "job_c1", status("in-progress", 0.2), json(200,
                "{\"job\": {\"jobId\": \"job_c1\", \"status\": \"failure\", \"metadata\": {\"error\": \"NSFW content detected\"}}}"));
        job("sc-failed-word", queued("job_d1"), "job_d1", status("failed", 0));
        job("sc-canceled", queued("job_e1"), "job_e1", status("canceled", 0));
        job("sc-unknown-word", queued("job_f1"), "job_f1", status("rescheduled", 0), success("asset_f1"));
        assets("sc-unknown-word", "asset_f1");
        // a signed link that expired before the download: a fresh one is asked for, once
        job("sc-expired-link", queued("job_g1"), "job_g1", success("asset_g1"));
        provider.script("sc-expired-link").on("GET", "/v1/assets/asset_g1", link("asset_g1"))
                .on("GET", "/cdn/asset_g1.png", text(403, CDN_REFUSAL), png("sc-expired-link"));
        job("sc-link-refused-twice", queued("job_h1"), "job_h1", success("asset_h1"));
        provider.script("sc-link-refused-twice").on("GET", "/v1/assets/asset_h1", link("asset_h1"))
                .on("GET", "/cdn/asset_h1.png", text(403, CDN_REFUSAL));
        provider.script("sc-reason").on("POST", SUBMIT, json(400, "{\"reason\": \"negativePrompt is not supported by this model\"}"));
        provider.script("sc-message").on("POST", SUBMIT, json(400, "{\"message\": \"Invalid body: numSamples\"}"));
        provider.script("sc-plain").on("POST", SUBMIT, text(403, "Forbidden: model not in plan"));
        provider.script("sc-429").on("POST", SUBMIT, json(429, "{\"reason\": \"Too many concurrent jobs\", "
                + "\"details\": {\"actionName\": \"generate\", \"actionLimit\": 3}}", "Retry-After", "1"), json(200, queued("job_i1")))
                .on("GET", "/v1/jobs/job_i1", success("asset_i1"));
        assets("sc-429", "asset_i1");
        for (String variant : VARIANTS) {
            folders.drop(variant + ".json", "{\"provider\": \"scenario\", \"model\": \"flux.1-dev\", \"prompt\": \""
                                            + variant + ": a castle\", \"width\": 1024, \"height\": 768"
                                            + (variant.equals("sc-job-id") ? ", \"count\": 2" : "") + "}");
        }
    }

    static final List<String> VARIANTS = List.of("sc-job-id", "sc-id", "sc-failure", "sc-failed-word", "sc-canceled",
            "sc-unknown-word", "sc-expired-link", "sc-link-refused-twice", "sc-reason", "sc-message", "sc-plain", "sc-429");

    @AfterAll
    static void stop() {
        provider.close();
    }

    static void job(String marker, String submitAnswer, String jobId, ScriptedProvider.Answer... polls) {
        provider.script(marker).on("POST", SUBMIT, json(200, submitAnswer)).on("GET", "/v1/jobs/" + jobId, polls);
    }

    static String queued(String jobId) {
        return "{\"job\": {\"jobId\": \"" + jobId + "\", \"jobType\": \"flux\", \"status\": \"queued\"}}";
    }

    static ScriptedProvider.Answer status(String word, double progress) {
        return json(200, "{\"job\": {\"status\": \"" + word + "\", \"progress\": " + progress + "}}");
    }

    static ScriptedProvider.Answer success(String... assetIds) {
        return json(200, "{\"job\": {\"jobId\": \"j\", \"jobType\": \"flux\", \"status\": \"success\", \"progress\": 1, "
                         + "\"metadata\": {\"input\": {\"modelId\": \"flux.1-dev\"}, \"assetIds\": [\""
                         + String.join("\", \"", assetIds) + "\"]}, \"statusHistory\": [], "
                         + "\"createdAt\": \"2025-06-20T15:30:05.356Z\", \"updatedAt\": \"2025-06-20T15:30:11.734Z\"}}");
    }

    static ScriptedProvider.Answer link(String assetId) {
        return json(200, "{\"asset\": {\"id\": \"" + assetId + "\", \"url\": \"{base}/cdn/" + assetId
                         + ".png?Policy=p&Key-Pair-Id=k&Signature=s\", \"mimeType\": \"image/png\", \"type\": \"image\", \"metadata\": {}}}");
    }

    static void assets(String marker, String... assetIds) {
        for (String assetId : assetIds) {
            provider.script(marker).on("GET", "/v1/assets/" + assetId, link(assetId))
                    .on("GET", "/cdn/" + assetId + ".png", png(assetId));
        }
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void everyVariantReachesItsOutcomeWithOneSubmitPerJob() throws Exception {
        VARIANTS.forEach(v -> folders.awaitDone(v + ".json"));

        assertThat(folders.files(folders.outbox.resolve("sc-job-id"), "*.png")).extracting(p -> p.getFileName().toString())
                .as("both samples of one job").containsExactly("001-1.png", "001-2.png");
        for (String variant : List.of("sc-id", "sc-unknown-word", "sc-expired-link", "sc-429")) {
            assertThat(folders.outbox.resolve(variant).resolve("001-1.png")).as(variant).exists();
        }
        assertThat(provider.count("sc-expired-link", "GET", "/v1/assets/")).as("a fresh link after the refusal").isEqualTo(2);
        assertThat(provider.count("sc-expired-link", "GET", "/cdn/")).isEqualTo(2);
        assertThat(provider.count("sc-link-refused-twice", "GET", "/v1/assets/")).as("re-resolved once only").isEqualTo(2);

        assertFailed("sc-failure", "NSFW content detected", null);
        assertFailed("sc-failed-word", "failed", null);
        assertFailed("sc-canceled", "canceled", null);
        assertFailed("sc-link-refused-twice", "HTTP 403", null);
        assertFailed("sc-reason", "negativePrompt is not supported by this model", null);
        assertFailed("sc-message", "Invalid body: numSamples", null);
        assertFailed("sc-plain", "Forbidden: model not in plan", "plan");

        for (String variant : VARIANTS) {
            assertThat(provider.count(variant, "POST", SUBMIT)).as(variant + ": one submit, or one more after a 429")
                    .isEqualTo(variant.equals("sc-429") ? 2 : 1);
        }
        assertThat(provider.unscripted()).isEmpty();
        String basic = TestKeys.scenarioBasic();
        for (ScriptedProvider.Request request : provider.requestsOf("sc-job-id")) {
            assertThat(request.header("Authorization")).as(request.path())
                    .isEqualTo(request.path().startsWith("/cdn/") ? null : basic);
        }
        JsonNode body = TestFolders.JSON.readTree(provider.requestsOf("sc-job-id").get(0).body());
        assertThat(body.path("width").asInt()).isEqualTo(1024);
        assertThat(body.path("numSamples").asInt()).isEqualTo(2);
    }

    private void assertFailed(String variant, String message, String nextStep) throws IOException {
        JsonNode job = folders.failedJob(variant + ".json");
        assertThat(job.path("state").asText()).as(variant).isEqualTo("failed");
        assertThat(job.path("error").asText()).as(variant).contains(message);
        assertThat(job.path("next_step").asText()).as(variant).contains(nextStep == null ? "" : nextStep);
    }
}
