package dev.promptrelay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A video result far larger than the heap goes from the socket to the file: the application, in its own JVM with 48 MB
 * of heap (sandbox included), writes a 256 MB video. Holding it in memory anywhere would fail the job.
 */
class BigVideoIT {

    static final long VIDEO_BYTES = 256L * 1024 * 1024;

    @Test
    void aVideoLargerThanTheHeapIsStreamedToDisk() throws Exception {
        Path dir = TestFolders.runDir("big-video");
        Map<String, String> settings = SeparateJvm.settings("promptrelay.sandbox.video-bytes", String.valueOf(VIDEO_BYTES),
                "promptrelay.sandbox.task-millis", "300", "promptrelay.poll.first-delay-millis", "300",
                "promptrelay.modelscope.scripts-config-file", "", "promptrelay.modelscope.api-key", "",
                "promptrelay.modellix.api-key", "", "promptrelay.scenario.api-key", "", "camel.server.enabled", "false");
        try (SeparateJvm app = SeparateJvm.start(dir, List.of("-Xmx48m"), settings)) {
            Files.createDirectories(dir.resolve("inbox"));
            Path temp = Files.writeString(dir.resolve("clip.tmp"), "{\"provider\": \"modellix\", \"model\": "
                    + "\"kling/kling-v2.1-t2v\", \"type\": \"text-to-video\", \"prompt\": \"waves on a beach\"}");
            Files.move(temp, dir.resolve("inbox").resolve("clip.json"));

            await().atMost(Duration.ofSeconds(90)).until(() -> Files.exists(dir.resolve("archive").resolve("clip.json"))
                                                                || Files.exists(dir.resolve("failed").resolve("clip.json"))
                                                                || !app.isAlive());

            assertThat(dir.resolve("archive").resolve("clip.json")).as(app.logTail(40)).exists();
            Path video = dir.resolve("outbox").resolve("clip").resolve("001-1.mp4");
            assertThat(Files.size(video)).isEqualTo(VIDEO_BYTES);
            assertThat(Files.readString(app.log)).doesNotContain("OutOfMemoryError");
            // filler of no further use, and too big to keep around in target/
            Files.delete(video);
        }
    }
}
