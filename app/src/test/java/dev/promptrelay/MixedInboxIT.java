package dev.promptrelay;

import java.util.Map;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptrelay.sandbox.SandboxServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * All three providers at once, live: keys set, base URLs pointing at a separately started stand-in that speaks each
 * provider's protocol. Each job goes to the provider its prompt file names.
 */
class MixedInboxIT extends RunningApplication {

    static final String MODELSCOPE_KEY = TestKeys.MODELSCOPE;
    static final String MODELLIX_KEY = TestKeys.MODELLIX;
    static final String SCENARIO_SECRET = TestKeys.SCENARIO_SECRET;
    static TestFolders folders;
    static SandboxServer standIn;

    @BeforeAll
    static void start() throws IOException {
        folders = TestFolders.create("mixed");
        standIn = folders.standIn(300);
        folders.set("promptrelay.modelscope.api-key", MODELSCOPE_KEY);
        folders.set("promptrelay.modellix.api-key", MODELLIX_KEY);
        folders.set("promptrelay.scenario.api-key", TestKeys.SCENARIO_KEY);
        folders.set("promptrelay.scenario.api-secret", SCENARIO_SECRET);
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    @Override
    protected Map<String, String> settings() {
        return folders.settings();
    }

    @Test
    void sixModelScopeTwoModellixImagesOneModellixVideoAndFourScenarioGiveTwelvePngsAndOneMp4() throws Exception {
        folders.drop("modelscope.txt", "a fox\na heron\na lighthouse\n一只金色的猫\na red kite\na quiet harbour\n");
        folders.drop("qwen.json", """
                {"provider": "modellix", "model": "alibaba/qwen-image-plus", "type": "text-to-image",
                 "prompt": "a paper lantern", "size": "1328*1328"}""");
        folders.drop("seedream.json", """
                {"provider": "modellix", "model": "bytedance/seedream-4.5-t2i", "prompt": "a glass bridge",
                 "size": "1024x768", "seed": 7}""");
        folders.drop("clip.json", """
                {"provider": "modellix", "model": "kling/kling-v2.1-t2v", "type": "text-to-video",
                 "prompt": "waves rolling onto a beach", "aspect_ratio": "16:9"}""");
        folders.drop("scenario.json", """
                [{"provider": "scenario", "model": "model_imagen4-ultra", "prompt": "a castle", "aspect_ratio": "16:9"},
                 {"provider": "scenario", "model": "flux.1-dev", "prompt": "a forest", "width": 1024, "height": 768},
                 {"provider": "scenario", "model": "flux.1-dev", "prompt": "a desert", "seed": 3},
                 {"provider": "scenario", "prompt": "a harbour at night"}]""");

        List<String> promptFiles = List.of("modelscope.txt", "qwen.json", "seedream.json", "clip.json", "scenario.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> promptFiles.stream()
                .allMatch(f -> Files.exists(folders.archive.resolve(f))));

        List<Path> pngs = outputs("*.png");
        List<Path> mp4s = outputs("*.mp4");
        assertThat(pngs).hasSize(12);
        assertThat(mp4s).hasSize(1);
        for (Path png : pngs) {
            assertThat(ImageIO.read(png.toFile())).as(png + " is a readable PNG").isNotNull();
            assertThat(png.resolveSibling(png.getFileName() + ".json")).exists();
        }
        Path video = mp4s.get(0);
        byte[] head = Files.newInputStream(video).readNBytes(8);
        assertThat(new String(head, 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).as("an MP4 box").isEqualTo("ftyp");
        JsonNode videoSidecar = folders.json(video.resolveSibling(video.getFileName() + ".json"));
        assertThat(videoSidecar.path("kind").asText()).isEqualTo("video");
        assertThat(videoSidecar.path("provider").asText()).isEqualTo("modellix");
        assertThat(videoSidecar.path("bytes").asLong()).isEqualTo(Files.size(video));

        JsonNode qwen = folders.json(folders.outbox.resolve("qwen").resolve("001-1.png.json"));
        assertThat(qwen.path("model").asText()).isEqualTo("alibaba/qwen-image-plus");
        assertThat(ImageIO.read(folders.outbox.resolve("qwen").resolve("001-1.png").toFile()).getWidth()).isEqualTo(1328);
        JsonNode defaultScenario = folders.json(folders.outbox.resolve("scenario").resolve("004-1.png.json"));
        assertThat(defaultScenario.path("model").asText()).as("the default model").isEqualTo("model_imagen4-ultra");

        assertThat(standIn.count("modelscope.submits")).as("one paid submit per job").isEqualTo(6);
        assertThat(standIn.count("modellix.submits")).isEqualTo(3);
        assertThat(standIn.count("scenario.submits")).isEqualTo(4);
        assertThat(standIn.count("scenario.links")).as("each asset's link asked for right before its download").isEqualTo(4);
        assertThat(standIn.count("rejected")).as("every protocol detail accepted").isZero();
        assertThat(folders.files(folders.failed, "*")).isEmpty();
        try (Stream<Path> files = Files.walk(folders.root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                assertThat(Files.readString(file)).as(file.toString())
                        .doesNotContain(MODELSCOPE_KEY, MODELLIX_KEY, SCENARIO_SECRET);
            }
        }
    }

    private List<Path> outputs(String glob) throws IOException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(folders.outbox)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                found.addAll(folders.files(dir, glob));
            }
        }
        return found;
    }
}
