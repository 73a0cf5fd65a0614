package dev.promptrelay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Schedules declared in settings make images on their own: one with an inline prompt, one with a prompt file, both
 * with variables filled in.
 */
@CamelMainTest(mainClass = Application.class, propertyPlaceholderLocations = "classpath:promptrelay/application.properties")
class ScheduleTest {

    static TestFolders folders;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("schedule");
        Path nightly = Files.writeString(folders.root.resolve("nightly.yaml"), "jobs:\n  - prompt: the {schedule} sky on {date}\n");
        System.setProperty("promptrelay.schedules.banner.cron", "0/4 * * * * ?");
        System.setProperty("promptrelay.schedules.banner.prompt", "a banner for {date} --seed 7");
        System.setProperty("promptrelay.schedules.nightly.cron", "0/5 * * * * ?");
        System.setProperty("promptrelay.schedules.nightly.prompt-file", nightly.toString());
        System.setProperty("promptrelay.schedules.nightly.name", "night-{date}-{time}");
    }

    @AfterAll
    static void stop() {
        for (String key : List.of("banner.cron", "banner.prompt", "nightly.cron", "nightly.prompt-file", "nightly.name")) {
            System.clearProperty("promptrelay.schedules." + key);
        }
        TestFolders.clear();
    }

    @Test
    void imagesAppearOnTheirOwnInTheSchedulesFolderWithVariablesFilledIn() throws Exception {
        Path bannerArchive = folders.archive.resolve("banner");
        Path nightArchive = folders.archive.resolve("nightly");
        await().atMost(Duration.ofSeconds(40)).until(() -> folders.files(bannerArchive, "banner-*.txt").size() >= 2
                                                            && !folders.files(nightArchive, "night-*.yaml").isEmpty());

        String today = LocalDate.now().toString();
        Path banner = folders.files(bannerArchive, "banner-*.txt").get(0);
        assertThat(banner.getFileName().toString()).startsWith("banner-" + today + "-");
        String fire = banner.getFileName().toString().replace(".txt", "");
        Path image = folders.outbox.resolve("banner").resolve(fire + "-001-1.png");
        JsonNode sidecar = folders.json(image.resolveSibling(image.getFileName() + ".json"));
        assertThat(sidecar.path("prompt").asText()).isEqualTo("a banner for " + today);
        assertThat(sidecar.path("parameters").path("seed").asLong()).isEqualTo(7);
        assertThat(folders.outbox.resolve("banner").resolve(fire + ".summary.json")).exists();
        assertThat(folders.files(folders.outbox.resolve("banner"), "banner-*-001-1.png"))
                .as("every fire in the schedule's one folder").hasSizeGreaterThanOrEqualTo(2);
        assertThat(folders.files(folders.outbox, "banner-*")).as("no folder or summary per fire at the top").isEmpty();
        assertThat(folders.files(folders.archive, "banner-*")).isEmpty();

        String night = folders.files(nightArchive, "night-*.yaml").get(0).getFileName().toString().replace(".yaml", "");
        JsonNode nightSidecar = folders.json(folders.outbox.resolve("nightly").resolve(night + "-001-1.png.json"));
        assertThat(nightSidecar.path("prompt").asText()).isEqualTo("the nightly sky on " + today);
        assertThat(folders.files(folders.failed, "*")).isEmpty();
    }
}
