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
 * The HTTP API as a caller uses it beyond posting: errors that explain themselves in JSON (never an empty 415 or a
 * 500), rejected requests listed, outputs fetched over HTTP, a request cancelled and its jobs run again.
 */
class ApiControlIT extends RunningApplication {

    static final String TOKEN = "api-control-token";
    static TestFolders folders;
    static int port;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("api-control");
        port = TestFolders.freePort();
        folders.set("camel.server.enabled", "true");
        folders.set("camel.server.port", String.valueOf(port));
        folders.set("promptrelay.api.token", TOKEN);
        folders.set("promptrelay.sandbox.task-millis", "1500");
    }


    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void everyErrorIsJsonWithItsStatus() throws Exception {
        HttpResponse<String> noType = send("POST", "/api/jobs", "{\"prompt\": \"a fox\"}", null);
        assertThat(noType.statusCode()).isEqualTo(415);
        assertThat(json(noType).path("error").asText()).contains("Content-Type: application/json");
        assertThat(json(noType).path("what_to_do").asText()).isNotBlank();

        HttpResponse<String> badLimit = send("GET", "/api/jobs?limit=abc", null, null);
        assertThat(badLimit.statusCode()).isEqualTo(400);
        assertThat(json(badLimit).path("error").asText()).contains("limit 'abc'");
        HttpResponse<String> badState = send("GET", "/api/jobs?state=bogus", null, null);
        assertThat(badState.statusCode()).isEqualTo(400);
        assertThat(json(badState).path("what_to_do").asText()).contains("state=rejected");
        assertThat(send("GET", "/api/jobs/no-such-id/outputs/1", null, null).statusCode()).isEqualTo(404);

        // refused by the server before any route runs: JSON too
        HttpResponse<String> options = send("OPTIONS", "/api/jobs", null, null);
        assertThat(options.statusCode()).isEqualTo(405);
        assertThat(json(options).path("what_to_do").asText()).contains("/api/jobs");
        HttpResponse<String> huge = send("POST", "/api/jobs", "a".repeat(20 * 1024 * 1024), "application/json");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(json(huge).path("error").asText()).contains("larger than the server takes");
        for (String host : java.util.List.of("bad host[", "127.0.0.1:" + port + ":99")) {
            String raw = rawRequest("GET /api/jobs HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
            assertThat(raw).as(host).startsWith("HTTP/1.1 4").containsIgnoringCase("content-type: application/json")
                    .contains("\"what_to_do\"");
        }

        HttpResponse<String> invalid = send("POST", "/api/jobs", "{\"prompt\": \"a fox\", \"sise\": 3}", "application/json");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(json(invalid).path("what_to_do").asText()).doesNotContain("drop");
        String rejectedId = json(invalid).path("id").asText();
        JsonNode rejected = json(send("GET", "/api/jobs?state=rejected", null, null)).path("jobs");
        assertThat(rejected.findValuesAsText("id")).contains(rejectedId);
        JsonNode listedRejection = json(send("GET", "/api/jobs/" + rejectedId, null, null));
        assertThat(listedRejection.path("state").asText()).isEqualTo("rejected");
        assertThat(listedRejection.path("error").asText()).contains("unknown field 'sise'");
    }

    @Test
    void outputsComeOverHttp() throws Exception {
        String id = post("{\"prompt\": \"a kite\", \"seed\": 4}");
        await().atMost(Duration.ofSeconds(30)).until(() -> state(id).equals("succeeded"));
        JsonNode job = json(send("GET", "/api/jobs/" + id, null, null));
        String url = job.path("output_urls").get(0).asText();
        assertThat(url).isEqualTo("/api/jobs/" + id + "/outputs/1");
        HttpResponse<byte[]> image = http.send(request("GET", url, null, null).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(image.statusCode()).isEqualTo(200);
        assertThat(image.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(image.body()).isEqualTo(Files.readAllBytes(Path.of(job.path("outputs").get(0).asText())));
        HttpResponse<String> missing = send("GET", "/api/jobs/" + id + "/outputs/2", null, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(json(missing).path("error").asText()).contains("has no output 2");
    }

    @Test
    void aCancelledRequestStopsAndARetryRunsItAfterAll() throws Exception {
        long submitsBefore = folders.stats().get("submits");
        // the first task runs until the test has cancelled it, however slow the machine
        GalleryIT.sandboxFaults(folders, "{\"never_end_every\": 1}");
        String id = post("{\"prompt\": \"a slow fox\", \"count\": 3, \"seed\": 1}");
        // ModelScope runs one task at a time: cancel while the first runs and two wait
        await().atMost(Duration.ofSeconds(30)).until(() -> folders.stats().get("submits") - submitsBefore == 1);
        // and promptrelay has its answer (the task id): a cancel while the submit is on its way leaves that job to run
        await().atMost(Duration.ofSeconds(30)).until(() -> json(send("GET", "/api/jobs/" + id, null, null))
                .path("jobs").path(0).path("task_id").isTextual());
        HttpResponse<String> cancelled = send("DELETE", "/api/jobs/" + id, null, null);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
        assertThat(json(cancelled).path("state").asText()).isEqualTo("cancelled");
        assertThat(json(cancelled).path("cancelled_before_submit").asInt()).isEqualTo(2);
        assertThat(json(cancelled).path("no_longer_polled")).hasSize(1);
        assertThat(json(cancelled).path("what_to_know").asText()).contains("may still finish");
        Path failedFile = folders.failed.resolve(json(cancelled).path("name").asText());
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(Path.of(failedFile + ".error.json")));
        assertThat(Files.readString(Path.of(failedFile + ".error.json"))).contains("cancelled");
        assertThat(folders.stats().get("submits") - submitsBefore).as("nothing submitted after the cancel").isEqualTo(1);
        GalleryIT.sandboxFaults(folders, "{\"never_end_every\": 0}");

        // the two never sent cost nothing to run; the one whose task ran is left, since it would be paid again
        HttpResponse<String> retried = send("POST", "/api/jobs/" + id + "/retry", null, null);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        assertThat(json(retried).path("requeued").asInt()).isEqualTo(2);
        assertThat(json(retried).path("what_to_know").asText()).contains("#1").contains("second time")
                .contains("?pay-again=true");
        HttpResponse<String> paidAgain = send("POST", "/api/jobs/" + id + "/retry?pay-again=true", null, null);
        assertThat(paidAgain.statusCode()).as(paidAgain.body()).isEqualTo(202);
        assertThat(json(paidAgain).path("requeued").asInt()).isEqualTo(1);
        assertThat(json(paidAgain).path("what_to_know").asText()).contains("paid a second time");
        await().atMost(Duration.ofSeconds(40)).until(() -> state(id).equals("succeeded"));
        assertThat(json(send("GET", "/api/jobs/" + id, null, null)).path("outputs")).hasSize(3);
        // the file follows its jobs' end into the archive, a moment later on a busy machine
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve(json(cancelled).path("name").asText())));
        assertThat(send("POST", "/api/jobs/" + id + "/retry", null, null).statusCode()).as("nothing left to retry").isEqualTo(409);
    }

    @Test
    void aCancelWhileTheSubmitIsOnItsWayEndsTheJobAndNamesItsTask() throws Exception {
        long submitsBefore = folders.stats().get("submits");
        // the provider holds its answer to the submit: the cancel comes while the submit is on its way, however slow
        // the machine
        GalleryIT.sandboxFaults(folders, "{\"slow_millis\": 10000}");
        String id;
        try {
            id = post("{\"prompt\": \"a fox on its way\", \"seed\": 2}");
            await().atMost(Duration.ofSeconds(30)).until(() -> json(send("GET", "/api/jobs/" + id, null, null))
                    .path("jobs").path(0).path("state").asText().equals("submitting"));
            HttpResponse<String> cancelled = send("DELETE", "/api/jobs/" + id, null, null);
            assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(200);
            assertThat(json(cancelled).path("state").asText()).isEqualTo("cancelled");
            assertThat(json(cancelled).path("cancelled_while_submitting").asInt()).isEqualTo(1);
            assertThat(json(cancelled).path("what_to_know").asText()).contains("on their way").contains("not polled");
        } finally {
            GalleryIT.sandboxFaults(folders, "{\"slow_millis\": 0}");
        }
        // the answer comes: its task id is written to the cancelled job, which is not polled
        await().atMost(Duration.ofSeconds(60)).until(() -> json(send("GET", "/api/jobs/" + id, null, null))
                .path("jobs").path(0).path("task_id").isTextual());
        JsonNode job = json(send("GET", "/api/jobs/" + id, null, null)).path("jobs").path(0);
        assertThat(job.path("state").asText()).isEqualTo("cancelled");
        assertThat(job.path("error").asText()).contains("task " + job.path("task_id").asText()).contains("not polled");
        assertThat(folders.stats().get("submits") - submitsBefore).as("submitted once").isEqualTo(1);
        // the provider may have taken it, so running it again asks to pay again
        HttpResponse<String> retried = send("POST", "/api/jobs/" + id + "/retry", null, null);
        assertThat(retried.statusCode()).as(retried.body()).isEqualTo(409);
        assertThat(json(retried).path("what_to_do").asText()).contains("?pay-again=true");
        assertThat(state(id)).isEqualTo("cancelled");
    }

    private String post(String job) throws Exception {
        HttpResponse<String> posted = send("POST", "/api/jobs", job, "application/json");
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        return json(posted).path("id").asText();
    }

    private String state(String id) throws Exception {
        return json(send("GET", "/api/jobs/" + id, null, null)).path("state").asText();
    }

    /** A request as bytes on a socket, for what an HTTP client would refuse to send; the answer as text. */
    private static String rawRequest(String request) throws IOException {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return TestFolders.JSON.readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
        return http.send(request(method, path, body, contentType).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder request(String method, String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + TOKEN);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return request;
    }
}
