package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A submit refused with 429 was not taken by the provider: it is tried again after Retry-After, and every job is
 * paid for exactly once.
 */
class ThrottledSubmitIT extends RunningApplication {

    static TestFolders folders;

    @BeforeAll
    static void folders() throws IOException {
        folders = TestFolders.create("throttled");
        folders.set("promptrelay.sandbox.throttle-every", "2");
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void refusedSubmitsAreTriedAgainAndEveryJobIsAcceptedOnce() throws Exception {
        folders.drop("busy.txt", "a bell\na drum\na flute\n");

        await().atMost(Duration.ofSeconds(40)).until(() -> Files.exists(folders.archive.resolve("busy.txt")));

        assertThat(folders.stats().get("throttled")).as("the provider did refuse some submits").isPositive();
        assertThat(folders.stats().get("submits")).as("one accepted submit per job").isEqualTo(3);
        assertThat(folders.stats().get("early")).as("no submit before Retry-After had passed").isZero();
        assertThat(folders.files(folders.outbox.resolve("busy"), "*.png")).hasSize(3);
    }
}
