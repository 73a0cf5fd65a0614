package dev.promptrelay;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.promptrelay.ScriptedProvider.json;
import static dev.promptrelay.ScriptedProvider.png;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhooks, with promptrelay.webhook.base-url set: each submit asks the provider to call back (Replicate's
 * {@code webhook} with its events filter, fal's {@code fal_webhook}); a genuine webhook, signed as Replicate signs
 * them, makes the task be polled at once, while without one the task would wait for the fallback poll (set here far
 * beyond the test's wait). A webhook is never believed: the output written is the one the poll reports. A forged one
 * (wrong token, wrong signature) and a replayed one change nothing.
 */
class WebhookIT extends RunningApplication {

    static final String TOKEN = "webhook-api-token";
    static final byte[] SIGNING_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final String SCHNELL = "/v1/models/black-forest-labs/flux-schnell/predictions";
    static TestFolders folders;
    static ScriptedProvider provider;
    static int port;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("webhook");
        provider = folders.scripted();
        port = TestFolders.freePort();
        folders.set("camel.server.enabled", "true");
        folders.set("camel.server.port", String.valueOf(port));
        folders.set("promptrelay.api.token", TOKEN);
        folders.set("promptrelay.webhook.base-url", "http://127.0.0.1:" + port);
        // without a webhook, the task would be polled only after this: far beyond every wait below
        folders.set("promptrelay.webhook.fallback-poll-seconds", "600");
        folders.set("promptrelay.replicate.webhook-secret", "whsec_" + Base64.getEncoder().encodeToString(SIGNING_KEY));
        provider.script("wh-replicate")
                .on("POST", SCHNELL, json(201, ReplicateContractIT.body("p-wh", "starting", "null", "null")))
                .on("GET", "/v1/predictions/p-wh", json(200, ReplicateContractIT.body("p-wh", "succeeded",
                        "[\"{base}/files/from-the-poll.png\"]", "null")))
                .on("GET", "/files/from-the-poll.png", png("from the poll"));
        provider.script("wh-fal")
                .on("POST", "/fal-ai/flux/dev", FalContractIT.submitted("r-wh", "/fal-ai/flux/requests/"))
                .on("GET", "/fal-ai/flux/requests/r-wh/status", FalContractIT.completed(""))
                .on("GET", "/fal-ai/flux/requests/r-wh", json(200, "{\"images\": [{\"url\": \"{base}/files/fal-wh.png\", "
                        + "\"content_type\": \"image/png\"}]}"))
                .on("GET", "/files/fal-wh.png", png("fal webhook"));
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
    void aGenuineWebhookEndsTheWaitAndAnyOtherChangesNothing() throws Exception {
        folders.drop("wh-replicate.json", "{\"provider\": \"replicate\", \"prompt\": \"wh-replicate: a lantern\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> provider.count("wh-replicate", "POST", SCHNELL) == 1);
        JsonNode submit = TestFolders.JSON.readTree(provider.requestsOf("wh-replicate").get(0).body());
        String hook = submit.path("webhook").asText();
        assertThat(hook).as("the job's own address").startsWith("http://127.0.0.1:" + port + "/api/webhooks/replicate/");
        assertThat(submit.path("webhook_events_filter").get(0).asText()).isEqualTo("completed");
        assertThat(hook).doesNotContain(TestKeys.REPLICATE);

        // what the webhook claims is not what is written: the poll's answer is
        String claim = ReplicateContractIT.body("p-wh", "succeeded", "[\"https://attacker.invalid/forged.png\"]", "null");
        assertThat(post(hook.replaceFirst("/[^/]+$", "/0123456789abcdef0123456789abcdef"), claim, sign(claim)).statusCode())
                .as("a forged address").isEqualTo(404);
        assertThat(post(hook, claim, Map.of("webhook-id", "msg_1", "webhook-timestamp", now(),
                "webhook-signature", "v1,AAAA")).statusCode()).as("a wrong signature").isEqualTo(404);
        assertThat(post(hook, claim, Map.of()).statusCode()).as("no signature, where Replicate signs").isEqualTo(404);
        assertThat(provider.count("wh-replicate", "GET", "/v1/predictions/p-wh")).as("nothing polled for them").isZero();

        HttpResponse<String> taken = post(hook, claim, sign(claim));
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(202);
        assertThat(TestFolders.JSON.readTree(taken.body()).path("polled_now").asBoolean()).isTrue();
        folders.awaitDone("wh-replicate.json");
        assertThat(folders.outbox.resolve("wh-replicate").resolve("001-1.png")).exists();
        assertThat(folders.json(folders.outbox.resolve("wh-replicate").resolve("001-1.png.json")).path("task_id").asText())
                .isEqualTo("p-wh");
        assertThat(provider.requestsOf("wh-replicate")).as("the output the poll named, never the webhook's")
                .anyMatch(r -> r.path().equals("/files/from-the-poll.png"));

        HttpResponse<String> replayed = post(hook, claim, sign(claim));
        assertThat(replayed.statusCode()).isEqualTo(202);
        assertThat(TestFolders.JSON.readTree(replayed.body()).path("polled_now").asBoolean()).as("nothing left to poll").isFalse();
        assertThat(provider.count("wh-replicate", "POST", SCHNELL)).as("one submit, whatever the webhooks").isEqualTo(1);
        assertThat(folders.files(folders.outbox.resolve("wh-replicate"), "*.png")).hasSize(1);
    }

    @Test
    void falIsAskedForItsWebhookInTheSubmitAddress() throws Exception {
        folders.drop("wh-fal.json", "{\"provider\": \"fal\", \"prompt\": \"wh-fal: a lantern\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> provider.count("wh-fal", "POST", "/fal-ai/flux/dev") == 1);
        ScriptedProvider.Request submit = provider.requestsOf("wh-fal").get(0);
        assertThat(submit.query()).startsWith("fal_webhook=");
        String hook = URLDecoder.decode(submit.query().substring("fal_webhook=".length()), StandardCharsets.UTF_8);
        assertThat(hook).startsWith("http://127.0.0.1:" + port + "/api/webhooks/fal/");
        HttpResponse<String> taken = post(hook, "{\"request_id\": \"r-wh\", \"gateway_request_id\": \"r-wh\", "
                                                + "\"status\": \"OK\", \"payload\": {\"images\": []}}", Map.of());
        assertThat(taken.statusCode()).as(taken.body()).isEqualTo(202);
        folders.awaitDone("wh-fal.json");
        assertThat(folders.outbox.resolve("wh-fal").resolve("001-1.png")).exists();
        assertThat(post(hook, "{\"request_id\": \"someone-else\"}", Map.of()).statusCode())
                .as("a webhook naming another task").isEqualTo(404);
    }

    private HttpResponse<String> post(String url, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Signed as Replicate signs its webhooks (Standard Webhooks: HMAC-SHA256 of id.timestamp.body). */
    private static Map<String, String> sign(String body) throws Exception {
        String id = "msg_" + System.nanoTime();
        String timestamp = now();
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SIGNING_KEY, "HmacSHA256"));
        String signature = Base64.getEncoder().encodeToString(mac.doFinal((id + "." + timestamp + "." + body)
                .getBytes(StandardCharsets.UTF_8)));
        return Map.of("webhook-id", id, "webhook-timestamp", timestamp, "webhook-signature", "v1," + signature);
    }

    private static String now() {
        return String.valueOf(Instant.now().getEpochSecond());
    }
}
