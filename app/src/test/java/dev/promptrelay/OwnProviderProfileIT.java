package dev.promptrelay;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.promptrelay.ScriptedProvider.json;
import static dev.promptrelay.ScriptedProvider.png;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider promptrelay has never seen, added as a user would: one YAML file in the providers folder, no Java, no
 * rebuild. Its answers nest their status, give a status address of their own, report progress in percent, name
 * their wait header differently and take a stop as DELETE; its jobs get the guarantees of every provider: one submit
 * each, the provider's wait honoured, outputs written, a cancel that stops the task there.
 */
class OwnProviderProfileIT extends RunningApplication {

    static final String PROFILE = """
            # Acme Images: written from its API page by a user
            name: Acme Images
            base-url: http://127.0.0.1:1/not-this-one
            auth:
              key-env: ACME_IMAGES_KEY_NOT_SET_IN_TESTS
              headers:
                X-Api-Key: "{key}"
                X-Client: "{setting:acme.client-id}"
            model: acme-v2
            models:
              acme-v2: {max-count: 2}
            max-concurrent: 3
            submit:
              path: /acme/v2/jobs
              body:
                request:
                  text: "{prompt}"
                  variations: "{count}"
                  seed: "{seed}"
                  model: "{model}"
              task-id: $.job.id
              poll-url: $.links.status
            poll:
              path: /acme/v2/jobs/{task_id}
            status:
              path: $.job.state
              queued: [waiting]
              running: [working]
              succeeded: [done]
              failed: [broken]
            progress: {path: $.job.percent, max: 100}
            outputs:
              path: $.job.files[*].href
              media-type: $.job.files[*].mime
            error: $.job.problem
            rate-limit:
              retry-after: X-Acme-Retry-In
            cancel:
              method: DELETE
              path: /acme/v2/jobs/{task_id}
            cost: {per-image: 0.04, unit: USD}
            """;
    static final String TOKEN = "own-profile-token";
    static final String SUBMIT = "/acme/v2/jobs";
    static TestFolders folders;
    static ScriptedProvider provider;
    static int port;
    static int managementPort;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("own-profile");
        provider = folders.scripted();
        Files.createDirectories(folders.providers);
        Files.writeString(folders.providers.resolve("acme.yaml"), PROFILE);
        folders.set("promptrelay.acme.base-url", provider.baseUrl());
        folders.set("promptrelay.acme.api-key", "acme-" + TestKeys.MARKER + "-key");
        folders.set("acme.client-id", "client-42");
        port = TestFolders.freePort();
        folders.set("camel.server.enabled", "true");
        folders.set("camel.server.port", String.valueOf(port));
        folders.set("promptrelay.api.token", TOKEN);
        managementPort = TestFolders.freePort();
        folders.set("camel.management.enabled", "true");
        folders.set("camel.management.port", String.valueOf(managementPort));

        provider.script("acme-two")
                .on("POST", SUBMIT, json(202, "{\"job\": {\"id\": \"a-two\", \"state\": \"waiting\"}, "
                                              + "\"links\": {\"status\": \"{base}/acme/status/a-two\"}}"))
                .on("GET", "/acme/status/a-two", state("a-two", "waiting", ""), state("a-two", "working", ", \"percent\": 40"),
                        state("a-two", "done", ", \"percent\": 100, \"files\": [{\"href\": \"{base}/files/a-two-1\", \"mime\": "
                                               + "\"image/jpeg\"}, {\"href\": \"{base}/files/a-two-2\", \"mime\": \"image/png\"}]"))
                .on("GET", "/files/a-two-1", png("acme 1"))
                .on("GET", "/files/a-two-2", png("acme 2"));
        provider.script("acme-wait")
                .on("POST", SUBMIT, json(429, "{\"job\": {\"problem\": \"slow down\"}}", "X-Acme-Retry-In", "2"),
                        json(202, "{\"job\": {\"id\": \"a-wait\", \"state\": \"waiting\"}}"))
                .on("GET", "/acme/v2/jobs/a-wait", state("a-wait", "done", ", \"files\": [{\"href\": \"{base}/files/a-wait\"}]"))
                .on("GET", "/files/a-wait", png("acme wait"));
        provider.script("acme-broken")
                .on("POST", SUBMIT, json(202, "{\"job\": {\"id\": \"a-broken\", \"state\": \"waiting\"}}"))
                .on("GET", "/acme/v2/jobs/a-broken", state("a-broken", "broken", ", \"problem\": \"the model ran out of memory\""));
        provider.script("acme-stop")
                .on("POST", SUBMIT, json(202, "{\"job\": {\"id\": \"a-stop\", \"state\": \"waiting\"}}"))
                .on("GET", "/acme/v2/jobs/a-stop", state("a-stop", "working", ", \"percent\": 1"))
                .on("DELETE", "/acme/v2/jobs/a-stop", json(200, "{\"job\": {\"id\": \"a-stop\", \"state\": \"stopping\"}}"));
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    static ScriptedProvider.Answer state(String id, String state, String more) {
        return json(200, "{\"job\": {\"id\": \"" + id + "\", \"state\": \"" + state + "\"" + more + "}}");
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void aProviderWrittenInOneYamlFileRunsWithTheGuaranteesOfEveryProvider() throws Exception {
        folders.drop("acme-two.json", "{\"provider\": \"acme\", \"prompt\": \"acme-two: a paper lantern\", \"count\": 2, "
                                      + "\"seed\": 5}");
        folders.drop("acme-wait.json", "{\"provider\": \"acme\", \"prompt\": \"acme-wait: a paper lantern\"}");
        folders.drop("acme-broken.json", "{\"provider\": \"acme\", \"prompt\": \"acme-broken: a paper lantern\"}");
        for (String file : List.of("acme-two.json", "acme-wait.json", "acme-broken.json")) {
            folders.awaitDone(file);
        }

        assertThat(folders.files(folders.outbox.resolve("acme-two"), "*.*")).extracting(p -> p.getFileName().toString())
                .as("two outputs of one task, typed by the media types the answer gave")
                .contains("001-1.jpg", "001-2.png");
        assertThat(folders.outbox.resolve("acme-wait").resolve("001-1.png")).exists();
        JsonNode broken = folders.failedJob("acme-broken.json");
        assertThat(broken.path("error").asText()).contains("Acme Images").contains("the model ran out of memory");

        assertThat(provider.count("acme-two", "POST", SUBMIT)).isEqualTo(1);
        assertThat(provider.count("acme-broken", "POST", SUBMIT)).isEqualTo(1);
        List<ScriptedProvider.Request> waits = provider.requestsOf("acme-wait").stream()
                .filter(r -> r.method().equals("POST")).toList();
        assertThat(waits).as("refused once, then taken once").hasSize(2);
        assertThat(Duration.ofNanos(waits.get(1).receivedNanos() - waits.get(0).receivedNanos()))
                .as("the wait the provider's own header asked for (X-Acme-Retry-In: 2)").isGreaterThanOrEqualTo(Duration.ofMillis(1900));
        assertThat(provider.requestsOf("acme-two")).as("polled at the status address its answer gave")
                .anyMatch(r -> r.path().equals("/acme/status/a-two"))
                .noneMatch(r -> r.path().equals("/acme/v2/jobs/a-two"));
        ScriptedProvider.Request submit = provider.requestsOf("acme-two").get(0);
        assertThat(submit.header("X-Api-Key")).isEqualTo("acme-" + TestKeys.MARKER + "-key");
        assertThat(submit.header("X-Client")).as("a header from a setting").isEqualTo("client-42");
        JsonNode sent = TestFolders.JSON.readTree(submit.body()).path("request");
        assertThat(sent.path("variations").asInt()).isEqualTo(2);
        assertThat(sent.path("seed").asLong()).isEqualTo(5);
        assertThat(sent.path("model").asText()).isEqualTo("acme-v2");
        assertThat(provider.unscripted()).isEmpty();

        JsonNode request = null;
        for (JsonNode r : body(send("GET", "/api/jobs?limit=50")).path("jobs")) {
            if (r.path("name").asText().equals("acme-two.json")) {
                request = r;
            }
        }
        assertThat(request).isNotNull();
        assertThat(request.path("costs").path("USD").asDouble()).as("the profile's price, for two images")
                .isCloseTo(0.08, org.assertj.core.data.Offset.offset(1e-9));
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/observe/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).as("what the provider's jobs cost, in its unit: three images at 0.04").containsPattern(
                "promptrelay_cost_total\\{[^}]*provider=\"acme\",unit=\"USD\"} 0\\.12");
        JsonNode listed = null;
        for (JsonNode p : body(send("GET", "/api/providers")).path("providers")) {
            if (p.path("id").asText().equals("acme")) {
                listed = p;
            }
        }
        assertThat(listed).as("GET /api/providers lists the user's provider").isNotNull();
        assertThat(listed.path("profile").asText()).isEqualTo("providers/acme.yaml");
        assertThat(listed.path("key_set").asBoolean()).isTrue();
        assertThat(listed.path("stops_tasks").asBoolean()).isTrue();
        assertThat(listed.path("max_concurrent").asInt()).as("from the profile").isEqualTo(3);
    }

    @Test
    void aCancelStopsTheTaskAtTheProviderAndSaysSo() throws Exception {
        HttpResponse<String> posted = send("POST", "/api/jobs", "{\"provider\": \"acme\", \"prompt\": \"acme-stop: a lantern\"}");
        assertThat(posted.statusCode()).isEqualTo(202);
        String id = body(posted).path("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> provider.count("acme-stop", "GET", "/acme/v2/jobs/a-stop") > 0);

        HttpResponse<String> cancelled = send("DELETE", "/api/jobs/" + id);
        assertThat(cancelled.statusCode()).isEqualTo(200);
        JsonNode reply = body(cancelled);
        assertThat(reply.path("no_longer_polled").get(0).asText()).isEqualTo("a-stop");
        assertThat(reply.path("stopped_at_provider").get(0).asText()).contains("a-stop").contains("answered HTTP 200");
        assertThat(provider.count("acme-stop", "DELETE", "/acme/v2/jobs/a-stop")).as("asked to stop once").isEqualTo(1);
        ScriptedProvider.Request stop = provider.requestsOf("acme-stop").stream().filter(r -> r.method().equals("DELETE"))
                .findFirst().orElseThrow();
        assertThat(stop.header("X-Api-Key")).as("the stop is signed in like every call").isNotBlank();
        assertThat(body(send("GET", "/api/jobs/" + id)).path("state").asText()).isEqualTo("cancelled");
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return send(method, path, null);
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode body(HttpResponse<String> response) throws IOException {
        return TestFolders.JSON.readTree(response.body());
    }
}
