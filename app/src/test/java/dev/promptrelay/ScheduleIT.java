package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Schedules declared in settings make images on their own: one with an inline prompt, one with a prompt file, both
 * with variables filled in.
 */
class ScheduleIT extends RunningApplication {

    static TestFolders folders;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("schedule");
        Path nightly = Files.writeString(folders.root.resolve("nightly.yaml"), "jobs:\n  - prompt: the {schedule} sky on {date}\n");
        folders.set("promptrelay.schedules.banner.cron", "0/4 * * * * ?");
        folders.set("promptrelay.schedules.banner.prompt", "a banner for {date} --seed 7");
        folders.set("promptrelay.schedules.nightly.cron", "0/5 * * * * ?");
        folders.set("promptrelay.schedules.nightly.prompt-file", nightly.toString());
        folders.set("promptrelay.schedules.nightly.name", "night-{date}-{time}");
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
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
