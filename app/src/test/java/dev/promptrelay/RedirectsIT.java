package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.promptrelay.ScriptedProvider.json;
import static dev.promptrelay.ScriptedProvider.png;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A provider (or the load balancer in front of it) that answers polls and downloads with redirects: they are
 * followed, with the key only on the provider's own host; a 3xx with nowhere to go is asked again later, never taken
 * as the end of a paid task; a submit answered with a redirect was not taken and costs nothing.
 */
class RedirectsIT extends RunningApplication {

    static TestFolders folders;
    static ScriptedProvider provider;
    static ScriptedProvider elsewhere;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("redirects");
        provider = folders.scripted();
        elsewhere = new ScriptedProvider();
        String base = provider.baseUrl();
        // a poll moved on the provider's own host, then the file served by another host
        provider.script("same-host")
                .on("POST", "/v1/images/generations", json(200, "{\"task_id\": \"r-1\"}"))
                .on("GET", "/v1/tasks/r-1", json(302, "{}", "Location", base + "/v2/tasks/r-1"))
                .on("GET", "/v2/tasks/r-1", json(200, "{\"task_status\": \"SUCCEED\", \"output_images\": [\"{base}/files/r-1.png\"]}"))
                .on("GET", "/files/r-1.png", json(307, "{}", "Location", elsewhere.baseUrl() + "/cdn/r-1.png"));
        elsewhere.script("same-host").on("GET", "/cdn/r-1.png", png("moved file"));
        // a poll sent to another host: it gets no key
        provider.script("other-host")
                .on("POST", "/v1/images/generations", json(200, "{\"task_id\": \"r-2\"}"))
                .on("GET", "/v1/tasks/r-2", json(302, "{}", "Location", elsewhere.baseUrl() + "/v1/tasks/r-2"));
        elsewhere.script("other-host")
                .on("GET", "/v1/tasks/r-2", json(200, "{\"task_status\": \"SUCCEED\", \"output_images\": [\"{base}/cdn/r-2.png\"]}"))
                .on("GET", "/cdn/r-2.png", png("elsewhere"));
        // a redirect with nowhere to go, twice: the task is asked about again, not failed
        provider.script("nowhere")
                .on("POST", "/v1/images/generations", json(200, "{\"task_id\": \"r-3\"}"))
                .on("GET", "/v1/tasks/r-3", json(302, "{}"), json(304, "{}"),
                        json(200, "{\"task_status\": \"SUCCEED\", \"output_images\": [\"{base}/files/r-3.png\"]}"))
                .on("GET", "/files/r-3.png", png("nowhere"));
        provider.script("moved-submit")
                .on("POST", "/v1/images/generations", json(301, "{}", "Location", "https://api.example.invalid/v1/images/generations"));
        for (String marker : new String[] {"same-host", "other-host", "nowhere", "moved-submit"}) {
            folders.drop(marker + ".txt", marker + ": a lighthouse\n");
        }
    }

    @AfterAll
    static void stop() {
        provider.close();
        elsewhere.close();
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void redirectsAreFollowedWithTheKeyOnlyOnTheProvidersHost() throws Exception {
        for (String marker : new String[] {"same-host", "other-host", "nowhere"}) {
            await().atMost(Duration.ofSeconds(30)).until(() -> folders.archive.resolve(marker + ".txt").toFile().exists()
                    || folders.failed.resolve(marker + ".txt").toFile().exists());
            assertThat(folders.archive.resolve(marker + ".txt")).as(marker).exists();
            assertThat(folders.outbox.resolve(marker).resolve("001-1.png")).as(marker).exists();
            assertThat(provider.count(marker, "POST", "/v1/images/generations")).as(marker + " submits").isEqualTo(1);
        }
        assertThat(provider.requestsOf("same-host").stream().filter(r -> r.path().equals("/v2/tasks/r-1")))
                .as("the key goes along on the provider's own host")
                .allMatch(r -> ("Bearer " + TestKeys.MODELSCOPE).equals(r.header("Authorization"))).isNotEmpty();
        assertThat(elsewhere.requestsOf("other-host")).as("another host never gets the key").isNotEmpty()
                .allMatch(r -> r.header("Authorization") == null);
        assertThat(elsewhere.requestsOf("same-host")).isNotEmpty().allMatch(r -> r.header("Authorization") == null);

        await().atMost(Duration.ofSeconds(30)).until(() -> folders.failed.resolve("moved-submit.txt.error.json").toFile().exists());
        JsonNode moved = folders.failedJob("moved-submit.txt");
        assertThat(moved.path("state").asText()).isEqualTo("failed");
        assertThat(moved.path("error").asText()).contains("HTTP 301").contains("instead of taking it");
        assertThat(moved.path("next_step").asText()).contains("nothing was charged").contains("base-url");
        assertThat(provider.count("moved-submit", "POST", "/v1/images/generations")).isEqualTo(1);
        assertThat(provider.unscripted()).isEmpty();
        assertThat(elsewhere.unscripted()).isEmpty();
    }
}
