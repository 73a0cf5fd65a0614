package dev.promptrelay;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cancel and a retry of the same request, one right after the other or many at once, while the provider refuses
 * every submit with 429 and {@code Retry-After: 1}: the submit that was waiting to try again must never outlive the
 * cancel, so once the provider takes submits again each prompt is paid for exactly once. A job cancelled while its task
 * ran is run again only when the caller says it pays a second time.
 */
class CancelRetryRaceIT extends RunningApplication {

    static TestFolders folders;
    static int port;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("cancel-retry");
        port = TestFolders.freePort();
        folders.set("camel.server.enabled", "true");
        folders.set("camel.server.port", String.valueOf(port));
        folders.set("promptrelay.modelscope.max-concurrent", "20");
        // the refused submits keep trying for as long as the test needs them to
        folders.set("promptrelay.submit.max-attempts", "1000");
        folders.set("promptrelay.dispatch.interval-millis", "50");
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void aCancelThenARetryAtOncePaysOnce() throws Exception {
        faults("{\"throttle_every\": 1}");
        long submitsBefore = folders.stats().get("submits");
        long throttledBefore = folders.stats().get("throttled");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(post("{\"prompt\": \"a fox in a queue " + i + "\", \"seed\": " + i + "}"));
        }
        // every job has been refused once and waits to try again
        await().atMost(Duration.ofSeconds(30)).until(() -> folders.stats().get("throttled") - throttledBefore >= 5);
        for (String id : ids) {
            assertThat(send("DELETE", "/api/jobs/" + id).statusCode()).isEqualTo(200);
            retryOnceItsSubmitIsAnswered(id);
        }
        faults("{\"throttle_every\": 0}");
        awaitSucceeded(ids);
        assertPaidOnceEach(ids, submitsBefore);
    }

    @Test
    void manyCancelsRacingManyRetriesPayOncePerPrompt() throws Exception {
        faults("{\"throttle_every\": 1}");
        long submitsBefore = folders.stats().get("submits");
        long throttledBefore = folders.stats().get("throttled");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(post("{\"prompt\": \"a heron in a race " + i + "\", \"seed\": " + i + "}"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> folders.stats().get("throttled") - throttledBefore >= 10);
        List<Callable<Integer>> calls = new ArrayList<>();
        for (String id : ids) {
            for (int i = 0; i < 5; i++) {
                calls.add(() -> send("DELETE", "/api/jobs/" + id).statusCode());
                calls.add(() -> send("POST", "/api/jobs/" + id + "/retry").statusCode());
            }
        }
        Collections.shuffle(calls, new java.util.Random(25));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            for (Future<Integer> answer : pool.invokeAll(calls)) {
                assertThat(answer.get()).isIn(200, 202, 409);
            }
        } finally {
            pool.shutdown();
        }
        // whatever the last word was, every request runs in the end
        for (String id : ids) {
            if (report(id).path("state").asText().equals("cancelled")) {
                retryOnceItsSubmitIsAnswered(id);
            }
        }
        faults("{\"throttle_every\": 0}");
        awaitSucceeded(ids);
        assertPaidOnceEach(ids, submitsBefore);
    }

    @Test
    void aTaskCancelledWhileRunningIsRunAgainOnlyWhenTheCallerPaysAgain() throws Exception {
        faults("{\"throttle_every\": 0, \"never_end_every\": 1}");
        long submitsBefore = folders.stats().get("submits");
        String id = post("{\"prompt\": \"a lighthouse that takes its time\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> report(id).path("jobs").get(0).path("state").asText().equals("running"));
        assertThat(send("DELETE", "/api/jobs/" + id).statusCode()).isEqualTo(200);
        faults("{\"never_end_every\": 0}");

        HttpResponse<String> refused = send("POST", "/api/jobs/" + id + "/retry");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(409);
        JsonNode why = TestFolders.JSON.readTree(refused.body());
        assertThat(why.path("error").asText()).contains("pay").contains("second time");
        assertThat(why.path("what_to_do").asText()).contains("?pay-again=true");
        assertThat(report(id).path("state").asText()).isEqualTo("cancelled");

        HttpResponse<String> paid = send("POST", "/api/jobs/" + id + "/retry?pay-again=true");
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(202);
        assertThat(TestFolders.JSON.readTree(paid.body()).path("what_to_know").asText()).contains("second time");
        awaitSucceeded(List.of(id));
        assertThat(folders.stats().get("submits") - submitsBefore).as("the first task and the one paid again").isEqualTo(2);
    }

    /**
     * A retry right after a cancel: refused (409) only while a submit cancelled on its way has no answer yet, since the
     * provider may take it; once its refusal is in, the retry runs it without paying twice.
     */
    private void retryOnceItsSubmitIsAnswered(String id) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> retried = send("POST", "/api/jobs/" + id + "/retry");
            if (retried.statusCode() == 409) {
                assertThat(retried.body()).as("refused only for a submit still on its way").contains("answer is not in");
            }
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
        });
    }

    /** One accepted submit per request since the count given, and one output each. */
    private void assertPaidOnceEach(List<String> ids, long submitsBefore) throws Exception {
        assertThat(folders.stats().get("submits") - submitsBefore).as("accepted submits for " + ids.size() + " prompts")
                .isEqualTo(ids.size());
        for (String id : ids) {
            assertThat(report(id).path("outputs")).as(id).hasSize(1);
        }
    }

    /** Every request succeeded, and its prompt file is in the archive (not in failed/, nor held). */
    private void awaitSucceeded(List<String> ids) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (String id : ids) {
                JsonNode report = report(id);
                assertThat(report.path("state").asText()).as(id).isEqualTo("succeeded");
                assertThat(folders.archive.resolve(report.path("name").asText())).as(id).exists();
                assertThat(folders.failed.resolve(report.path("name").asText())).as(id).doesNotExist();
            }
        });
    }

    private String post(String job) throws Exception {
        HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/jobs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(job)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(202);
        return TestFolders.JSON.readTree(posted.body()).path("id").asText();
    }

    private JsonNode report(String id) throws Exception {
        return TestFolders.JSON.readTree(send("GET", "/api/jobs/" + id).body());
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void faults(String json) throws Exception {
        GalleryIT.sandboxFaults(folders, json);
    }
}
