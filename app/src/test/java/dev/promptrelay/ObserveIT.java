package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Operations without reading logs: /observe/health with a check per provider and for the journal, /observe/metrics
 * with promptrelay's counters and timers per provider, on Camel's management server.
 */
class ObserveIT extends RunningApplication {

    static TestFolders folders;
    static int port;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("observe");
        port = TestFolders.freePort();
        folders.set("camel.management.enabled", "true");
        folders.set("camel.management.port", String.valueOf(port));
        folders.set("promptrelay.cluster.node-id", "observed-node");
    }


    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void healthIsUpPerProviderAndMetricsCountTheJobs() throws Exception {
        folders.drop("observed.txt", "a fox\na hare [sandbox:refuse]\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.failed.resolve("observed.txt")));

        HttpResponse<String> health = get("/observe/health?data=true");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        JsonNode body = TestFolders.JSON.readTree(health.body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(health.body()).contains("provider-modelscope", "provider-modellix", "provider-scenario", "journal");
        assertThat(health.body()).as("the node's leases, by its name").contains("leases").contains("observed-node");
        // promptrelay's own checks first, right after Camel's context; its routes' checks after them
        java.util.List<String> names = body.path("checks").findValuesAsText("name");
        int lastOwn = names.indexOf("outbox");
        assertThat(names.subList(0, lastOwn + 1)).as(names.toString())
                .contains("journal", "leases", "provider-modelscope", "outbox").noneMatch(n -> n.startsWith("route:"));

        String metrics = get("/observe/metrics").body();
        assertThat(metrics).contains("promptrelay_jobs_total{camelContext=\"promptrelay\",node=\"observed-node\",outcome=\"succeeded\",provider=\"modelscope\"} 1.0");
        assertThat(metrics).contains("promptrelay_jobs_total{camelContext=\"promptrelay\",node=\"observed-node\",outcome=\"failed\",provider=\"modelscope\"} 1.0");
        assertThat(metrics).contains("promptrelay_submits_total{camelContext=\"promptrelay\",node=\"observed-node\",outcome=\"accepted\",provider=\"modelscope\"} 2.0");
        assertThat(metrics).containsPattern("promptrelay_polls_total\\{camelContext=\"promptrelay\",node=\"observed-node\",provider=\"modelscope\",status=\"200\"} [1-9]");
        assertThat(metrics).contains("promptrelay_task_duration_seconds_count{camelContext=\"promptrelay\",node=\"observed-node\",provider=\"modelscope\"} 2");
        assertThat(metrics).contains("promptrelay_completion_to_written_seconds_count{camelContext=\"promptrelay\",node=\"observed-node\",provider=\"modelscope\"} 1");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
