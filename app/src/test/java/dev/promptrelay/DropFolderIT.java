package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.security.MessageDigest;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The drop-folder service on the embedded sandbox, driven only through its folders and the sandbox's HTTP counters.
 */
class DropFolderIT extends RunningApplication {

    static TestFolders folders;

    @BeforeAll
    static void folders() throws IOException {
        folders = TestFolders.create("drop");
    }


    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void threeLinesGiveThreeImagesWithSidecarsAndTheFileIsArchived() throws Exception {
        folders.drop("three.txt", "# my prompts\na red fox in snow\n\n一只金色的猫\na lighthouse at dusk\n");

        Path out = folders.outbox.resolve("three");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("three.txt")));

        List<Path> images = folders.files(out, "*.png");
        assertThat(images).extracting(p -> p.getFileName().toString())
                .containsExactly("001-1.png", "002-1.png", "003-1.png");
        assertThat(folders.files(out, "*.png.json")).hasSize(3);
        assertThat(folders.files(folders.inbox, "*")).isEmpty();
        assertThat(folders.files(out, ".*")).as("no temporary files left behind").isEmpty();

        for (Path image : images) {
            assertThat(ImageIO.read(image.toFile())).as("a readable PNG").isNotNull();
            JsonNode sidecar = folders.json(image.resolveSibling(image.getFileName() + ".json"));
            byte[] bytes = Files.readAllBytes(image);
            assertThat(sidecar.path("bytes").asLong()).isEqualTo(bytes.length);
            assertThat(sidecar.path("sha256").asText())
                    .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            assertThat(sidecar.path("provider").asText()).isEqualTo("modelscope");
            assertThat(sidecar.path("model").asText()).isEqualTo("Tongyi-MAI/Z-Image-Turbo");
            assertThat(sidecar.path("sandbox").asBoolean()).isTrue();
            assertThat(sidecar.path("task_id").asText()).isNotBlank();
            assertThat(sidecar.path("source_file").asText()).isEqualTo("three.txt");
            assertThat(sidecar.path("timings").path("task_seconds").asDouble()).isPositive();
        }
        JsonNode second = folders.json(out.resolve("002-1.png.json"));
        assertThat(second.path("prompt").asText()).isEqualTo("一只金色的猫");
        assertThat(second.path("source_line").asInt()).isEqualTo(4);
    }

    @Test
    void aTaskTheProviderRefusesPutsTheFileInFailedWithTheProvidersMessage() throws Exception {
        folders.drop("refused.txt", "a calm lake\na storm [sandbox:refuse]\n");

        Path errorFile = folders.failed.resolve("refused.txt.error.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(errorFile));

        assertThat(folders.failed.resolve("refused.txt")).exists();
        JsonNode error = folders.json(errorFile);
        assertThat(error.path("error").asText()).contains("1 of 2");
        JsonNode refusedJob = error.path("jobs").get(1);
        assertThat(refusedJob.path("state").asText()).isEqualTo("failed");
        assertThat(refusedJob.path("line").asInt()).isEqualTo(2);
        assertThat(refusedJob.path("error").asText()).contains("Output data may contain inappropriate content.");
        assertThat(refusedJob.path("next_step").asText()).isNotBlank();
        assertThat(error.path("jobs").get(0).path("state").asText()).isEqualTo("succeeded");
        assertThat(folders.outbox.resolve("refused").resolve("001-1.png")).exists();

        // the way to redo only what failed, written for the user: the failed prompts alone
        Path redo = folders.failed.resolve("refused.failed-prompts.jsonl");
        assertThat(error.path("what_to_do").asText()).contains("refused.failed-prompts.jsonl").contains("/retry")
                .doesNotContain("drop the file");
        assertThat(Files.readAllLines(redo)).singleElement().asString().contains("a storm [sandbox:refuse]")
                .doesNotContain("a calm lake");
        long submitsBefore = folders.stats().get("submits");
        Files.move(redo, folders.inbox.resolve("refused.failed-prompts.jsonl"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.failed.resolve("refused.failed-prompts.jsonl.error.json")));
        assertThat(folders.stats().get("submits")).as("only the failed prompt runs again").isEqualTo(submitsBefore + 1);
    }

    @Test
    void filesThatHoldNoPromptAreRejectedWithAReasonAndCostNothing() throws Exception {
        long submitsBefore = folders.stats().get("submits");
        folders.drop("empty.txt", "");
        folders.drop("comments.txt", "# only a comment\n\n   \n");
        folders.drop("garbage.txt", new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 13, (byte) 0xff, (byte) 0xfe});
        folders.drop("picture.png", "not a prompt file");

        await().atMost(Duration.ofSeconds(30)).until(() -> folders.files(folders.failed, "*.error.json").stream()
                .filter(p -> p.getFileName().toString().matches("(empty|comments|garbage)\\.txt\\.error\\.json|picture\\.png\\.error\\.json"))
                .count() == 4);

        assertThat(folders.json(folders.failed.resolve("empty.txt.error.json")).path("error").asText())
                .isEqualTo("the file holds no prompt");
        assertThat(folders.json(folders.failed.resolve("comments.txt.error.json")).path("error").asText())
                .isEqualTo("the file holds no prompt");
        JsonNode garbage = folders.json(folders.failed.resolve("garbage.txt.error.json"));
        assertThat(garbage.path("error").asText()).isEqualTo("the file is not UTF-8 text");
        assertThat(garbage.path("what_to_do").asText()).isNotBlank();
        assertThat(folders.json(folders.failed.resolve("picture.png.error.json")).path("error").asText())
                .contains("unsupported file type '.png'");
        assertThat(folders.failed.resolve("garbage.txt")).as("the original is kept").exists();
        assertThat(folders.stats().get("submits")).as("nothing was submitted").isEqualTo(submitsBefore);
    }

    @Test
    void aFileDroppedTwiceIsProcessedTwiceWithoutOverwritingAnything() throws Exception {
        folders.drop("twice.txt", "a small boat\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("twice.txt")));
        try (LogCapture log = LogCapture.start()) {
            folders.drop("twice.txt", "a small boat\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("twice-2.txt")));
            // run again, and paid again, as asked: but never without a word
            assertThat(log.text()).contains("WARN  \"twice.txt\" has the same content as \"twice.txt\"")
                    .contains("run again and are paid again");
        }

        assertThat(folders.files(folders.outbox.resolve("twice"), "*.png")).extracting(p -> p.getFileName().toString())
                .containsExactly("001-1-2.png", "001-1.png");
    }

    @Test
    void promptFilesNamedLikeSummariesOrAlikeNeverShareAFile() throws Exception {
        folders.drop("cat.txt", "a cat\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("cat.txt")));
        folders.drop("cat.summary.json.txt", "a summary cat\n");
        folders.drop("dog.summary.json.txt", "a summary dog\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("cat.summary.json.txt"))
                                                            && Files.exists(folders.archive.resolve("dog.summary.json.txt")));
        folders.drop("dog.txt", "a dog\n");
        folders.drop("fox.txt", "a fox\n");
        folders.drop("fox.json", "{\"prompt\": \"a fox from json\"}");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("dog.txt"))
                                                            && Files.exists(folders.archive.resolve("fox.txt"))
                                                            && Files.exists(folders.archive.resolve("fox.json")));

        for (String animal : List.of("cat", "dog")) {
            assertThat(folders.json(folders.outbox.resolve(animal + ".summary.json")).path("file").asText())
                    .isEqualTo(animal + ".txt");
            assertThat(folders.outbox.resolve(animal).resolve("001-1.png")).exists();
            assertThat(folders.outbox.resolve(animal + ".summary.json-outputs").resolve("001-1.png")).exists();
            assertThat(folders.json(folders.outbox.resolve(animal + ".summary.json-outputs.summary.json"))
                    .path("file").asText()).isEqualTo(animal + ".summary.json.txt");
        }
        assertThat(folders.files(folders.outbox.resolve("fox"), "*.png")).hasSize(2);
        assertThat(folders.files(folders.outbox.resolve("fox"), "*.png.json").stream()
                .map(p -> { try { return folders.json(p).path("source_file").asText(); } catch (IOException e) { throw new java.io.UncheckedIOException(e); } }))
                .containsExactlyInAnyOrder("fox.txt", "fox.json");
        assertThat(List.of(folders.json(folders.outbox.resolve("fox.summary.json")).path("file").asText(),
                folders.json(folders.outbox.resolve("fox-2.summary.json")).path("file").asText()))
                .containsExactlyInAnyOrder("fox.txt", "fox.json");
        assertThat(folders.files(folders.failed, "*.error.json")).noneMatch(p -> p.getFileName().toString()
                .matches("(cat|dog|fox).*"));
    }

    @Test
    void aSeedWithACountGivesEachImageItsOwnSeed() throws Exception {
        folders.drop("seeded.txt", "a seeded fox --count 3 --seed 7\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("seeded.txt")));

        List<Path> images = folders.files(folders.outbox.resolve("seeded"), "*.png");
        assertThat(images).hasSize(3);
        List<Long> seeds = new java.util.ArrayList<>();
        java.util.Set<String> contents = new java.util.HashSet<>();
        for (Path image : images) {
            seeds.add(folders.json(image.resolveSibling(image.getFileName() + ".json")).path("parameters").path("seed").asLong());
            contents.add(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(image))));
            assertThat(PngChunks.texts(image).get("parameters")).contains("Seed: " + seeds.get(seeds.size() - 1));
        }
        assertThat(seeds).containsExactly(7L, 8L, 9L);
        assertThat(contents).as("three different pictures, none paid for twice").hasSize(3);
    }

    @Test
    void everyProviderRunsInTheSandboxWithoutAKey() throws Exception {
        folders.drop("lantern.json", """
                {"provider": "modellix", "model": "alibaba/qwen-image-plus", "type": "text-to-image",
                 "prompt": "a paper lantern", "size": "1328*1328"}""");
        folders.drop("castle.json", """
                {"provider": "scenario", "model": "model_imagen4-ultra", "prompt": "a castle", "aspect_ratio": "16:9",
                 "count": 2}""");

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("lantern.json"))
                                                            && Files.exists(folders.archive.resolve("castle.json")));

        JsonNode lantern = folders.json(folders.outbox.resolve("lantern").resolve("001-1.png.json"));
        assertThat(lantern.path("provider").asText()).isEqualTo("modellix");
        assertThat(lantern.path("sandbox").asBoolean()).isTrue();
        assertThat(ImageIO.read(folders.outbox.resolve("lantern").resolve("001-1.png").toFile()).getWidth()).isEqualTo(1328);
        assertThat(folders.files(folders.outbox.resolve("castle"), "*.png")).hasSize(2);
        assertThat(folders.stats().get("scenario.submits")).as("two images from one Scenario job").isEqualTo(1);
    }

    @Test
    void aJsonJobWithAMistakeIsRejectedNamingTheLineAndFieldAndCostsNothing() throws Exception {
        long submitsBefore = folders.stats().get("submits");
        folders.drop("typo.json", "{\"prompt\": \"a fox\",\n \"sise\": \"1024x1024\"}");
        folders.drop("nomodel.json", "{\"provider\": \"modellix\",\n \"model\": \"qwen-image-plus\", \"prompt\": \"a fox\"}");
        folders.drop("broken.json", "{\"prompt\": \"a fox\",\n\n \"seed\": }");
        folders.drop("elsewhere.json", "{\"prompt\": \"a fox\", \"provider\": \"midjourney\"}");

        await().atMost(Duration.ofSeconds(30)).until(() -> folders.files(folders.failed, "*.json.error.json").stream()
                .filter(p -> p.getFileName().toString().matches("(typo|nomodel|broken|elsewhere)\\.json\\.error\\.json"))
                .count() == 4);

        JsonNode typo = folders.json(folders.failed.resolve("typo.json.error.json"));
        assertThat(typo.path("error").asText()).contains("unknown field 'sise'");
        assertThat(typo.path("line").asInt()).isEqualTo(2);
        assertThat(typo.path("field").asText()).isEqualTo("sise");
        JsonNode noModel = folders.json(folders.failed.resolve("nomodel.json.error.json"));
        assertThat(noModel.path("field").asText()).isEqualTo("model");
        assertThat(noModel.path("what_to_do").asText()).contains("alibaba/qwen-image-plus");
        JsonNode broken = folders.json(folders.failed.resolve("broken.json.error.json"));
        assertThat(broken.path("error").asText()).startsWith("the JSON is not valid");
        assertThat(broken.path("line").asInt()).isEqualTo(3);
        assertThat(folders.json(folders.failed.resolve("elsewhere.json.error.json")).path("what_to_do").asText())
                .contains("modelscope, modellix, scenario");
        assertThat(folders.stats().get("submits")).as("nothing was submitted").isEqualTo(submitsBefore);
    }
}
