package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A full disk under the outbox (a 1 MB tmpfs, filled): writes break off mid-file, the results are downloaded again
 * into the state directory and kept there, nothing is failed or paid again; once space is freed they move in.
 */
class OutboxFullIT extends RunningApplication {

    static TestFolders folders;
    static boolean mounted;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        folders = TestFolders.create("outbox-full");
        Files.createDirectories(folders.outbox);
        mounted = Machine.mountSmallDisk(folders.outbox, 1024);
        folders.set("promptrelay.sandbox.task-millis", "300");
    }

    @AfterAll
    static void stop() throws IOException, InterruptedException {
        if (mounted) {
            Machine.unmount(folders.outbox);
        }
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void resultsWaitForSpaceAndNothingIsPaidTwice() throws Exception {
        Assumptions.assumeTrue(mounted, "mounting a small disk needs root");
        long submitsBefore = folders.stats().get("submits");
        Path filler = folders.outbox.resolve("filler.bin");
        long free = Files.getFileStore(folders.outbox).getUsableSpace();
        Files.write(filler, new byte[(int) free - 4096]);
        Path staged = folders.root.resolve("state").resolve("staged");

        folders.drop("full.txt", "a fox --size 1024x1024\na hare --size 1024x1024\na lynx --size 1024x1024\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> folders.files(staged, "*.png").size() == 3);
        assertThat(folders.archive.resolve("full.txt")).doesNotExist();
        assertThat(folders.failed.resolve("full.txt.error.json")).doesNotExist();

        Files.delete(filler);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(folders.archive.resolve("full.txt")));
        assertThat(folders.files(folders.outbox.resolve("full"), "*.png")).hasSize(3);
        assertThat(folders.files(folders.outbox.resolve("full"), "*.png.json")).hasSize(3);
        assertThat(folders.files(folders.outbox.resolve("full"), ".*")).as("no temporary file").isEmpty();
        assertThat(folders.files(staged, "*")).isEmpty();
        assertThat(folders.stats().get("submits") - submitsBefore).as("nothing paid twice").isEqualTo(3);
    }
}
