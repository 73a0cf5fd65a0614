package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static dev.promptrelay.ScriptedProvider.json;
import static dev.promptrelay.ScriptedProvider.png;
import static dev.promptrelay.ScriptedProvider.stalled;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code kill -9} while results are being stored: three outputs are written, three are half-way through their
 * download. After a restart each output is finished in place: the same names, one file per output with its sidecar,
 * no temporary file left, and no second download of an output that was complete.
 */
class KillWhileStoringIT {

    @Test
    void outputsCutOffByAKillAreFinishedInPlace() throws Exception {
        Path dir = TestFolders.runDir("kill-storing");
        try (ScriptedProvider provider = new ScriptedProvider()) {
            for (int k = 1; k <= 6; k++) {
                ScriptedProvider.Answer picture = png("result " + k);
                provider.script("prompt number " + k)
                        .on("POST", "/v1/images/generations", json(200, "{\"task_id\": \"t-" + k + "\"}"))
                        .on("GET", "/v1/tasks/t-" + k, json(200, "{\"task_status\": \"SUCCEED\", \"output_images\": "
                                                                 + "[\"{base}/files/" + k + ".png\"]}"))
                        .on("GET", "/files/" + k + ".png", k <= 3 ? picture : stalled(picture), picture);
            }
            Map<String, String> settings = SeparateJvm.settings("promptrelay.modelscope.base-url", provider.baseUrl(),
                    "promptrelay.modelscope.api-key", TestKeys.MODELSCOPE, "promptrelay.modelscope.max-concurrent", "6",
                    "promptrelay.poll.first-delay-millis", "100", "promptrelay.modelscope.scripts-config-file", "",
                    "promptrelay.modellix.api-key", "", "promptrelay.scenario.api-key", "");
            Files.createDirectories(dir.resolve("inbox"));
            Path temp = Files.writeString(dir.resolve("batch.tmp"), IntStream.rangeClosed(1, 6)
                    .mapToObj(i -> "prompt number " + i).collect(Collectors.joining("\n")));
            Path out = dir.resolve("outbox").resolve("batch");

            try (SeparateJvm first = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                Files.move(temp, dir.resolve("inbox").resolve("batch.txt"));
                await().atMost(Duration.ofSeconds(60)).until(() -> !first.isAlive()
                        || files(out, ".png").size() == 3 && IntStream.rangeClosed(4, 6)
                                .allMatch(k -> provider.count("prompt number " + k, "GET", "/files/") == 1)
                           && files(out, ".part").size() == 3);
                assertThat(first.isAlive()).as(first.logTail(40)).isTrue();
                first.kill();
            }
            provider.releaseStalled();

            try (SeparateJvm second = SeparateJvm.start(dir, List.of("-Xmx256m"), settings)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> !second.isAlive()
                        || Files.exists(dir.resolve("archive").resolve("batch.txt"))
                        || Files.exists(dir.resolve("failed").resolve("batch.txt")));
                assertThat(dir.resolve("archive").resolve("batch.txt")).as(second.logTail(60)).exists();
            }
            assertThat(files(out, ".png")).extracting(p -> p.getFileName().toString())
                    .containsExactly("001-1.png", "002-1.png", "003-1.png", "004-1.png", "005-1.png", "006-1.png");
            assertThat(files(out, ".png.json")).as("each with its sidecar").hasSize(6);
            try (Stream<Path> all = Files.walk(dir)) {
                assertThat(all.filter(p -> p.getFileName().toString().endsWith(".part"))).as("no temporary file").isEmpty();
            }
            for (int k = 1; k <= 6; k++) {
                String marker = "prompt number " + k;
                assertThat(provider.count(marker, "POST", "/v1/images/generations")).as(marker + " submits").isEqualTo(1);
                assertThat(provider.count(marker, "GET", "/files/")).as(marker + " downloads")
                        .isEqualTo(k <= 3 ? 1 : 2);
                Path image = out.resolve(String.format("%03d-1.png", k));
                assertThat(TestFolders.JSON.readTree(image.resolveSibling(image.getFileName() + ".json").toFile())
                        .path("sha256").asText()).isEqualTo(dev.promptrelay.output.AtomicFiles.sha256Of(image));
            }
        }
    }

    private static List<Path> files(Path dir, String suffix) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }
}
