package dev.promptrelay;

import java.util.Map;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every prompt file format in one inbox, on the embedded sandbox: the options each format allows reach the provider,
 * the sidecars and the PNGs' parameters chunk record them, and each file gets its summary.
 */
class PromptFormatsIT extends RunningApplication {

    static TestFolders folders;

    @BeforeAll
    static void folders() throws IOException {
        folders = TestFolders.create("formats");
    }


    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void txtMdJsonJsonlAndYamlGiveTenImagesWithTheirParameters() throws Exception {
        folders.drop("lines.txt", """
                # three prompts, one with options
                a red fox in snow --seed 42 --negative_prompt "blurry, low quality" --size 768x512
                a heron at dawn
                an old map --name map
                """);
        folders.drop("poem.md", """
                ---
                count: 2
                seed: 7
                ---
                A lighthouse on a cliff,
                一只金色的猫 watching the sea.
                """);
        folders.drop("batch.json", """
                {"defaults": {"size": "640x640", "negative_prompt": "text"},
                 "jobs": [{"prompt": "a glass bridge"}, {"prompt": "a paper boat", "size": "512x512"}]}""");
        folders.drop("stream.jsonl", """
                {"prompt": "a quiet harbour", "seed": 1}

                {"prompt": "a windmill", "steps": 20, "guidance": 4.5}
                """);
        folders.drop("one.yaml", """
                prompt: a castle in fog
                seed: 3
                name: castle
                """);

        List<String> files = List.of("lines.txt", "poem.md", "batch.json", "stream.jsonl", "one.yaml");
        await().atMost(Duration.ofSeconds(60)).until(() -> files.stream().allMatch(f -> Files.exists(folders.archive.resolve(f))));

        List<Path> images = images();
        assertThat(images).hasSize(10);
        for (Path image : images) {
            assertThat(PngChunks.texts(image)).as(image + " carries its parameters").containsKey("parameters");
        }
        Path fox = folders.outbox.resolve("lines").resolve("001-1.png");
        JsonNode foxSidecar = folders.json(sidecar(fox));
        assertThat(foxSidecar.path("parameters").path("seed").asLong()).isEqualTo(42);
        assertThat(foxSidecar.path("negative_prompt").asText()).isEqualTo("blurry, low quality");
        assertThat(foxSidecar.path("prompt").asText()).isEqualTo("a red fox in snow");
        BufferedImage foxImage = ImageIO.read(fox.toFile());
        assertThat(foxImage.getWidth()).isEqualTo(768);
        assertThat(PngChunks.texts(fox).get("parameters")).isEqualTo("a red fox in snow\nNegative prompt: blurry, low quality\n"
                + "Seed: 42, Size: 768x512, Model: Tongyi-MAI/Z-Image-Turbo, Provider: modelscope, Task id: "
                + foxSidecar.path("task_id").asText() + ", Sandbox: placeholder, not a provider's work");
        assertThat(folders.outbox.resolve("lines").resolve("map-1.png")).as("the name option").exists();

        // no seed asked: promptrelay chose one, and the provider drew the picture from that very seed
        Path heron = folders.outbox.resolve("lines").resolve("002-1.png");
        JsonNode heronSidecar = folders.json(sidecar(heron));
        assertThat(heronSidecar.path("parameters").path("seed").isIntegralNumber()).as("a seed in " + heronSidecar).isTrue();
        long seed = heronSidecar.path("parameters").path("seed").asLong();
        assertThat(PngChunks.texts(heron).get("parameters")).contains("Seed: " + seed + ",");
        BufferedImage heronImage = ImageIO.read(heron.toFile());
        BufferedImage drawnFromSeed = ImageIO.read(new java.io.ByteArrayInputStream(dev.promptrelay.sandbox.PlaceholderImage
                .png("a heron at dawn", seed, heronImage.getWidth(), heronImage.getHeight(), heronSidecar.path("model").asText())));
        assertThat(pixels(heronImage)).as("the sandbox drew the heron from seed " + seed).isEqualTo(pixels(drawnFromSeed));

        List<Path> poem = folders.files(folders.outbox.resolve("poem"), "*.png");
        assertThat(poem).as("count: 2 gives two images").hasSize(2);
        for (Path image : poem) {
            JsonNode sidecar = folders.json(sidecar(image));
            assertThat(sidecar.path("prompt").asText()).isEqualTo("A lighthouse on a cliff,\n一只金色的猫 watching the sea.");
            assertThat(sidecar.path("source_line").asInt()).as("the body starts on line 5").isEqualTo(5);
            assertThat(PngChunks.texts(image).get("parameters")).as("UTF-8 text in an iTXt chunk")
                    .startsWith("A lighthouse on a cliff,\n一只金色的猫");
        }

        JsonNode bridge = folders.json(sidecar(folders.outbox.resolve("batch").resolve("001-1.png")));
        assertThat(bridge.path("parameters").path("width").asInt()).as("from the defaults").isEqualTo(640);
        assertThat(bridge.path("negative_prompt").asText()).isEqualTo("text");
        JsonNode boat = folders.json(sidecar(folders.outbox.resolve("batch").resolve("002-1.png")));
        assertThat(boat.path("parameters").path("width").asInt()).as("the job's own value wins").isEqualTo(512);
        assertThat(boat.path("negative_prompt").asText()).isEqualTo("text");

        JsonNode windmill = folders.json(sidecar(folders.outbox.resolve("stream").resolve("002-1.png")));
        assertThat(windmill.path("source_line").asInt()).isEqualTo(3);
        assertThat(windmill.path("parameters").path("guidance").asDouble()).isEqualTo(4.5);
        assertThat(folders.outbox.resolve("one").resolve("castle-1.png")).exists();

        JsonNode summary = folders.json(folders.outbox.resolve("lines.summary.json"));
        assertThat(summary.path("outcome").asText()).isEqualTo("succeeded");
        assertThat(summary.path("jobs_total").asInt()).isEqualTo(3);
        assertThat(summary.path("jobs").get(0).path("outputs").get(0).asText()).endsWith("001-1.png");
        assertThat(summary.path("jobs").get(1).path("seed").asLong()).as("the summary's seed of the heron").isEqualTo(seed);
        assertThat(folders.outbox.resolve("poem.summary.json")).exists();
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void anInputImageFromAFolderOfTheInboxGoesToTheProvider() throws Exception {
        Path images = Files.createDirectories(folders.inbox.resolve("images"));
        Files.write(images.resolve("cat.png"), dev.promptrelay.sandbox.PlaceholderImage.png("a cat", 1, 64, 64, "test"));
        folders.drop("edit.json", """
                {"model": "Qwen/Qwen-Image-Edit-2511", "type": "image-to-image", "prompt": "make the cat blue",
                 "image": "images/cat.png"}""");

        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("edit.json")));

        JsonNode sidecar = folders.json(sidecar(folders.outbox.resolve("edit").resolve("001-1.png")));
        assertThat(sidecar.path("parameters").path("image").asText()).as("what was asked").isEqualTo("images/cat.png");
        String kept = sidecar.path("parameters").path("kept_image").asText();
        assertThat(kept).as("a copy kept in the state directory, by content").matches("[0-9a-f]{64}\\.png");
        assertThat(folders.root.resolve("state").resolve("input-images").resolve(kept)).hasSameBinaryContentAs(images.resolve("cat.png"));
        assertThat(images.resolve("cat.png")).as("the user's picture is left where it is").exists();
        assertThat(sidecar.path("parameters").path("type").asText()).isEqualTo("image-to-image");

        // no type written: a job with an input picture is an edit, and is recorded as one
        folders.drop("recolour.txt", "make the cat green --model Qwen/Qwen-Image-Edit-2511 --image images/cat.png\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(folders.archive.resolve("recolour.txt")));
        JsonNode untyped = folders.json(sidecar(folders.outbox.resolve("recolour").resolve("001-1.png")));
        assertThat(untyped.path("parameters").path("type").asText()).isEqualTo("image-to-image");
    }

    private static Path sidecar(Path image) {
        return image.resolveSibling(image.getFileName() + ".json");
    }

    private List<Path> images() throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(folders.outbox)) {
            for (Path dir : dirs.filter(Files::isDirectory)
                    .filter(d -> List.of("lines", "poem", "batch", "stream", "one").contains(d.getFileName().toString()))
                    .toList()) {
                found.addAll(folders.files(dir, "*.png"));
            }
        }
        return found;
    }
}
