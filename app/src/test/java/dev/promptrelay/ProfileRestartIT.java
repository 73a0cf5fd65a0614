package dev.promptrelay;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static dev.promptrelay.ScriptedProvider.json;
import static dev.promptrelay.ScriptedProvider.png;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A profile's provider across a restart: the task a submit's answer named is polled again by the next start, at the
 * address the profile makes from the task id (the regional one the answer gave is not kept), never submitted again.
 * Each test method runs its own application on the same state directory.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ProfileRestartIT extends RunningApplication {

    static TestFolders folders;
    static ScriptedProvider provider;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("profile-restart");
        provider = folders.scripted();
        // the regional address the answer gives never says Ready; the profile's own address does
        provider.script("bfl-restart")
                .on("POST", "/v1/flux-pro-1.1", json(200, "{\"id\": \"t-restart\", \"polling_url\": "
                                                         + "\"{base}/eu9/v1/get_result?id=t-restart\", \"cost\": 4.0}"))
                .on("GET", "/eu9/v1/get_result?id=t-restart", BflContractIT.poll("t-restart", "Pending", "0.1", null))
                .on("GET", "/v1/get_result?id=t-restart", BflContractIT.poll("t-restart", "Ready", "null",
                        "{base}/files/bfl-restart.png"))
                .on("GET", "/files/bfl-restart.png", png("bfl restart"));
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
    @Order(1)
    void stopsWhileTheTaskRuns() throws Exception {
        folders.drop("bfl-restart.json", "{\"provider\": \"bfl\", \"prompt\": \"bfl-restart: a slow sunrise\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> provider.count("bfl-restart", "GET", "/eu9/v1/get_result") >= 2);
        assertThat(provider.count("bfl-restart", "GET", "/v1/get_result")).as("polled where the answer said").isZero();
        assertThat(folders.files(folders.archive, "*")).isEmpty();
    }

    @Test
    @Order(2)
    void resumesAtTheProfilesAddressWithoutSubmittingAgain() throws Exception {
        folders.awaitDone("bfl-restart.json");
        assertThat(folders.archive.resolve("bfl-restart.json")).exists();
        assertThat(provider.count("bfl-restart", "POST", "/v1/flux-pro-1.1")).as("resumed, not paid for again").isEqualTo(1);
        assertThat(provider.count("bfl-restart", "GET", "/v1/get_result")).isGreaterThanOrEqualTo(1);
        assertThat(folders.outbox.resolve("bfl-restart").resolve("001-1.png")).exists();
        assertThat(folders.json(folders.outbox.resolve("bfl-restart").resolve("001-1.png.json")).path("cost").path("amount")
                .asDouble()).as("the credits the submit's answer named, kept across the restart").isEqualTo(4.0);
        assertThat(provider.unscripted()).isEmpty();
    }
}
