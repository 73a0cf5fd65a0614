package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP API on Camel's embedded server: a posted job is followed to its files; bad requests get the same messages
 * as bad prompt files and cost nothing; with a token set, calls without it are refused.
 */
class ApiIT extends RunningApplication {

    static final String TOKEN = "api-token-for-tests";
    static TestFolders folders;
    static int port;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("api");
        port = TestFolders.freePort();
        folders.set("camel.server.enabled", "true");
        folders.set("camel.server.port", String.valueOf(port));
        folders.set("promptrelay.api.token", TOKEN);
    }


    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void aPostedJobIsFollowedToSucceededAndItsFiles() throws Exception {
        HttpResponse<String> posted = send("POST", "/api/jobs",
                "{\"provider\": \"modelscope\", \"prompt\": \"a kite over the dunes\", \"seed\": 5}", TOKEN);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        String id = TestFolders.JSON.readTree(posted.body()).path("id").asText();

        await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("succeeded"));
        JsonNode job = TestFolders.JSON.readTree(send("GET", "/api/jobs/" + id, null, TOKEN).body());
        String output = job.path("outputs").get(0).asText();
        assertThat(Path.of(output)).exists().hasFileName("001-1.png");
        assertThat(job.path("jobs").get(0).path("task_id").asText()).isNotBlank();

        JsonNode listed = TestFolders.JSON.readTree(send("GET", "/api/jobs?state=succeeded", null, TOKEN).body());
        assertThat(listed.path("jobs").findValuesAsText("id")).contains(id);
        assertThat(send("GET", "/api/jobs/no-such-id", null, TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void badRequestsAreExplainedAndCostNothing() throws Exception {
        long submitsBefore = folders.stats().get("submits");
        var failedBefore = folders.files(folders.failed, "*");
        HttpResponse<String> broken = send("POST", "/api/jobs", "{\"prompt\": ", TOKEN);
        assertThat(broken.statusCode()).isEqualTo(400);
        assertThat(broken.body()).contains("the JSON is not valid");
        HttpResponse<String> empty = send("POST", "/api/jobs", "", TOKEN);
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(TestFolders.JSON.readTree(empty.body()).path("error").asText()).isEqualTo("the request has no body");
        assertThat(TestFolders.JSON.readTree(empty.body()).path("what_to_do").asText()).contains("{\"prompt\": ");
        HttpResponse<String> unknownField = send("POST", "/api/jobs", "{\"prompt\": \"a fox\", \"sise\": \"1024x1024\"}", TOKEN);
        assertThat(unknownField.statusCode()).isEqualTo(400);
        JsonNode error = TestFolders.JSON.readTree(unknownField.body());
        assertThat(error.path("field").asText()).isEqualTo("sise");
        assertThat(error.path("what_to_do").asText()).isNotBlank();
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs"))
                .POST(HttpRequest.BodyPublishers.ofString("prompt=a+fox")).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/x-www-form-urlencoded").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).as("a form, as curl -d sends it").isEqualTo(415);
        assertThat(TestFolders.JSON.readTree(form.body()).path("what_to_do").asText()).contains("application/json");
        assertThat(send("POST", "/api/jobs", "{\"prompt\": \"a fox\"}", null).statusCode()).as("no token").isEqualTo(401);
        assertThat(send("GET", "/api/jobs", null, "wrong").statusCode()).isEqualTo(401);
        assertThat(folders.stats().get("submits")).isEqualTo(submitsBefore);
        assertThat(folders.files(folders.failed, "*")).as("a bad request is the caller's to fix, not a failed file")
                .containsExactlyInAnyOrderElementsOf(failedBefore);
        try (java.util.stream.Stream<java.nio.file.Path> held = Files.walk(folders.root.resolve("state").resolve("in-progress"))) {
            assertThat(held.filter(Files::isRegularFile)).as("nothing held").isEmpty();
        }
    }

    @Test
    void theProvidersAreListedWithWhoAnswersThemTheirCapsAndBreakersNeverTheirKeys() throws Exception {
        HttpResponse<String> listed = send("GET", "/api/providers", null, TOKEN);
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        JsonNode providers = TestFolders.JSON.readTree(listed.body()).path("providers");
        assertThat(providers.findValuesAsText("id")).as("built in, then the shipped profiles")
                .containsExactly("modelscope", "modellix", "scenario", "bfl", "fal", "openai", "replicate");
        JsonNode replicate = providers.get(6);
        assertThat(replicate.path("answered_by").asText()).as("no key, no sandbox for a profile").isEqualTo("nobody");
        assertThat(replicate.path("key_set").asBoolean()).isFalse();
        assertThat(replicate.path("key_from").asText()).contains("REPLICATE_API_TOKEN");
        assertThat(replicate.path("profile").asText()).isEqualTo("promptrelay/providers/replicate.yaml");
        assertThat(replicate.path("stops_tasks").asBoolean()).isTrue();
        JsonNode modelScope = providers.get(0);
        assertThat(modelScope.path("answered_by").asText()).isEqualTo("sandbox");
        assertThat(modelScope.path("default_model").asText()).isNotBlank();
        assertThat(modelScope.path("models").get(0).asText()).isEqualTo(modelScope.path("default_model").asText());
        assertThat(modelScope.path("max_concurrent").asInt()).isEqualTo(1);
        assertThat(modelScope.path("circuit_breaker").asText()).isEqualTo("CLOSED");
        assertThat(modelScope.path("base_url").asText()).startsWith("http://127.0.0.1:");
        assertThat(listed.body()).doesNotContain("\"api_key\"").doesNotContain("sandbox-key").doesNotContain(TOKEN);
        assertThat(send("GET", "/api/providers", null, null).statusCode()).as("no token").isEqualTo(401);
        HttpResponse<String> nothing = send("GET", "/api/nothing", null, TOKEN);
        assertThat(nothing.statusCode()).isEqualTo(404);
        assertThat(TestFolders.JSON.readTree(nothing.body()).path("what_to_do").asText()).contains("/api/providers");
    }

    @Test
    void aSandboxJobSaysSoFromTheMomentItIsAccepted() throws Exception {
        // the first job's task runs until the test lets it end; ModelScope takes one at a time, so the second waits
        GalleryIT.sandboxFaults(folders, "{\"never_end_every\": 1}");
        String running;
        String queued;
        try {
            running = accepted("a lighthouse that runs on");
            await().atMost(Duration.ofSeconds(30)).until(() -> !TestFolders.JSON.readTree(send("GET", "/api/jobs/" + running,
                    null, TOKEN).body()).path("jobs").get(0).path("task_id").asText().isBlank());
            queued = accepted("a lighthouse in the queue");
            JsonNode waiting = TestFolders.JSON.readTree(send("GET", "/api/jobs/" + queued, null, TOKEN).body());
            assertThat(waiting.path("state").asText()).isEqualTo("queued");
            assertThat(waiting.path("sandbox").asBoolean()).as("the sandbox will answer it: " + waiting).isTrue();
            assertThat(waiting.path("jobs").get(0).path("sandbox").asBoolean()).isTrue();
            assertThat(send("DELETE", "/api/jobs/" + queued, null, TOKEN).statusCode()).isEqualTo(200);
        } finally {
            GalleryIT.sandboxFaults(folders, "{\"never_end_every\": 0}");
        }
        // both ended, so that nothing of this test changes under the next one
        await().atMost(Duration.ofSeconds(60)).until(() -> state(running).equals("succeeded")
                                                           && state(queued).equals("cancelled"));
        await().atMost(Duration.ofSeconds(30)).until(() -> !folders.files(folders.failed, "*.error.json").isEmpty());
    }

    private String accepted(String prompt) throws Exception {
        HttpResponse<String> posted = send("POST", "/api/jobs", "{\"provider\": \"modelscope\", \"prompt\": \"" + prompt
                                                               + "\"}", TOKEN);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        return TestFolders.JSON.readTree(posted.body()).path("id").asText();
    }

    private String state(String id) throws Exception {
        return TestFolders.JSON.readTree(send("GET", "/api/jobs/" + id, null, TOKEN).body()).path("state").asText();
    }

    private HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
